// SPDX-License-Identifier: GPL-2.0-or-later
#include "targets.hpp"

#include <cstdlib>
#include <memory>
#include <vector>
#include <stdexcept>
#include <string>

#include "codec/crypto.hpp"
#include "codec/detect.hpp"
#include "codec/encoder.hpp"
#include "codec/framing.hpp"
#include "codec/handshake.hpp"
#include "codec/media_file.hpp"
#include "codec/noise_stream.hpp"
#include "codec/protobuf.hpp"
#include "codec/recording.hpp"
#include "codec/signal_envelope.hpp"
#include "codec/text.hpp"
#include "codec/tree.hpp"
#include "codec/xml.hpp"
#include "display/stanza_text.hpp"
#include "funxmpp/session/session.hpp"

namespace funxmpp::fuzz {

namespace {

const Version kVersions[] = {{0, 4}, {1, 0}, {1, 1}, {1, 2}, {1, 4}, {1, 5}, {1, 6}};

const Dialect &pick_dialect(std::uint8_t b)
{
    return *dialect_for(kVersions[b % (sizeof kVersions / sizeof kVersions[0])]);
}

void require(bool condition)
{
    if (!condition)
        std::abort();  // a property failed: libFuzzer saves the input
}

// Calls `each(payload, size, header)` for every whole frame of `data`.
template <class F> void for_each_frame(const Dialect &d, const std::uint8_t *data, std::size_t size, F each)
{
    for (FrameCursor cursor(data, size, d); !cursor.at_end();) {
        const FrameStep f = cursor.next();
        if (f.status == FrameStatus::NeedMore)
            return;
        require(f.header.total_size() >= d.header_size);
        if (f.status == FrameStatus::Frame)
            each(cursor.payload(f), f.header.length, f.header);
    }
}

}  // namespace

void framing(const std::uint8_t *data, std::size_t size)
{
    Prologue p = parse_prologue(data, size);
    require(p.size <= size);
    for (unsigned header : {2u, 3u}) {
        std::size_t walked = p.size;
        for (FrameCursor cursor(data, size, header, p.size); !cursor.at_end();) {
            const FrameStep f = cursor.next();
            require(f.offset == walked && f.needed >= header);
            if (f.status == FrameStatus::NeedMore) {
                require(f.needed > size - f.offset && cursor.position() == f.offset);
                break;
            }
            require(f.header.length <= kMaxFrameLength && f.header.total_size() <= size - f.offset);
            walked += f.header.total_size();
            require(cursor.position() == walked);
        }
        // Detection never reads past the bytes it is given, whatever they are.
        plausible_frames(data, size, *dialect_for(header == 2 ? Version{1, 1} : Version{1, 5}));
    }
    classify_stream_start(data, size, *dialect_for(Version{1, 5}));
}

namespace {

// Every frame of `data` decoded with every consumer; the properties of decoder() and md_decoder().
void decode_frames(const Dialect &d, const std::uint8_t *data, std::size_t size)
{
    for_each_frame(d, data, size, [&](const std::uint8_t *payload, std::size_t n, const FrameHeader &) {
        // One decode with every consumer: the recording replays to the same XML.
        std::vector<std::unique_ptr<char[]>> blocks;
        const Arena arena{[](void *self, std::size_t k) -> void * {
                              auto &b = *static_cast<std::vector<std::unique_ptr<char[]>> *>(self);
                              b.push_back(std::make_unique<char[]>(k));
                              return b.back().get();
                          },
                          &blocks};
        StanzaWants wants;
        wants.login = true;
        wants.record = &arena;
        StanzaText text = decode_stanza(d, payload, n, wants);
        require(text.result.ok() || text.result.error.offset <= n);
        require(is_text(text.xml));
        if (text.result.ok()) {
            std::string again;
            XmlWriter writer(again);
            replay(text.events, writer);
            require(again == text.xml);
        }
        Node tree;
        DecodeResult r = decode_tree(d, payload, n, tree);
        require(r.ok() == text.result.ok());
        if (!r.ok() || r.keep_alive)
            return;
        // The quick look at the tag agrees with the full decode.
        require(top_level_tag(d, payload, n) == tree.tag);
        // What decodes re-encodes (the encoder's own choices) and decodes to the same tree,
        // unless a value is too long for this version's binary lengths.
        std::string again;
        try {
            again = encode_node(d, tree);
        } catch (const std::invalid_argument &) {
            return;
        }
        Node back;
        require(decode_tree(d, reinterpret_cast<const std::uint8_t *>(again.data()), again.size(), back).ok());
        require(to_xml(back) == to_xml(tree));
    });
}

}  // namespace

void decoder(const std::uint8_t *data, std::size_t size)
{
    if (size != 0)
        decode_frames(pick_dialect(data[0]), data + 1, size - 1);
}

void md_decoder(const std::uint8_t *data, std::size_t size)
{
    static const Version kMd[] = {{5, 2}, {6, 2}, {6, 3}};
    if (size != 0)
        decode_frames(*dialect_for(kMd[data[0] % 3]), data + 1, size - 1);
}

void noise_stream(const std::uint8_t *data, std::size_t size)
{
    // A client stream walked unit by unit as the dissector walks it: every unit lies within
    // the bytes, the walk always moves on, and detection reads nothing past the end.
    noise::recognise_client_start(data, size);
    noise::Phase phase = noise::Phase::ClientStart;
    noise::NoiseProgress progress;
    for (std::size_t at = 0; at < size;) {
        const noise::StreamUnit u = noise::next_unit(data + at, size - at, phase);
        if (u.status == noise::UnitStatus::NeedMore) {
            require(u.size > size - at);
            break;
        }
        if (u.status == noise::UnitStatus::Malformed && u.size == 0)
            break;  // lost: the rest cannot be followed
        require(u.size >= u.header() && u.size <= size - at);
        if (u.status == noise::UnitStatus::Unit && u.kind == noise::UnitKind::Frame) {
            const noise::FrameAssignment a = progress.assign(0, data + at + noise::kFrameHeader, u.length);
            require(a.role != noise::FrameRole::ServerHello);
        }
        phase = noise::phase_after(phase, u);
        at += u.size;
    }
}

void xml(const std::uint8_t *data, std::size_t size)
{
    // Bytes -> a small tree: each 0x00 ends a string; strings alternate tag, key, value, ...
    std::string s(reinterpret_cast<const char *>(data), size);
    std::size_t pos = 0;
    auto next = [&]() {
        std::size_t end = s.find('\0', pos);
        std::string out = s.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        pos = end == std::string::npos ? s.size() : end + 1;
        return out;
    };
    Node root = Node::element("x" + next());
    for (int i = 0; i < 8 && pos < s.size(); ++i) {
        std::string k = next(), v = next();
        root.attr(k, v);
    }
    if (pos < s.size())
        root.child(Node::element("c").text(next()));
    if (pos < s.size())
        root.text(next());
    std::string out = to_xml(root);
    require(is_text(out));
    require(is_text(to_xml(root, true)));
}

void crypto(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return;
    const Dialect &d = pick_dialect(data[0]);
    CaptureMemory memory;
    const std::string password = *base64_decode("AQIDBAUGBwgJCgsMDQ4PEBESExQ=");
    ConnectionSession session(d.version, memory, [&](const std::string &) {
        return std::optional<Credentials>(Credentials{password, std::string(20, '\xa0'), "fuzz"});
    });
    int i = 0;
    for_each_frame(d, data + 1, size - 1, [&](const std::uint8_t *payload, std::size_t n, const FrameHeader &h) {
        const Direction dir = (i++ % 2 == 0) ? Direction::ClientToServer : Direction::ServerToClient;
        if (h.encrypted()) {
            DecryptResult r = session.decrypt(dir, payload, n);
            if (r.status == DecryptStatus::Decrypted)
                session.observe(dir, reinterpret_cast<const std::uint8_t *>(r.plaintext.data()), r.plaintext.size());
        } else {
            session.observe(dir, payload, n);
        }
    });
}

namespace {

// The value of the first `number` field of m held as bytes, from `data`; empty if none.
std::string_view known_bytes(const noise::HandshakeMessage &m, const std::uint8_t *data, std::uint32_t number)
{
    for (std::size_t i = 0; i < m.count; ++i) {
        const noise::HandshakeItem &it = m.items[i];
        if (it.field.number == number && it.field.wire == protobuf::WireType::Len)
            return std::string_view(reinterpret_cast<const char *>(data) + it.field.value_offset,
                                    it.field.value_length);
    }
    return {};
}

}  // namespace

void handshake(const std::uint8_t *data, std::size_t size)
{
    // The bare reader: fields follow each other without gaps; it ends at the end or at an error.
    protobuf::Reader r(data, size);
    std::size_t pos = 0;
    for (protobuf::Field f; r.next(f); pos = f.end())
        require(f.offset == pos && f.offset < f.value_offset && f.end() <= size);
    require(r.error() == protobuf::Error::None ? pos == size : r.error_offset() == pos && pos < size);
    require(r.at_end() && std::string(protobuf::error_text(r.error())) != "?");

    using namespace noise;
    const HandshakeMessage m = parse_handshake(data, size);
    require(m.count <= kMaxHandshakeItems && (!m.too_many_fields || m.count == kMaxHandshakeItems));
    require(!m.ok() || m.kind != HandshakeKind::None);
    require(m.error == protobuf::Error::None || m.error_offset < size);
    if (m.kind == HandshakeKind::None) {
        require(m.count == 0);
        return;
    }
    require(m.body.offset < m.body.value_offset && m.body.end() <= size);
    for (std::size_t i = 0; i < m.count; ++i) {
        const protobuf::Field &f = m.items[i].field;
        require(f.offset >= m.body.value_offset && f.offset < f.value_offset && f.end() <= m.body.end());
        require(m.items[i].info == field_info(m.kind, f.number));
    }
    pattern_after_server_hello(pattern_of(m), m);

    // Re-encoding the known keys and payloads gives a message with the same values.
    std::string again;
    const std::string_view a = known_bytes(m, data, 1), b = known_bytes(m, data, 2), c = known_bytes(m, data, 3);
    switch (m.kind) {
    case HandshakeKind::ClientHello: again = encode_client_hello(a, b, c); break;
    case HandshakeKind::ServerHello: again = encode_server_hello(a, b, c); break;
    default: again = encode_client_finish(a, b); break;
    }
    const auto *bytes = reinterpret_cast<const std::uint8_t *>(again.data());
    const HandshakeMessage back = parse_handshake(bytes, again.size());
    require(back.ok() && back.kind == m.kind && !back.several_kinds && back.unknown_outer == 0);
    // (A ClientFinish's field 3 is extended_ciphertext, which the encoder does not write.)
    const std::string_view want[3] = {a, b, m.kind == HandshakeKind::ClientFinish ? std::string_view() : c};
    for (std::uint32_t n = 1; n <= 3; ++n)
        require(known_bytes(back, bytes, n) == want[n - 1]);
}

void envelope(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return;
    const auto type = static_cast<e2e::EnvelopeType>(data[0] % 3);
    ++data, --size;
    const e2e::Envelope e = e2e::parse_envelope(type, data, size);
    for (const protobuf::Span *s : {&e.ratchet_key, &e.ciphertext, &e.mac, &e.base_key, &e.identity_key, &e.inner, &e.signature})
        require(!s->present || s->offset + s->length <= size);
    for (const protobuf::Number *n : {&e.counter, &e.previous_counter, &e.registration_id, &e.prekey_id,
                                      &e.signed_prekey_id, &e.sender_key_id, &e.iteration})
        require(!n->present || (n->length > 0 && n->offset + n->length <= size));
    require(e.fault_offset <= size && !e2e::describe_fault(e).empty());
    if (!e.ok())
        return;
    const auto at = [&](const protobuf::Span &s) {
        return std::string_view(reinterpret_cast<const char *>(data) + s.offset, s.length);
    };
    const auto u32 = [](const protobuf::Number &n) { return static_cast<std::uint32_t>(n.value); };
    const std::string msg = e2e::encode_msg(at(e.ratchet_key), u32(e.counter), u32(e.previous_counter), at(e.ciphertext), at(e.mac));
    std::string again;
    switch (type) {
    case e2e::EnvelopeType::Msg: again = msg; break;
    case e2e::EnvelopeType::PreKeyMsg:
        again = e2e::encode_pkmsg(u32(e.registration_id), u32(e.prekey_id), u32(e.signed_prekey_id), at(e.base_key),
                                  at(e.identity_key), msg);
        break;
    case e2e::EnvelopeType::SenderKeyMsg:
        again = e2e::encode_skmsg(u32(e.sender_key_id), u32(e.iteration), at(e.ciphertext), at(e.signature));
        break;
    }
    const e2e::Envelope back = e2e::parse_envelope(type, reinterpret_cast<const std::uint8_t *>(again.data()), again.size());
    require(back.ok());
    const auto same = [&](const protobuf::Span &a, const protobuf::Span &b) {
        return a.present == b.present && at(a) == std::string_view(again).substr(b.offset, b.length);
    };
    require(same(e.ciphertext, back.ciphertext) && same(e.ratchet_key, back.ratchet_key) && same(e.signature, back.signature));
    require(u32(back.counter) == u32(e.counter) && u32(back.iteration) == u32(e.iteration) &&
            u32(back.registration_id) == u32(e.registration_id));
}

void media(const std::uint8_t *data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const e2e::ProtoSchema &schema = e2e::waproto_schema();
    const e2e::DecodedMessage d = e2e::decode_message(schema, schema.message_index("Message"), data, size);
    for (const e2e::MediaReference &r : e2e::media_references(schema, d, bytes)) {
        require(r.offset + r.length <= size && r.file_enc_sha256.size() == 32 && r.media_key.size() <= size);
        const e2e::OpenedMedia o = e2e::open_media(bytes, r.media_key, r.kind != nullptr ? r.kind->hkdf_type : "Image",
                                                   r.file_sha256);
        require(o.fault == e2e::MediaFault::None ? o.file.size() + e2e::kMediaMacLength < size : o.file.empty());
    }
    std::string key(e2e::kMediaKeyLength, '\0');
    bytes.copy(key.data(), std::min(key.size(), size));
    std::string sealed = e2e::seal_media(bytes, key, "Document");
    const std::optional<noise::Key32> hash = noise::sha256_digest(bytes);
    require(!sealed.empty() && hash);
    const e2e::OpenedMedia o = e2e::open_media(sealed, key, "Document", noise::as_view(*hash));
    require(o.fault == e2e::MediaFault::None && o.hash_checked && o.file == bytes);
    sealed[size % sealed.size()] ^= 0x01;
    require(e2e::open_media(sealed, key, "Document", noise::as_view(*hash)).fault == e2e::MediaFault::Mac);
}

}  // namespace funxmpp::fuzz
