// SPDX-License-Identifier: GPL-2.0-or-later
#include "session_xml.hpp"

#include <algorithm>

#include "codec/xml.hpp"

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "codec/noise.hpp"
#include "codec/proto_schema.hpp"
#include "codec/protobuf.hpp"
#include "codec/signal_envelope.hpp"
#include "codec/signal_payload.hpp"
#include "codec/text.hpp"

namespace funxmpp::capture {

namespace {

class Parser {
public:
    Parser(const std::string &s, std::mt19937 &rng) : s_(s), rng_(rng) {}

    Node document()
    {
        skip_space();
        Node n = element(0);
        skip_space();
        if (pos_ != s_.size())
            fail("text after the stanza");
        return n;
    }

private:
    [[noreturn]] void fail(const std::string &why)
    {
        throw XmlError(why + " at column " + std::to_string(pos_ + 1) + " of: " + s_);
    }
    bool starts(const char *t) const { return s_.compare(pos_, std::char_traits<char>::length(t), t) == 0; }
    void expect(char c)
    {
        if (pos_ >= s_.size() || s_[pos_] != c)
            fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    void skip_space()
    {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t'))
            ++pos_;
    }
    std::string name()
    {
        std::size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] != ' ' && s_[pos_] != '/' && s_[pos_] != '>' && s_[pos_] != '=' &&
               s_[pos_] != '<')
            ++pos_;
        if (pos_ == start)
            fail("expected a name");
        return s_.substr(start, pos_ - start);
    }

    // Text up to `stop` with entities decoded (and, in content, the {{...}} generators).
    std::string text(char stop, bool content)
    {
        std::string out;
        while (pos_ < s_.size() && s_[pos_] != stop) {
            if (s_[pos_] == '&') {
                std::size_t semi = s_.find(';', pos_);
                if (semi == std::string::npos)
                    fail("unterminated entity");
                std::string e = s_.substr(pos_ + 1, semi - pos_ - 1);
                pos_ = semi + 1;
                if (e == "amp")
                    out += '&';
                else if (e == "lt")
                    out += '<';
                else if (e == "gt")
                    out += '>';
                else if (e == "quot")
                    out += '"';
                else if (e == "apos")
                    out += '\'';
                else if (e.size() > 1 && e[0] == '#') {
                    const bool hex = e[1] == 'x';
                    const char *digits = e.c_str() + (hex ? 2 : 1);
                    char *end = nullptr;
                    long v = std::strtol(digits, &end, hex ? 16 : 10);
                    if (*digits == '\0' || *end != '\0' || v < 0 || v > 255)
                        fail("bad byte reference &" + e + ";");
                    out += static_cast<char>(v);
                } else {
                    fail("unknown entity &" + e + ";");
                }
            } else if (content && starts("{{")) {
                std::size_t end = s_.find("}}", pos_);
                if (end == std::string::npos)
                    fail("unterminated {{");
                std::string what = s_.substr(pos_ + 2, end - pos_ - 2);
                pos_ = end + 2;
                unsigned long n = 0;
                char c = 0;
                char type[8] = "";
                if (std::sscanf(what.c_str(), "random %lu", &n) == 1) {
                    out += random_bytes(n);
                } else if (std::sscanf(what.c_str(), "envelope %7s %lu", type, &n) == 2) {
                    out += envelope(type, n);
                } else if (int used = 0;
                           std::sscanf(what.c_str(), "signal-wrong-key %7s %n", type, &used) == 1 && used > 0) {
                    out += signal(type, conversation(what.substr(static_cast<std::size_t>(used))), true);
                } else if (int used = 0;
                           std::sscanf(what.c_str(), "signal-bytes %7s %n", type, &used) == 1 && used > 0) {
                    std::optional<std::string> bytes = parse_hex(what.substr(static_cast<std::size_t>(used)));
                    if (!bytes)
                        fail("{{signal-bytes TYPE HEX}} needs pairs of hex digits");
                    out += signal(type, *bytes, false);
                } else if (char media[64] = "";
                           std::sscanf(what.c_str(), "signal-media %7s %63s", type, media) == 2) {
                    const auto m = script_media().find(media);
                    if (m == script_media().end())
                        fail(std::string("{{signal-media TYPE NAME}}: no media line defines ") + media);
                    out += signal(type, media_message(m->second), false);
                } else if (int used = 0; std::sscanf(what.c_str(), "signal %7s %n", type, &used) == 1 && used > 0) {
                    out += signal(type, conversation(what.substr(static_cast<std::size_t>(used))), false);
                } else if (what.rfind("hex ", 0) == 0) {
                    std::optional<std::string> bytes = parse_hex(what.substr(4));
                    if (!bytes)
                        fail("{{hex ...}} needs pairs of hex digits");
                    out += *bytes;
                } else if (std::sscanf(what.c_str(), "repeat %lu %c", &n, &c) == 2) {
                    out.append(n, c);
                } else {
                    fail("unknown generator {{" + what + "}}");
                }
            } else {
                out += s_[pos_++];
            }
        }
        return out;
    }

    std::string random_bytes(std::size_t n)
    {
        std::string out;
        for (std::size_t i = 0; i < n; ++i)
            out += static_cast<char>(rng_() & 0xFF);
        return out;
    }

    // A well-formed Signal envelope (DESIGN 2.8) of the type, its ciphertext N random bytes,
    // its keys, numbers, MAC and signature random too (no key opens it).
    std::string envelope(const std::string &type, std::size_t n)
    {
        return envelope_around(type, [&] { return random_bytes(n); });
    }

    static std::string conversation(const std::string &text)
    {
        std::string message;
        protobuf::put_bytes(message, 1, text);  // Message.conversation
        return message;
    }

    // Message bytes sealed as WhatsApp does (random padding, AES-256-CBC with a random key and
    // IV) in an envelope of the type; its WA_SIGNAL_KEY line is recorded (with another key than
    // the one that sealed it when `wrong_key`).
    std::string signal(const std::string &type, const std::string &message, bool wrong_key)
    {
        noise::Key32 key;
        e2e::Iv iv;
        for (auto &b : key)
            b = static_cast<std::uint8_t>(rng_() & 0xFF);
        for (auto &b : iv)
            b = static_cast<std::uint8_t>(rng_() & 0xFF);
        const auto padding = static_cast<std::uint8_t>(rng_() % 16 + 1);
        const std::string ciphertext = e2e::seal_payload(message, padding, key, iv);
        const std::optional<noise::Key32> hash = noise::sha256_digest(ciphertext);
        if (ciphertext.empty() || !hash)
            fail("{{signal ...}}: libgcrypt refused");
        if (wrong_key)
            key[0] ^= 0x80;
        std::string line = "WA_SIGNAL_KEY ";
        append_hex(line, noise::as_view(*hash));
        line += ' ';
        append_hex(line, noise::as_view(key));
        line += ' ';
        append_hex(line, std::string_view(reinterpret_cast<const char *>(iv.data()), iv.size()));
        recorded_signal_keys().push_back(std::move(line));
        return envelope_around(type, [&] { return ciphertext; });
    }

    // The envelope's other fields random, its ciphertext from make_ciphertext() (called where a
    // random ciphertext would be drawn, so that the draws keep their order).
    template <class MakeCiphertext>
    std::string envelope_around(const std::string &type, MakeCiphertext make_ciphertext)
    {
        e2e::EnvelopeType t{};
        if (!e2e::envelope_type_of(type, t))
            fail("{{envelope|signal TYPE ...}}: TYPE is msg, pkmsg or skmsg");
        // One draw after another, in this order (argument order is unspecified in C++).
        const auto key = [&] { return "\x05" + random_bytes(32); };
        const auto small = [&](std::uint32_t below) { return static_cast<std::uint32_t>(rng_() % below); };
        const auto msg = [&](std::uint32_t counter, std::uint32_t previous) {
            const std::string ratchet = key(), ciphertext = make_ciphertext(), mac = random_bytes(e2e::kMacLength);
            return e2e::encode_msg(ratchet, counter, previous, ciphertext, mac);
        };
        switch (t) {
        case e2e::EnvelopeType::Msg: {
            const std::uint32_t counter = small(100), previous = small(100);
            return msg(counter, previous);
        }
        case e2e::EnvelopeType::PreKeyMsg: {
            const std::string base = key(), identity = key();
            const std::uint32_t registration = small(16380) + 1, prekey = small(16777215), signed_prekey = small(16777215);
            return e2e::encode_pkmsg(registration, prekey, signed_prekey, base, identity, msg(0, 0));
        }
        case e2e::EnvelopeType::SenderKeyMsg: {
            const std::uint32_t id = static_cast<std::uint32_t>(rng_()), iteration = small(1000);
            const std::string ciphertext = make_ciphertext(), signature = random_bytes(e2e::kSignatureLength);
            return e2e::encode_skmsg(id, iteration, ciphertext, signature);
        }
        }
        return {};
    }

    Node element(unsigned depth)
    {
        if (depth > 100)
            fail("nesting too deep");
        expect('<');
        if (starts("/stream:stream>")) {
            pos_ += 15;
            return Node::stream_end();
        }
        std::string tag = name();
        const bool stream_start = tag == "stream:stream";
        Node n = stream_start ? Node::stream_start() : Node::element(tag);
        for (;;) {
            skip_space();
            if (starts("/>")) {
                if (stream_start)
                    fail("the stream start is written <stream:stream ...>");
                pos_ += 2;
                return n;
            }
            if (pos_ < s_.size() && s_[pos_] == '>') {
                ++pos_;
                break;
            }
            std::string key = name();
            expect('=');
            expect('"');
            std::string value = text('"', false);
            expect('"');
            n.attr(key, value);
        }
        if (stream_start)
            return n;  // never closed
        if (starts("</")) {
            n.empty_children();
        } else if (pos_ < s_.size() && s_[pos_] == '<') {
            while (pos_ < s_.size() && s_[pos_] == '<' && !starts("</"))
                n.child(element(depth + 1));
        } else {
            n.text(text('<', true));
        }
        expect('<');
        expect('/');
        if (name() != tag)
            fail("closing tag does not match <" + tag + ">");
        expect('>');
        return n;
    }

    const std::string &s_;
    std::mt19937 &rng_;
    std::size_t pos_ = 0;
};

}  // namespace

std::vector<std::string> &recorded_signal_keys()
{
    static std::vector<std::string> lines;
    return lines;
}

std::map<std::string, ScriptMedia> &script_media()
{
    static std::map<std::string, ScriptMedia> media;
    return media;
}

std::vector<const e2e::ProtoField *> media_path(const std::string &path)
{
    const e2e::ProtoSchema &schema = e2e::waproto_schema();
    std::vector<const e2e::ProtoField *> out;
    int at = schema.message_index("Message");
    for (std::size_t start = 0; start <= path.size();) {
        const std::size_t dot = std::min(path.find('.', start), path.size());
        const std::string name = path.substr(start, dot - start);
        const std::vector<e2e::ProtoField> &fields = schema.messages[static_cast<std::size_t>(at)].fields;
        const auto f = std::find_if(fields.begin(), fields.end(), [&](const e2e::ProtoField &g) { return g.name == name; });
        if (f == fields.end() || f->kind != e2e::ProtoKind::Message)
            throw XmlError("media: no message field " + name + " in " + schema.messages[static_cast<std::size_t>(at)].name);
        out.push_back(&*f);
        at = f->target;
        start = dot + 1;
    }
    return out;
}

std::string media_message(const ScriptMedia &m)
{
    const e2e::ProtoSchema &schema = e2e::waproto_schema();
    const std::vector<const e2e::ProtoField *> path = media_path(m.field);
    const e2e::ProtoField *holder = path.back();
    const std::map<std::string, std::string> bytes = {
        {"url", "https://mmg.whatsapp.net" + m.direct_path}, {"mimetype", m.mimetype},
        {"fileSha256", m.file_sha256}, {"mediaKey", m.media_key}, {"fileEncSha256", m.file_enc_sha256},
        {"directPath", m.direct_path}, {"fileName", m.file_name}};
    std::string inner;
    for (const e2e::ProtoField &f : schema.messages[static_cast<std::size_t>(holder->target)].fields) {
        if (const auto b = bytes.find(f.name); b != bytes.end() && !b->second.empty() && f.kind != e2e::ProtoKind::Message)
            protobuf::put_bytes(inner, f.number, b->second);
        else if (f.name == "fileLength")
            protobuf::put_uint(inner, f.number, m.file_length);
        else if (f.name == "ptt" && m.ptt)
            protobuf::put_uint(inner, f.number, 1);
    }
    for (auto f = path.rbegin(); f != path.rend(); ++f) {  // wrapped from the inside out
        std::string outer;
        protobuf::put_bytes(outer, (*f)->number, inner);
        inner = std::move(outer);
    }
    return inner;
}

Node parse_stanza(const std::string &xml, std::mt19937 &rng)
{
    return Parser(xml, rng).document();
}

void element_label_lines(const Node &n, unsigned depth, std::vector<std::string> &out)
{
    Node start = n;
    start.children.clear();
    start.data.clear();
    std::string label = to_xml(start);
    if (n.kind == Node::Kind::Element && n.content != Node::Content::None)
        label.resize(label.size() - (n.tag.size() + 3));  // "<a ...></a>" -> "<a ...>"
    constexpr unsigned kDeepestIndent = 39;
    out.push_back(std::string(2 * std::min(depth, kDeepestIndent), ' ') + label);
    if (n.content == Node::Content::Children)
        for (const Node &c : n.children)
            element_label_lines(c, depth + 1, out);
}

}  // namespace funxmpp::capture
