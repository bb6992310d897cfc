// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/proto_schema.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>

namespace funxmpp::e2e {

// tokens/waproto.txt, as the build embeds it (generated/waproto_text.cpp).
extern const char kWaprotoText[];

namespace {

const std::map<std::string_view, ProtoKind> kKinds = {
    {"double", ProtoKind::Double}, {"float", ProtoKind::Float},       {"int32", ProtoKind::Int32},
    {"int64", ProtoKind::Int64},   {"uint32", ProtoKind::Uint32},     {"uint64", ProtoKind::Uint64},
    {"sint32", ProtoKind::Sint32}, {"sint64", ProtoKind::Sint64},     {"fixed32", ProtoKind::Fixed32},
    {"fixed64", ProtoKind::Fixed64}, {"sfixed32", ProtoKind::Sfixed32}, {"sfixed64", ProtoKind::Sfixed64},
    {"bool", ProtoKind::Bool},     {"string", ProtoKind::String},     {"bytes", ProtoKind::Bytes},
    {"message", ProtoKind::Message}, {"enum", ProtoKind::Enum},
};

}  // namespace

const ProtoField *ProtoMessage::field(std::uint32_t number) const
{
    auto it = std::lower_bound(fields.begin(), fields.end(), number,
                               [](const ProtoField &f, std::uint32_t n) { return f.number < n; });
    return it != fields.end() && it->number == number ? &*it : nullptr;
}

const char *ProtoEnum::name_of(std::int32_t number) const
{
    for (const auto &[n, name] : values)
        if (n == number)
            return name.c_str();
    return nullptr;
}

int ProtoSchema::message_index(std::string_view name) const
{
    for (std::size_t i = 0; i < messages.size(); ++i)
        if (messages[i].name == name)
            return static_cast<int>(i);
    return -1;
}

ProtoSchema parse_proto_schema(std::string_view text)
{
    ProtoSchema s;
    // Targets are named before all of them are known: resolved at the end.
    std::vector<std::pair<ProtoField *, std::string>> targets;
    std::map<std::string, int> message_at, enum_at;
    std::istringstream in{std::string(text)};
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        const auto fail = [&](const std::string &why) {
            throw std::runtime_error("waproto line " + std::to_string(number) + ": " + why);
        };
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream words(line);
        std::string what;
        words >> what;
        if (what == "message") {
            s.messages.emplace_back();
            words >> s.messages.back().name;
            message_at[s.messages.back().name] = static_cast<int>(s.messages.size() - 1);
        } else if (what == "enum") {
            s.enums.emplace_back();
            words >> s.enums.back().name;
            enum_at[s.enums.back().name] = static_cast<int>(s.enums.size() - 1);
        } else if (what == "field") {
            if (s.messages.empty())
                fail("a field before any message");
            ProtoField f;
            std::string kind, extra, target;
            if (!(words >> f.number >> f.name >> kind))
                fail("field NUMBER NAME TYPE [repeated] [TARGET]");
            auto k = kKinds.find(kind);
            if (k == kKinds.end())
                fail("unknown type " + kind);
            f.kind = k->second;
            while (words >> extra) {
                if (extra == "repeated")
                    f.repeated = true;
                else
                    target = extra;
            }
            if ((f.kind == ProtoKind::Message || f.kind == ProtoKind::Enum) == target.empty())
                fail("a message or enum field names its type, no other does");
            s.messages.back().fields.push_back(f);
            if (!target.empty())
                targets.emplace_back(nullptr, target);
        } else if (what == "value") {
            if (s.enums.empty())
                fail("a value before any enum");
            std::int32_t n = 0;
            std::string name;
            if (!(words >> n >> name))
                fail("value NUMBER NAME");
            s.enums.back().values.emplace_back(n, name);
        } else {
            fail("unknown line " + what);
        }
    }
    // Now that the vectors no longer move: sort fields, then resolve the targets in order.
    std::size_t t = 0;
    for (ProtoMessage &m : s.messages) {
        for (ProtoField &f : m.fields) {
            if (f.kind != ProtoKind::Message && f.kind != ProtoKind::Enum)
                continue;
            const std::string &name = targets.at(t++).second;
            const auto &index = f.kind == ProtoKind::Message ? message_at : enum_at;
            auto it = index.find(name);
            if (it == index.end())
                throw std::runtime_error("waproto: " + m.name + "." + f.name + " names " + name + ", which is not there");
            f.target = it->second;
        }
        std::sort(m.fields.begin(), m.fields.end(),
                  [](const ProtoField &a, const ProtoField &b) { return a.number < b.number; });
    }
    return s;
}

const ProtoSchema &waproto_schema()
{
    static const ProtoSchema schema = parse_proto_schema(kWaprotoText);
    return schema;
}

}  // namespace funxmpp::e2e
