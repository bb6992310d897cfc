// SPDX-License-Identifier: GPL-2.0-or-later
// Decoder events kept for later. One decode feeds every consumer of a frame: the texts (XML,
// summary, login facts) at once, and the Wireshark tree afterwards, from the recording, in
// code that holds no C++ object a longjmp could strand. The recorder owns nothing: its memory
// comes from an arena (pinfo->pool in the dissector) and is never freed by it, so it and the
// recording are trivially destructible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "codec/decoder.hpp"

namespace funxmpp {

// Memory that outlives the recorder.
struct Arena {
    void *(*allocate)(void *context, std::size_t size);  // never returns nullptr
    void *context;
};

struct RecordedEvent {
    enum class Kind : std::uint8_t { NodeBegin, AttributeKey, AttributeValue, ChildrenBegin, Data, NodeEnd };
    Kind kind;
    // NodeBegin: offset, header_length, list_size, attribute_count; ChildrenBegin: offset,
    // length, count; NodeEnd: end.
    std::uint32_t n[4];
    Value value;  // NodeBegin: the tag; AttributeKey/-Value, Data: the value
};

struct RecordedBlock {
    static constexpr std::size_t kEvents = 64;
    RecordedEvent events[kEvents];
    std::size_t count;
    RecordedBlock *next;
};

// What a recorder kept, in decoder order.
struct Recording {
    const RecordedBlock *first = nullptr;
    std::size_t events = 0;
};

class EventRecorder final : public DecodeHandler {
public:
    explicit EventRecorder(Arena arena) : arena_(arena) {}

    void node_begin(const NodeBegin &n) override;
    void attribute(const Value &key, const Value &value) override;
    void children_begin(std::uint32_t offset, std::uint32_t length, std::uint32_t count) override;
    void data(const Value &value) override;
    void node_end(std::uint32_t end) override;

    Recording recording() const { return Recording{first_, events_}; }

private:
    RecordedEvent &add(RecordedEvent::Kind kind);
    // A copy whose bytes outlive the event (packed strings live in the decoder's scratch).
    Value keep(const Value &v);
    StringValue keep(const StringValue &s);

    Arena arena_;
    RecordedBlock *first_ = nullptr, *last_ = nullptr;
    std::size_t events_ = 0;
};

static_assert(std::is_trivially_destructible_v<EventRecorder> && std::is_trivially_destructible_v<RecordedBlock>,
              "a recording may be replayed into code that longjmps");

// Feeds the recorded events to `handler` as the decoder fed them (depths recomputed).
void replay(const Recording &recording, DecodeHandler &handler);

}  // namespace funxmpp
