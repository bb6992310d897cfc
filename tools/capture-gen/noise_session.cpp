// SPDX-License-Identifier: GPL-2.0-or-later
// Successor sessions: what the script queues is real protocol (Noise XX computed with the
// codec's libgcrypt code, checked against SUCCESSOR 2.6 by the unit tests), and what the
// dissector must show for it is written from what was queued, never from a dissector.
#include "noise_session.hpp"

#include <algorithm>
#include <utility>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <iostream>
#include <array>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <vector>

#include "codec/encoder.hpp"
#include "codec/crypto.hpp"
#include "codec/handshake.hpp"
#include "codec/media_file.hpp"
#include "codec/noise.hpp"
#include "codec/noise_payloads.hpp"
#include "codec/noise_stream.hpp"
#include "codec/text.hpp"
#include "codec/tree.hpp"
#include "codec/version.hpp"
#include "codec/xml.hpp"
#include "compress.hpp"
#include "pcap_writer.hpp"
#include "script.hpp"
#include "session_xml.hpp"

namespace funxmpp::capture {

namespace {

using noise::Key32;

std::string hex(std::string_view bytes)
{
    std::string out;
    append_hex(out, bytes);
    return out;
}

std::string len24(std::size_t n)
{
    return std::string{static_cast<char>(n >> 16 & 0xFF), static_cast<char>(n >> 8 & 0xFF), static_cast<char>(n & 0xFF)};
}

// A unit of a direction's byte stream (routing prefix, prologue or frame) and what the packet
// that completes it must show.
struct Unit {
    Unit() = default;
    Unit(std::string b, std::string i, std::vector<std::pair<std::string, std::string>> f = {})
        : bytes(std::move(b)), info(std::move(i)), fields(std::move(f))
    {
    }
    std::string bytes;
    std::string info;                                         // its part of the Info column
    std::vector<std::pair<std::string, std::string>> fields;  // field, value (tshark -T fields)
    std::vector<std::string> experts;
    std::string plaintext_xml;                                // transport frames: the node
    // What it must show once decrypted: its stanza (canonical XML, tree labels), in place of an
    // Info text of ours (the stanza's summary is the dissector's to word).
    bool decrypts = false;
    std::vector<std::string> tree;
};

class NoiseSession {
public:
    struct XxHandshakeBytes {
        noise::XxHandshake hs;
        std::string client_ephemeral_public;
        noise::HandshakeMessage server_hello;  // parsed, for the fields it must show
        noise::HandshakeMessage client_finish;
    };

    explicit NoiseSession(const std::string &stem) : pcap_(stem + ".pcap"), stem_(stem)
    {
        if (!pcap_.ok())
            throw std::runtime_error("cannot write " + stem + ".pcap");
    }
    void line(int number, const std::string &text);
    void finish();

private:
    const XxHandshakeBytes &handshake(int line);
    Unit &queue(int side, Unit u)
    {
        queue_[side].push_back(std::move(u));
        return queue_[side].back();
    }
    void queue_transport(int line, int side, const std::string &rest);
    void send(int line, int side, const std::string &sizes, const std::string &foreign, bool drop);
    std::string websocket_frame(int side, const std::string &payload);
    void record(std::uint32_t packet, const Unit &u, int side);
    // The key log line the analyst has for this connection (analyst-keylog), once its
    // ClientHello's ephemeral key and its transport keys are known.
    void write_key_line(const std::string &ephemeral_public, const Key32 &c2s, const Key32 &s2c);

    PcapWriter pcap_;
    std::string stem_;
    std::optional<Version> version_;
    bool websocket_ = false, deflate_ = false;
    Endpoint client_, server_;
    std::unique_ptr<TcpConnection> conn_;
    std::uint32_t isn_ = 1000;
    double time_ = 1700000000.0;
    std::mt19937 rng_{1};
    std::vector<Unit> queue_[2];
    std::optional<noise::XxKeys> keys_, script_keys_;  // this connection's; the script's keys line
    void define_media(int number, const std::string &rest);
    std::string http_media(int number, int side, const std::string &rest);
    std::string certificate_, client_payload_;
    bool explicit_payloads_ = false;  // set by the script (else made for each handshake)
    std::optional<XxHandshakeBytes> hs_;
    std::uint32_t counter_[2] = {0, 0};
    bool client_hello_queued_ = false;  // this connection's: a ServerHello's pattern follows from it
    bool prologue_queued_ = false;      // ... the dissector learns its version
    // A send was dropped (segments not in the capture): with keys the next frame is found again
    // by its tag; without, the direction cannot be followed.
    bool gap_[2] = {false, false}, lost_[2] = {false, false}, lost_reported_[2] = {false, false};
    // Decryption: what key log line the analyst has (client, transport, anonymous, wrong, none),
    // and for this connection whether its frames open, with which line.
    std::string analyst_ = "none";
    bool decrypting_ = false, wrong_keys_ = false, ik_ = false;
    bool anonymous_taken_ = false;     // the connection's "-" line has opened a frame
    int anonymous_tries_[2] = {0, 0};  // frames of each direction it was tried on
    std::string key_source_;
    std::optional<std::array<Key32, 2>> ik_keys_;  // transport keys of a hand-made IK connection
    int connection_ = -1;
    // Expectations, by packet.
    std::vector<std::pair<std::uint32_t, std::string>> noise_lines_, expert_lines_, plain_lines_, xml_lines_,
        tree_lines_, decrypted_lines_;
    struct StreamLine {
        int connection, side;
        std::uint32_t packet;
        std::string xml;
    };
    std::vector<StreamLine> stream_lines_;
    std::map<int, std::string> stream_headers_;
    std::map<std::uint32_t, std::string> info_;
    std::set<std::uint32_t> no_info_;  // packets whose Info holds a decrypted stanza's summary
    std::vector<std::string> keylog_;
};

std::optional<Version> parse_successor_version(const std::string &text)
{
    std::optional<Version> v = parse_version(text);
    return v && !is_funxmpp(*v) ? v : std::nullopt;
}

Key32 random_key(std::mt19937 &rng)
{
    Key32 k;
    for (auto &b : k)
        b = static_cast<std::uint8_t>(rng() & 0xFF);
    return k;
}

const NoiseSession::XxHandshakeBytes &NoiseSession::handshake(int line)
{
    if (hs_)
        return *hs_;
    if (!version_)
        fail(line, "no version given");
    if (!keys_)
        keys_ = noise::XxKeys{random_key(rng_), random_key(rng_), random_key(rng_), random_key(rng_)};
    const std::string prologue{'W', 'A', static_cast<char>(version_->major), static_cast<char>(version_->minor)};
    if (!explicit_payloads_) {
        // What servers and clients send: a certificate chain whose leaf key is the server's
        // static key, and a ClientPayload.
        const std::string server_static(noise::as_view(*noise::x25519_public(keys_->server_static)));
        const std::string root(32, '\x42'), signature(64, '\x5a');
        certificate_ = noise::encode_cert_chain(
            noise::encode_certificate(1431, 1, server_static, 1690000000, 1790000000, signature),
            noise::encode_certificate(1, 0, root, 1600000000, 1900000000, signature));
        const std::uint32_t version[3] = {2, 3000, 1017};
        client_payload_ = noise::encode_client_payload(4915112345678ull, false, 14, version, "Grace", 1, 1, 0);
    }
    std::optional<noise::XxHandshake> hs = noise::make_xx_handshake(prologue, *keys_, certificate_, client_payload_);
    std::optional<Key32> e = noise::x25519_public(keys_->client_ephemeral);
    if (!hs || !e)
        fail(line, "libgcrypt refused the Noise handshake");
    XxHandshakeBytes b{*hs, std::string(noise::as_view(*e)), {}, {}};
    b.server_hello = noise::parse_handshake(reinterpret_cast<const std::uint8_t *>(hs->server_hello.data()),
                                            hs->server_hello.size());
    b.client_finish = noise::parse_handshake(reinterpret_cast<const std::uint8_t *>(hs->client_finish.data()),
                                             hs->client_finish.size());
    if (!b.server_hello.ok() || !b.client_finish.ok())
        fail(line, "made a handshake message the codec cannot read");
    hs_ = std::move(b);
    return *hs_;
}

void NoiseSession::write_key_line(const std::string &ephemeral_public, const Key32 &c2s, const Key32 &s2c)
{
    decrypting_ = wrong_keys_ = anonymous_taken_ = false;
    anonymous_tries_[0] = anonymous_tries_[1] = 0;
    key_source_.clear();
    const std::string number = std::to_string(keylog_.size() + 1);
    if (analyst_ == "client" && !ik_ && keys_) {
        keylog_.push_back("WA_NOISE_CLIENT " + hex(ephemeral_public) + " " + hex(noise::as_view(keys_->client_ephemeral)) +
                          " " + hex(noise::as_view(keys_->client_static)));
        key_source_ = "WA_NOISE_CLIENT (key log line " + number + ")";
    } else if (analyst_ == "transport" || analyst_ == "wrong") {
        wrong_keys_ = analyst_ == "wrong";
        const Key32 a = wrong_keys_ ? random_key(rng_) : c2s, b = wrong_keys_ ? random_key(rng_) : s2c;
        keylog_.push_back("WA_NOISE_TRANSPORT " + hex(ephemeral_public) + " " + hex(noise::as_view(a)) + " " +
                          hex(noise::as_view(b)));
        key_source_ = "WA_NOISE_TRANSPORT (key log line " + number + ")";
    } else if (analyst_ == "anonymous") {
        keylog_.push_back("WA_NOISE_TRANSPORT - " + hex(noise::as_view(c2s)) + " " + hex(noise::as_view(s2c)));
        key_source_ = "WA_NOISE_TRANSPORT - (key log line " + number + ")";
    }
    decrypting_ = !key_source_.empty() && !wrong_keys_;
}

// The value of a parsed handshake field, as bytes.
std::string field_bytes(const std::string &message, const noise::HandshakeMessage &m, std::uint32_t number)
{
    const noise::HandshakeItem *item = m.find(number);
    return item == nullptr ? std::string() : message.substr(item->field.value_offset, item->field.value_length);
}

void NoiseSession::queue_transport(int line, int side, const std::string &rest)
{
    const Key32 &key = ik_keys_ ? (*ik_keys_)[side] : side == 0 ? handshake(line).hs.c2s : handshake(line).hs.s2c;
    std::istringstream in(rest);
    std::string word;
    in >> word;
    Unit u;
    std::string plaintext;
    if (word == "garbage") {
        // A frame of random bytes where a transport frame is due: it fails its tag (part 2).
        unsigned long n = 0;
        in >> n;
        for (unsigned long i = 0; i < n; ++i)
            plaintext += static_cast<char>(rng_() & 0xFF);
        u.bytes = len24(plaintext.size()) + plaintext;
    } else {
        const Dialect *d = dialect_for(*version_);
        if (d == nullptr)
            fail(line, "no node format known for this version: use garbage frames");
        const bool compressed = word == "compressed";
        Node node = parse_stanza(compressed ? rest.substr(rest.find('<')) : rest, rng_);
        // The keys of its {{signal ...}} payloads follow in the key log, as a client writes them.
        for (std::string &l : recorded_signal_keys())
            keylog_.push_back(std::move(l));
        recorded_signal_keys().clear();
        const std::string encoded = encode_node(*d, node);
        plaintext = compressed ? std::string(1, '\x02') + zlib_compress(encoded) : std::string(1, '\0') + encoded;
        std::optional<std::string> sealed = noise::gcm_seal(key, counter_[side], plaintext);
        if (!sealed)
            fail(line, "libgcrypt refused AES-GCM");
        u.bytes = len24(sealed->size()) + *sealed;
        u.plaintext_xml = to_xml(node);
        element_label_lines(node, 0, u.tree);
    }
    const std::size_t length = u.bytes.size() - 3;
    u.info = "encrypted frame #" + std::to_string(counter_[side]) + " (" + std::to_string(length) + " bytes)";
    u.fields.push_back({"funxmpp.noise.counter", std::to_string(counter_[side])});
    // A "-" line is taken by the first frame it opens among a direction's first 8 (frames are
    // assumed sent in the order the script queues them); the frames before have no key.
    const bool anonymous = analyst_ == "anonymous" && !key_source_.empty();
    if (anonymous && !anonymous_taken_ && length >= noise::kTagLength && anonymous_tries_[side]++ < 8)
        anonymous_taken_ = !u.plaintext_xml.empty();
    if (length < noise::kTagLength) {
        u.experts.push_back("funxmpp.malformed.short_frame");
    } else if (!key_source_.empty() && (!anonymous || anonymous_taken_)) {
        // The analyst has a key line: the frame opens (its stanza shows), or its tag fails.
        const bool opens = decrypting_ && !u.plaintext_xml.empty();
        u.fields.push_back({"funxmpp.noise.tag_valid", opens ? "1" : "0"});
        u.fields.push_back({"funxmpp.noise.key_source", key_source_});
        if (opens) {
            u.decrypts = true;
        } else {
            u.info += " [tag mismatch]";
            u.experts.push_back("funxmpp.noise.tag_mismatch");
        }
    } else {
        u.experts.push_back("funxmpp.noise.encrypted");
    }
    ++counter_[side];
    queue(side, std::move(u));
}

std::string NoiseSession::websocket_frame(int side, const std::string &message)
{
    const std::string payload = deflate_ ? websocket_deflate(message) : message;
    std::string f;
    f += static_cast<char>(deflate_ ? 0xC2 : 0x82);  // FIN, (RSV1 = compressed), binary
    const char mask_bit = side == 0 ? static_cast<char>(0x80) : 0;
    if (payload.size() < 126) {
        f += static_cast<char>(mask_bit | static_cast<char>(payload.size()));
    } else if (payload.size() < 65536) {
        f += static_cast<char>(mask_bit | 126);
        f += static_cast<char>(payload.size() >> 8);
        f += static_cast<char>(payload.size() & 0xFF);
    } else {
        f += static_cast<char>(mask_bit | 127);
        for (int i = 7; i >= 0; --i)
            f += static_cast<char>(static_cast<std::uint64_t>(payload.size()) >> (8 * i) & 0xFF);
    }
    if (side == 1)
        return f + payload;
    char mask[4];
    for (char &m : mask)
        m = static_cast<char>(rng_() & 0xFF);
    f.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        f += static_cast<char>(payload[i] ^ mask[i % 4]);
    return f;
}

void NoiseSession::record(std::uint32_t packet, const Unit &u, int side)
{
    std::string &info = info_[packet];
    info += (info.empty() ? "" : ", ") + u.info;
    if (u.decrypts) {
        no_info_.insert(packet);
        xml_lines_.emplace_back(packet, u.plaintext_xml);
        for (const std::string &t : u.tree)
            tree_lines_.emplace_back(packet, t);
        decrypted_lines_.emplace_back(packet, "");
    }
    // The decoded-stream view's line for the frame: its stanza, or what it is.
    const std::string length = u.bytes.size() >= 3 ? std::to_string(u.bytes.size() - 3) : "0";
    std::string view;
    if (u.decrypts)
        view = u.plaintext_xml;
    else if (u.info.rfind("Noise ", 0) == 0)
        view = "<!-- " + u.info + ", " + length + " bytes -->";
    else if (u.info == "[Malformed: frame of length 0]" ||
             (u.info.rfind("encrypted frame", 0) == 0 && u.bytes.size() - 3 < noise::kTagLength))
        view = "<!-- malformed frame -->";
    else if (u.info.rfind("encrypted frame", 0) == 0)
        view = "<!-- encrypted frame, " + length +
               (u.info.find("[tag mismatch]") != std::string::npos ? " bytes, tag mismatch -->" : " bytes, not decrypted -->");
    if (!view.empty()) {
        stream_lines_.push_back({connection_, side, packet, view});
        // The decoded-stream view follows a stanza with the JSON of each end-to-end Message it
        // carries, as the script expects them (funxmpp.e2e.json).
        for (const auto &[field, value] : u.fields)
            if (field == "funxmpp.e2e.json" && u.decrypts)
                stream_lines_.push_back({connection_, side, packet, "e2e " + value});
        stream_headers_[connection_] = "Stream " + std::to_string(connection_) + ": " + endpoint_text(client_) + " -> " +
                                       endpoint_text(server_) + ", WA " + (prologue_queued_ ? version_->to_string() : "?");
    }
    for (const auto &[field, value] : u.fields)
        noise_lines_.emplace_back(packet, field + "\t" + value);
    for (const std::string &e : u.experts)
        expert_lines_.emplace_back(packet, e);
    if (!u.plaintext_xml.empty())
        plain_lines_.emplace_back(packet, std::string(side == 0 ? "c" : "s") + "\t" + u.plaintext_xml);
}

// Sends what is queued: over TCP, in segments of the given sizes; over WebSocket, in messages
// of the given sizes (each message in its own segments).
void NoiseSession::send(int line, int side, const std::string &sizes, const std::string &foreign, bool drop)
{
    if (!conn_)
        fail(line, "send before connect");
    if (drop) {
        std::string bytes;
        for (const Piece &p : cut_queue(line, queue_[side], sizes, kMss, bytes))
            conn_->skip(side, p.size);
        queue_[side].clear();
        (decrypting_ ? gap_ : lost_)[side] = true;
        return;
    }
    if (lost_[side]) {
        // Nothing of this direction can be found any more: its bytes show as they are.
        std::string bytes;
        bool first = true;
        for (const Piece &p : cut_queue(line, queue_[side], sizes, kMss, bytes)) {
            const std::uint32_t packet = conn_->send(time_, side, std::string_view(bytes).substr(p.offset, p.size));
            time_ += kSegmentGap;
            // (Its Info is TCP's words about the gap, then ours: not compared.)
            if (std::exchange(first, false) && !lost_reported_[side])
                expert_lines_.emplace_back(packet, "funxmpp.noise.lost");
            lost_reported_[side] = true;
        }
        conn_->ack(time_, 1 - side);
        time_ += kSendGap;
        queue_[side].clear();
        return;
    }
    if (gap_[side] && !queue_[side].empty()) {
        queue_[side].front().experts.push_back("funxmpp.noise.resynchronised");
        gap_[side] = false;
    }
    std::string bytes;
    std::string before = foreign.empty() ? "" : websocket_frame(side, foreign);  // in the first segment
    for (const Piece &p : cut_queue(line, queue_[side], sizes, websocket_ ? std::string::npos : kMss, bytes)) {
        const std::string chunk = bytes.substr(p.offset, p.size);
        const std::string wire = std::exchange(before, std::string()) + (websocket_ ? websocket_frame(side, chunk) : chunk);
        std::uint32_t packet = 0;
        for (std::size_t at = 0; at < wire.size(); at += kMss) {
            packet = conn_->send(time_, side, std::string_view(wire).substr(at, kMss));
            time_ += kSegmentGap;
        }
        for (std::size_t i = p.first_completed; i < p.end_completed; ++i)
            record(packet, queue_[side][i], side);
        // A message that ends inside a unit shows the unit's first bytes (or a middle part).
        if (websocket_ && p.ends_inside_a_unit) {
            std::string &info = info_[packet];
            info += (info.empty() ? "" : ", ") + std::string("[frame continued in a later message]");
        }
    }
    conn_->ack(time_, 1 - side);
    time_ += kSendGap;
    queue_[side].clear();
}

// media NAME FIELD MIMETYPE file PATH|random N [name FILE_NAME] [ptt] [fault bad-mac|bad-hash|short-key]
void NoiseSession::define_media(int number, const std::string &rest)
{
    std::istringstream args(rest);
    std::string name, source, word;
    ScriptMedia m;
    if (!(args >> name >> m.field >> m.mimetype >> source >> word))
        fail(number, "media NAME FIELD MIMETYPE file PATH|random N [name FILE_NAME] [ptt] [fault KIND]");
    std::string file;
    if (source == "file") {
        std::ifstream in(word, std::ios::binary);
        if (!in)
            fail(number, "media: cannot read " + word);
        file.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else if (source == "random") {
        file.resize(std::stoul(word));
        for (char &c : file)
            c = static_cast<char>(rng_() & 0xFF);
    } else {
        fail(number, "media ... file PATH|random N");
    }
    std::string fault;
    while (args >> word) {
        if (word == "name" && args >> m.file_name)
            continue;
        if (word == "ptt")
            m.ptt = true;
        else if (word == "fault" && args >> fault && (fault == "bad-mac" || fault == "bad-hash" || fault == "short-key"))
            continue;
        else
            fail(number, "media: unknown option " + word);
    }
    const e2e::ProtoField *holder = nullptr;
    try {
        holder = media_path(m.field).back();
    } catch (const XmlError &e) {
        fail(number, e.what());
    }
    // A type whose keys are not known is sealed as an image: the dissector must not guess it.
    const e2e::MediaKind *kind =
        e2e::media_kind_of(e2e::waproto_schema().messages[static_cast<std::size_t>(holder->target)].name);
    m.media_key = std::string(e2e::kMediaKeyLength, '\0');
    for (char &c : m.media_key)
        c = static_cast<char>(rng_() & 0xFF);
    m.enc = e2e::seal_media(file, m.media_key, kind != nullptr ? kind->hkdf_type : "Image");
    if (fault == "bad-mac")
        m.enc.back() ^= 0x01;
    m.file_length = file.size();
    m.file_sha256 = std::string(noise::as_view(*noise::sha256_digest(fault == "bad-hash" ? file + "!" : file)));
    m.file_enc_sha256 = std::string(noise::as_view(*noise::sha256_digest(m.enc)));
    if (fault == "short-key")
        m.media_key.pop_back();
    std::string path = "/v/t62.7118-24/";
    append_hex(path, std::string_view(m.file_enc_sha256).substr(0, 8));
    m.direct_path = path + "?ccb=11-4&oh=x&oe=y";
    script_media()[name] = std::move(m);
}

namespace {

// An HTTP/2 frame (RFC 9113 4.1).
std::string h2_frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, std::string_view payload)
{
    std::string f;
    for (int shift : {16, 8, 0})
        f += static_cast<char>((payload.size() >> shift) & 0xFF);
    f += static_cast<char>(type);
    f += static_cast<char>(flags);
    for (int shift : {24, 16, 8, 0})
        f += static_cast<char>((stream >> shift) & 0xFF);
    return f + std::string(payload);
}

// HPACK literal header fields without indexing, new name, no Huffman (RFC 7541 6.2.2); names and
// values shorter than 127 bytes.
std::string hpack(std::initializer_list<std::pair<std::string, std::string>> fields)
{
    std::string out;
    for (const auto &[name, value] : fields) {
        out += '\0';
        out += static_cast<char>(name.size());
        out += name;
        out += static_cast<char>(value.size());
        out += value;
    }
    return out;
}

// An h2c (prior knowledge) exchange on stream 1: the client's preface, SETTINGS and GET, or the
// server's SETTINGS, its answer's HEADERS and the body in DATA frames of at most 16,384 bytes.
std::string http2_media(int side, const ScriptMedia &media)
{
    constexpr std::uint8_t kData = 0, kHeaders = 1, kSettings = 4, kEndStream = 1, kEndHeaders = 4;
    if (side == 0)
        return "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(kSettings, 0, 0, "") +
               h2_frame(kHeaders, kEndHeaders | kEndStream, 1,
                        hpack({{":method", "GET"}, {":scheme", "https"}, {":authority", "mmg.whatsapp.net"},
                               {":path", media.direct_path}}));
    std::string out = h2_frame(kSettings, 0, 0, "") +
                      h2_frame(kHeaders, kEndHeaders, 1,
                               hpack({{":status", "200"}, {"content-type", "application/octet-stream"},
                                      {"content-length", std::to_string(media.enc.size())}}));
    for (std::size_t at = 0; at < media.enc.size(); at += 16384) {
        const std::string_view chunk = std::string_view(media.enc).substr(at, 16384);
        out += h2_frame(kData, at + chunk.size() == media.enc.size() ? kEndStream : 0, 1, chunk);
    }
    return out;
}

}  // namespace

// c http-media NAME: the upload (a POST of the body); c http-media-get NAME: a download's GET;
// s http-media NAME [TYPE|none]: the answer carrying the body (of that content type, default
// application/octet-stream, or with none); c http2-media-get NAME / s http2-media NAME:
// the same download over h2c, alone on its connection.
std::string NoiseSession::http_media(int number, int side, const std::string &rest)
{
    std::istringstream args(rest);
    std::string kind, name, type = "application/octet-stream";
    args >> kind >> name >> type;
    const auto m = script_media().find(name);
    const bool h2 = kind == (side == 0 ? "http2-media-get" : "http2-media");
    if (m == script_media().end() || (!h2 && kind != "http-media" && kind != "http-media-get") ||
        (side == 1 && kind == "http-media-get"))
        fail(number, "c http-media NAME, c http-media-get NAME, s http-media NAME, c http2-media-get NAME, "
                     "s http2-media NAME (after its media line)");
    const ScriptMedia &media = m->second;
    if (h2)
        return http2_media(side, media);
    if (kind == "http-media-get")
        return "GET " + media.direct_path + " HTTP/1.1\r\nHost: mmg.whatsapp.net\r\nUser-Agent: capture-gen\r\n\r\n";
    const std::string length = std::to_string(media.enc.size());
    if (side == 1)
        return "HTTP/1.1 200 OK\r\n" + (type == "none" ? std::string() : "Content-Type: " + type + "\r\n") +
               "Content-Length: " + length + "\r\n\r\n" + media.enc;
    std::string token = base64_encode(media.file_enc_sha256);
    for (char &c : token)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    return "POST /mms/image/" + token + "?auth=x&token=" + token +
           " HTTP/1.1\r\nHost: mmg.whatsapp.net\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
           length + "\r\n\r\n" + media.enc;
}

void NoiseSession::line(int number, const std::string &text)
{
    const std::optional<ScriptLine> l = split_line(text);
    if (!l)
        return;
    const std::string &cmd = l->cmd, &rest = l->rest;
    const int side = cmd == "c" ? 0 : 1;
    if (cmd == "version") {
        version_ = parse_successor_version(rest);
        if (!version_)
            fail(number, "expected a successor version MAJOR.MINOR with MAJOR >= 2");
    } else if (cmd == "transport") {
        if (rest != "tcp" && rest != "websocket" && rest != "websocket deflate")
            fail(number, "transport tcp|websocket [deflate]");
        websocket_ = rest != "tcp";
        deflate_ = rest == "websocket deflate";
    } else if (cmd == "client" || cmd == "server") {
        if (!parse_endpoint(rest, cmd == "client" ? client_ : server_))
            fail(number, "expected IP:PORT");
    } else if (cmd == "start") {
        time_ = std::stod(rest);
    } else if (cmd == "seed") {
        rng_.seed(static_cast<std::uint32_t>(std::stoul(rest)));
    } else if (cmd == "keys") {
        std::istringstream k(rest);
        std::string ce, cs, se, ss;
        k >> ce >> cs >> se >> ss;
        auto key = [&](const std::string &h) {
            std::optional<std::string> b = parse_hex(h);
            std::optional<Key32> key = b ? noise::key_from(*b) : std::nullopt;
            if (!key)
                fail(number, "keys CLIENT_EPHEMERAL CLIENT_STATIC SERVER_EPHEMERAL SERVER_STATIC (64 hex digits each)");
            return *key;
        };
        script_keys_ = keys_ = noise::XxKeys{key(ce), key(cs), key(se), key(ss)};
    } else if (cmd == "certificate" || cmd == "client-payload") {
        std::optional<std::string> b = parse_hex(rest);
        if (!b)
            fail(number, cmd + " HEX");
        (cmd == "certificate" ? certificate_ : client_payload_) = *b;
        explicit_payloads_ = true;
    } else if (cmd == "connect") {
        conn_ = std::make_unique<TcpConnection>(pcap_, client_, server_, isn_, isn_ + 500000);
        isn_ += 1000000;
        conn_->handshake(time_);
        hs_.reset();
        keys_ = script_keys_;  // the keys line's, else random ones at the first handshake message
        counter_[0] = counter_[1] = 0;
        client_hello_queued_ = prologue_queued_ = ik_ = decrypting_ = wrong_keys_ = false;
        gap_[0] = gap_[1] = lost_[0] = lost_[1] = lost_reported_[0] = lost_reported_[1] = false;
        key_source_.clear();
        ik_keys_.reset();
        ++connection_;
        if (websocket_) {
            // The upgrade of WhatsApp Web (SUCCESSOR 2.1), on plain HTTP.
            std::string ext = deflate_ ? "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; "
                                         "server_no_context_takeover\r\n"
                                       : "";
            conn_->send(time_, 0,
                        "GET /ws/chat HTTP/1.1\r\nHost: web.whatsapp.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        "Origin: https://web.whatsapp.com\r\n" + ext + "\r\n");
            time_ += kSendGap;
            conn_->send(time_, 1,
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" + ext + "\r\n");
            time_ += kSendGap;
        }
    } else if (cmd == "keylog") {
        keylog_.push_back(rest);  // a line as it is (a test vector's secrets)
    } else if (cmd == "analyst-keylog") {
        if (rest != "client" && rest != "transport" && rest != "anonymous" && rest != "wrong" && rest != "none")
            fail(number, "analyst-keylog client|transport|anonymous|wrong|none");
        analyst_ = rest;
    } else if (cmd == "c" && rest == "ik-client-hello") {
        // A mobile app's IK ClientHello (ephemeral key, encrypted static key and payload), made
        // up: the transport keys are random, given to the analyst by a WA_NOISE_TRANSPORT line.
        const Key32 e = random_key(rng_);
        const std::string ephemeral(noise::as_view(*noise::x25519_public(e)));
        std::string sealed_static(48, '\0'), payload(40, '\0');
        for (char &ch : sealed_static)
            ch = static_cast<char>(rng_() & 0xFF);
        for (char &ch : payload)
            ch = static_cast<char>(rng_() & 0xFF);
        ik_ = true;
        ik_keys_ = std::array<Key32, 2>{random_key(rng_), random_key(rng_)};
        client_hello_queued_ = true;
        write_key_line(ephemeral, (*ik_keys_)[0], (*ik_keys_)[1]);
        const std::string m = noise::encode_client_hello(ephemeral, sealed_static, payload);
        queue(0, {len24(m.size()) + m, "Noise ClientHello (IK)",
                  {{"funxmpp.noise.client_hello.ephemeral", hex(ephemeral)},
                   {"funxmpp.noise.client_hello.static", hex(sealed_static)},
                   {"funxmpp.noise.client_hello.payload", hex(payload)},
                   {"funxmpp.noise.pattern", "IK"}}});
    } else if (cmd == "s" && rest == "ik-server-hello") {
        std::string ephemeral(32, '\0'), payload(30, '\0');
        for (char &ch : ephemeral)
            ch = static_cast<char>(rng_() & 0xFF);
        for (char &ch : payload)
            ch = static_cast<char>(rng_() & 0xFF);
        const std::string m = noise::encode_server_hello(ephemeral, {}, payload);
        queue(1, {len24(m.size()) + m, "Noise ServerHello",
                  {{"funxmpp.noise.server_hello.ephemeral", hex(ephemeral)},
                   {"funxmpp.noise.server_hello.payload", hex(payload)},
                   {"funxmpp.noise.pattern", "IK"}}});
    } else if (cmd == "routing") {
        std::optional<std::string> info = parse_hex(rest);
        if (!info)
            fail(number, "routing HEX");
        Unit u{std::string("ED\0\1", 4) + len24(info->size()) + *info, "Routing prefix"};
        u.fields.push_back({"funxmpp.noise.routing_info", hex(*info)});
        queue(0, std::move(u));
    } else if (cmd == "prologue") {
        if (!version_)
            fail(number, "no version given");
        const std::string p{'W', 'A', static_cast<char>(version_->major), static_cast<char>(version_->minor)};
        prologue_queued_ = true;
        Unit u{p, "WA " + version_->to_string(), {{"funxmpp.prologue", hex(p)}}};
        if (!noise::known_successor_version(*version_))
            u.experts.push_back("funxmpp.noise.unknown_version");
        queue(0, std::move(u));
    } else if (cmd == "c" && rest == "client-hello") {
        const XxHandshakeBytes &h = handshake(number);
        client_hello_queued_ = true;
        write_key_line(h.client_ephemeral_public, h.hs.c2s, h.hs.s2c);
        queue(0, {len24(h.hs.client_hello.size()) + h.hs.client_hello, "Noise ClientHello (XX)",
                  {{"funxmpp.noise.client_hello.ephemeral", hex(h.client_ephemeral_public)},
                   {"funxmpp.noise.pattern", "XX"}}});
    } else if (cmd == "s" && rest == "server-hello") {
        const XxHandshakeBytes &h = handshake(number);
        const std::string &m = h.hs.server_hello;
        Unit u{len24(m.size()) + m, "Noise ServerHello",
               {{"funxmpp.noise.server_hello.ephemeral", hex(field_bytes(m, h.server_hello, 1))},
                {"funxmpp.noise.server_hello.static", hex(field_bytes(m, h.server_hello, 2))},
                {"funxmpp.noise.server_hello.payload", hex(field_bytes(m, h.server_hello, 3))}}};
        if (client_hello_queued_)  // else nobody can tell XX from XXfallback
            u.fields.push_back({"funxmpp.noise.pattern", "XX"});
        if (analyst_ == "client" && client_hello_queued_) {
            u.fields.push_back({"funxmpp.noise.server_static", hex(noise::as_view(*noise::x25519_public(keys_->server_static)))});
            u.fields.push_back({"funxmpp.noise.certificate", hex(certificate_)});
            if (!explicit_payloads_) {
                u.fields.push_back({"funxmpp.noise.cert.serial", "1431"});
                u.fields.push_back({"funxmpp.noise.cert.serial", "1"});
                u.fields.push_back({"funxmpp.noise.cert.leaf_matches", "1"});
            }
        }
        queue(1, std::move(u));
    } else if (cmd == "c" && rest == "client-finish") {
        const XxHandshakeBytes &h = handshake(number);
        const std::string &m = h.hs.client_finish;
        Unit u{len24(m.size()) + m, "Noise ClientFinish",
               {{"funxmpp.noise.client_finish.static", hex(field_bytes(m, h.client_finish, 1))},
                {"funxmpp.noise.client_finish.payload", hex(field_bytes(m, h.client_finish, 2))}}};
        if (analyst_ == "client" && client_hello_queued_) {
            u.fields.push_back({"funxmpp.noise.client_static", hex(noise::as_view(*noise::x25519_public(keys_->client_static)))});
            u.fields.push_back({"funxmpp.noise.client_payload", hex(client_payload_)});
            if (!explicit_payloads_) {
                u.fields.push_back({"funxmpp.noise.client.username", "4915112345678"});
                u.fields.push_back({"funxmpp.noise.client.push_name", "Grace"});
                u.fields.push_back({"funxmpp.noise.client.app_version", "2.3000.1017"});
                u.fields.push_back({"funxmpp.noise.client.platform", "14"});
            }
        }
        queue(0, std::move(u));
    } else if ((cmd == "c" || cmd == "s") && rest.rfind("frame ", 0) == 0) {
        // A frame with this payload as it is (a hand-made handshake message, say); what it
        // must show comes from expect lines.
        std::optional<std::string> payload = parse_hex(rest.substr(6));
        if (!payload)
            fail(number, "frame HEX");
        queue(side, {len24(payload->size()) + *payload, ""});
    } else if (cmd == "media") {
        define_media(number, rest);
    } else if ((cmd == "c" || cmd == "s") && (rest.rfind("http-media", 0) == 0 || rest.rfind("http2-media", 0) == 0)) {
        queue(side, {http_media(number, side, rest), ""});
    } else if ((cmd == "c" || cmd == "s") && rest.rfind("bytes ", 0) == 0) {
        std::optional<std::string> bytes = parse_hex(rest.substr(6));
        if (!bytes)
            fail(number, "bytes HEX");
        queue(side, {*bytes, ""});
    } else if (cmd == "c" || cmd == "s") {
        queue_transport(number, side, rest);
    } else if (cmd == "expect") {
        // expect c|s info TEXT | field NAME VALUE | expert NAME: of the unit queued last.
        std::istringstream args(rest);
        std::string who, what;
        args >> who >> what;
        std::string value;
        std::getline(args, value);
        value.erase(0, value.find_first_not_of(' '));
        auto &q = queue_[who == "c" ? 0 : 1];
        if ((who != "c" && who != "s") || q.empty() || (value.empty() && what != "transport"))
            fail(number, "expect c|s info TEXT|field NAME VALUE|expert NAME, after a queued unit");
        if (what == "info") {
            q.back().info = value;
        } else if (what == "field") {
            const std::size_t space = value.find(' ');
            if (space == std::string::npos)
                fail(number, "expect c|s field NAME VALUE");
            q.back().fields.push_back({value.substr(0, space), value.substr(space + 1)});
        } else if (what == "expert") {
            q.back().experts.push_back(value);
        } else if (what == "stanza") {
            // The hand-made frame decrypts to this node (a raw frame of a test vector).
            Node node = parse_stanza(value, rng_);
            q.back().decrypts = true;
            q.back().plaintext_xml = to_xml(node);
            element_label_lines(node, 0, q.back().tree);
        } else if (what == "transport") {
            // The hand-made frame stands where a transport frame is due: it takes a counter.
            q.back().info = "encrypted frame #" + std::to_string(counter_[who == "c" ? 0 : 1]) + " (" +
                            std::to_string(q.back().bytes.size() - 3) + " bytes)";
            q.back().fields.push_back({"funxmpp.noise.counter", std::to_string(counter_[who == "c" ? 0 : 1]++)});
        } else {
            fail(number, "expect c|s info|field|expert|stanza|transport ...");
        }
    } else if (cmd == "send") {
        std::istringstream args(rest);
        std::string who, sizes, word, foreign;
        bool drop = false;
        args >> who;
        while (args >> word) {
            if (word == "drop")
                drop = true;
            else if (word == "with-foreign" && args >> word && parse_hex(word))
                foreign = *parse_hex(word);
            else if (word.find_first_not_of("0123456789,") == std::string::npos)
                sizes = word;
            else
                fail(number, "send c|s [SIZES] [with-foreign HEX] [drop]");
        }
        if ((who != "c" && who != "s") || (!foreign.empty() && !websocket_))
            fail(number, "send c|s [SIZES] [with-foreign HEX] (WebSocket only)");
        send(number, who == "c" ? 0 : 1, sizes, foreign, drop);
    } else if (!connection_command(number, *l, conn_, time_)) {
        fail(number, "unknown command " + cmd);
    }
}

void NoiseSession::finish()
{
    for (const auto &q : queue_)
        if (!q.empty())
            fail(0, "units queued but never sent");
    auto write = [&](const char *suffix, const std::vector<std::pair<std::uint32_t, std::string>> &lines) {
        std::ofstream out(stem_ + suffix, std::ios::trunc);
        for (const auto &[packet, text] : lines)
            out << packet << '\t' << text << '\n';
    };
    std::vector<std::pair<std::uint32_t, std::string>> noise = noise_lines_;
    for (const auto &[packet, info] : info_)
        if (!info.empty() && no_info_.count(packet) == 0)
            noise.emplace_back(packet, "_ws.col.Info\t" + info);
    std::stable_sort(noise.begin(), noise.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    write(".noise", noise);
    write(".expert", expert_lines_);
    write(".plain", plain_lines_);
    std::ofstream keylog(stem_ + ".keylog", std::ios::trunc);
    for (const std::string &l : keylog_)
        keylog << l << '\n';
    // Stanzas show only where the analyst's key log opens their frames.
    auto write_lines = [&](const char *suffix, const std::vector<std::pair<std::uint32_t, std::string>> &lines) {
        std::ofstream out(stem_ + suffix, std::ios::trunc);
        for (const auto &[packet, text] : lines)
            out << packet << (text.empty() ? "" : "\t" + text) << '\n';
    };
    write_lines(".xml", xml_lines_);
    write_lines(".tree", tree_lines_);
    write_lines(".decrypted", decrypted_lines_);
    std::ofstream(stem_ + ".wareg", std::ios::trunc);
    // The decoded-stream view, as tshark -z funxmpp,xml prints it.
    std::ofstream stream(stem_ + ".stream", std::ios::trunc);
    stream << "\n===================================================================\n"
           << "FunXMPP decoded streams\n";
    const long long first = pcap_.packets() > 0 ? pcap_.time_of(1) : 0;
    for (const auto &[connection, header] : stream_headers_) {
        stream << header << '\n';
        for (const StreamLine &l : stream_lines_) {
            if (l.connection != connection)
                continue;
            char prefix[64];
            std::snprintf(prefix, sizeof prefix, "%12.6f %s ", static_cast<double>(pcap_.time_of(l.packet) - first) / 1e6,
                          l.side == 0 ? "C>S" : "S>C");
            stream << prefix << l.xml << '\n';
        }
    }
    stream << "===================================================================\n";
}

}  // namespace

bool is_successor_version(const std::string &version)
{
    return parse_successor_version(version).has_value();
}

void run_noise_script(std::istream &script, const std::string &stem)
{
    NoiseSession s(stem);
    std::string text;
    for (int n = 1; std::getline(script, text); ++n)
        s.line(n, text);
    s.finish();
}

}  // namespace funxmpp::capture
