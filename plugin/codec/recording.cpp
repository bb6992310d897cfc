// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/recording.hpp"

#include <cstring>
#include <new>

namespace funxmpp {

RecordedEvent &EventRecorder::add(RecordedEvent::Kind kind)
{
    if (last_ == nullptr || last_->count == RecordedBlock::kEvents) {
        auto *b = new (arena_.allocate(arena_.context, sizeof(RecordedBlock))) RecordedBlock;
        b->count = 0;
        b->next = nullptr;
        (last_ != nullptr ? last_->next : first_) = b;
        last_ = b;
    }
    ++events_;
    RecordedEvent &e = last_->events[last_->count++];
    e.kind = kind;
    return e;
}

StringValue EventRecorder::keep(const StringValue &s)
{
    StringValue k = s;
    if ((s.encoding == Encoding::Nibble || s.encoding == Encoding::Hex) && !s.bytes.empty()) {
        auto *copy = static_cast<char *>(arena_.allocate(arena_.context, s.bytes.size()));
        std::memcpy(copy, s.bytes.data(), s.bytes.size());
        k.bytes = std::string_view(copy, s.bytes.size());
    }
    return k;
}

Value EventRecorder::keep(const Value &v)
{
    Value k = v;  // the MD JIDs' numbers (device, integrator, agent) too
    k.str = keep(v.str);
    k.user = keep(v.user);
    k.server = keep(v.server);
    return k;
}

void EventRecorder::node_begin(const NodeBegin &n)
{
    RecordedEvent &e = add(RecordedEvent::Kind::NodeBegin);
    e.n[0] = n.offset;
    e.n[1] = n.header_length;
    e.n[2] = n.list_size;
    e.n[3] = n.attribute_count;
    e.value = keep(n.tag);
}

void EventRecorder::attribute(const Value &key, const Value &value)
{
    add(RecordedEvent::Kind::AttributeKey).value = keep(key);
    add(RecordedEvent::Kind::AttributeValue).value = keep(value);
}

void EventRecorder::children_begin(std::uint32_t offset, std::uint32_t length, std::uint32_t count)
{
    RecordedEvent &e = add(RecordedEvent::Kind::ChildrenBegin);
    e.n[0] = offset;
    e.n[1] = length;
    e.n[2] = count;
}

void EventRecorder::data(const Value &value)
{
    add(RecordedEvent::Kind::Data).value = keep(value);
}

void EventRecorder::node_end(std::uint32_t end)
{
    add(RecordedEvent::Kind::NodeEnd).n[0] = end;
}

void replay(const Recording &recording, DecodeHandler &handler)
{
    unsigned depth = 0;
    const Value *key = nullptr;
    for (const RecordedBlock *b = recording.first; b != nullptr; b = b->next) {
        for (std::size_t i = 0; i < b->count; ++i) {
            const RecordedEvent &e = b->events[i];
            switch (e.kind) {
            case RecordedEvent::Kind::NodeBegin: {
                NodeBegin n;
                n.offset = e.n[0];
                n.header_length = e.n[1];
                n.list_size = e.n[2];
                n.attribute_count = e.n[3];
                n.has_content = n.list_size % 2 == 0;
                n.depth = depth++;
                n.tag = e.value;
                handler.node_begin(n);
                break;
            }
            case RecordedEvent::Kind::AttributeKey: key = &e.value; break;
            case RecordedEvent::Kind::AttributeValue:
                if (key != nullptr)
                    handler.attribute(*key, e.value);
                key = nullptr;
                break;
            case RecordedEvent::Kind::ChildrenBegin: handler.children_begin(e.n[0], e.n[1], e.n[2]); break;
            case RecordedEvent::Kind::Data: handler.data(e.value); break;
            case RecordedEvent::Kind::NodeEnd:
                --depth;
                handler.node_end(e.n[0]);
                break;
            }
        }
    }
}

}  // namespace funxmpp
