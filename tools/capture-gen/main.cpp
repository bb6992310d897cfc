// SPDX-License-Identifier: GPL-2.0-or-later
// funxmpp-capture-gen: turns a session script into a pcap file and the outputs a correct
// dissector must produce for it. The expectations come from the script (the trees the
// generator was asked to encode), never from running a dissector.
//
// usage: funxmpp-capture-gen SCRIPT OUTPUT_STEM
//   writes OUTPUT_STEM.pcap and, next to it,
//   .xml     "<packet>\t<canonical XML>" per stanza, in stream order
//   .tree    "<packet>\t<indent><element label>" per element (verbose-tree excerpt)
//   .expert  "<packet>\t<expert field>" per expert item the script calls for
//   .decrypted "<packet>" per encrypted frame that must decrypt with a valid MAC
//   .wareg   "<packet>\t<summary>" per registration request or answer (the script's words)
//   .stream  what tshark -z funxmpp,xml prints: each connection's frames in order
//
// Successor-protocol scripts (version 2.x and later): see noise_session.hpp.
//
// Script lines (# starts a comment):
//   version X.Y                 protocol version of the connections that follow
//   client IP:PORT / server IP:PORT
//   start SECONDS               capture time of the first packet (Unix time)
//   seed N                      seed of {{random N}} and encrypted payloads
//   connect                     TCP handshake
//   prologue                    queue the client's "WA" major minor
//   c|s <xml>                   queue a plaintext frame (client / server)
//   c|s compressed <xml>        queue a zlib-compressed plaintext frame (flag 0x4)
//   c|s keepalive               queue the one-byte keep-alive frame
//   c|s encrypted N [flags=0xF] queue a frame of N opaque bytes (default flag 0x8); inside an
//                               encrypted session it fails its MAC and stops that direction
//   c|s bytes HEX               queue bytes as they are (no frame header, no expectation)
//   c|s deep N                  queue a node nested N levels deep (<iq><iq>...): past the
//                               decoder's depth limit it must raise funxmpp.malformed.depth_limit
//   c|s truncations <xml>       queue every proper prefix of the stanza's encoding as a frame
//                               (each funxmpp.malformed.truncated), each followed by the whole one
//   expect c|s EXPERT           the frame queued last on that side must raise EXPERT too
//   c|s raw HEX => <xml>        queue a hand-encoded payload and the XML it must give
//   c|s raw HEX => error KIND [after <xml>]
//                               ... or the expert item it must raise (funxmpp.malformed.KIND),
//                               after showing the complete element <xml> (trailing bytes)
//   send c|s [N,N,...] [drop]   send what is queued: first segments of N bytes, then the rest
//                               (segments never exceed an MSS of 1460 bytes); "drop" leaves
//                               the segments out of the capture (a lost segment)
//   password BASE64             the account password of the logins that follow
//   c login response PHONE NONCE TIME
//   c login auth PHONE NONCE TIME [stale]
//                               queue <response> (after a challenge) or a fast-login <auth>
//                               carrying the blob for PHONE, hex NONCE and unix TIME (spec 5),
//                               and derive the session keys; "stale": the nonce is not the
//                               last one the server handed out, so the blob does not fit
//   encrypt c|s                 frames of that direction are encrypted from now on
//   c http-get URI => SUMMARY   queue an HTTP GET of the registration API (spec 6) and the
//                               summary the dissector must give it
//   c http-post URI BODY => SUMMARY   ... a form POST (the v1 API)
//   s http-json JSON => SUMMARY queue an HTTP 200 answer with a JSON body
//   analyst-password wrong|none|invalid
//                               the analyst's password (# tshark: line) does not fit, there is
//                               none, or it is not base64: the login gets
//                               funxmpp.auth.wrong_password, .no_password or
//                               .invalid_password_entry, and nothing decrypts
//   resend c|s                  the side's last segment again (a TCP retransmission): it must
//                               change nothing (no stanza twice, ciphers not advanced)
//   wait SECONDS
//   close                       FIN handshake
#include <cstdio>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "codec/crypto.hpp"
#include "codec/encoder.hpp"
#include "codec/framing.hpp"
#include "codec/text.hpp"
#include "codec/xml.hpp"
#include "compress.hpp"
#include "noise_session.hpp"
#include "pcap_writer.hpp"
#include "script.hpp"
#include "session_xml.hpp"

namespace {

using namespace funxmpp;
using namespace funxmpp::capture;

struct Expected {
    enum Kind { Xml, Tree, Expert, Decrypted, Wareg, Stream } kind;
    std::string text;
    int side = 0;        // Stream: direction
    int connection = 0;  // Stream: the connection (tshark's TCP stream number)
};

// A frame waiting in a direction's queue, with what it must produce once it is sent.
struct Queued {
    std::string bytes;
    std::vector<Expected> expected;
};

std::string hex_bytes(const std::string &text, int line)
{
    std::optional<std::string> bytes = parse_hex(text);
    if (!bytes)
        fail(line, "raw bytes must be pairs of hex digits");
    return *bytes;
}

// Element labels as the dissector's tree shows them: the start tag, one per element.
void element_labels(const Node &n, unsigned depth, std::vector<Expected> &out)
{
    std::vector<std::string> labels;
    element_label_lines(n, depth, labels);
    for (std::string &l : labels)
        out.push_back({Expected::Tree, std::move(l)});
}

class Session {
public:
    Session(const std::string &stem) : pcap_(stem + ".pcap"), stem_(stem)
    {
        if (!pcap_.ok())
            throw std::runtime_error("cannot write " + stem + ".pcap");
    }

    void line(int number, const std::string &text);
    void finish();

private:
    const Dialect &dialect(int line)
    {
        if (dialect_ == nullptr)
            fail(line, "no version given");
        return *dialect_;
    }
    void queue_frame(int line, int side, const std::string &rest);
    void queue_login(int line, const std::string &rest);
    void queue_http(int line, int side, const std::string &rest);
    void send(int line, int side, const std::string &sizes, bool drop);
    // Frames a plaintext payload, encrypting it when the direction is encrypted.
    std::string frame(int side, std::uint8_t flags, const std::string &payload, std::vector<Expected> &expected);

    PcapWriter pcap_;
    std::string stem_;
    const Dialect *dialect_ = nullptr;
    Endpoint client_, server_;
    std::unique_ptr<TcpConnection> conn_;
    std::uint32_t isn_ = 1000;
    double time_ = 1431364583.0;
    std::mt19937 rng_{1};
    std::vector<Queued> queue_[2];
    std::vector<std::pair<std::uint32_t, Expected>> expected_;
    std::string password_;
    std::unique_ptr<DirectionCipher> cipher_[2];
    bool encrypting_[2] = {false, false};
    bool lost_[2] = {false, false};       // a segment of this direction was dropped
    bool stopped_[2] = {false, false};    // ... and a frame after it failed its MAC
    std::string analyst_password_ = "right";  // right, wrong or none
    int connection_ = -1;                      // index of the current connection
    std::map<int, std::string> stream_headers_;
};

// The decoded-stream view's line for a frame, from what the frame must show.
void add_stream_line(std::vector<Expected> &expected, int side, int connection, const std::string &fallback)
{
    std::string text = fallback;
    for (const Expected &e : expected)
        if (e.kind == Expected::Xml)
            text = e.text;
    expected.push_back({Expected::Stream, text, side, connection});
}

std::string Session::frame(int side, std::uint8_t flags, const std::string &payload, std::vector<Expected> &expected)
{
    const Dialect &d = *dialect_;
    if (!encrypting_[side]) {
        add_stream_line(expected, side, connection_, "<!-- keep-alive -->");
        return encode_frame(d, flags, payload);
    }
    if (!cipher_[side])
        throw std::runtime_error("encrypt before login");
    std::string sealed = cipher_[side]->seal_frame(payload);
    const bool wa12_client = d.version == Version{1, 2} && side == 0;
    flags |= wa12_client ? kFlagClientEncrypted : kFlagEncrypted;
    // What the dissector can make of it: nothing without the right password; after a lost
    // segment, a MAC mismatch and then nothing more in that direction.
    const std::string size = std::to_string(sealed.size());
    if (analyst_password_ != "right") {
        expected.clear();
        add_stream_line(expected, side, connection_, "<!-- encrypted frame, " + size + " bytes, not decrypted -->");
    } else if (lost_[side]) {
        expected.clear();
        expected.push_back({Expected::Expert, stopped_[side] ? "funxmpp.decryption_stopped" : "funxmpp.mac.mismatch"});
        add_stream_line(expected, side, connection_,
                        "<!-- encrypted frame, " + size + (stopped_[side] ? " bytes, not decrypted -->" : " bytes, MAC mismatch -->"));
        stopped_[side] = true;
    } else {
        expected.push_back({Expected::Decrypted, ""});
        add_stream_line(expected, side, connection_, "<!-- keep-alive -->");
    }
    return encode_frame(d, flags, sealed);
}

void Session::queue_http(int line, int side, const std::string &rest)
{
    std::size_t arrow = rest.find(" => ");
    if (arrow == std::string::npos)
        fail(line, "HTTP lines end with => SUMMARY");
    std::istringstream in(rest.substr(0, arrow));
    std::string kind, first, second;
    in >> kind >> first;
    std::getline(in, second);
    second.erase(0, second.find_first_not_of(' '));
    Queued q;
    if (kind == "http-get" && side == 0) {
        q.bytes = "GET " + first + " HTTP/1.1\r\nHost: v.whatsapp.net\r\nUser-Agent: WhatsApp/2.12.84 Android/4.4 "
                  "Device/LGE-Nexus_5\r\nAccept: text/json\r\n\r\n";
    } else if (kind == "http-post" && side == 0) {
        q.bytes = "POST " + first + " HTTP/1.1\r\nHost: r.whatsapp.net\r\nContent-Type: "
                  "application/x-www-form-urlencoded\r\nContent-Length: " + std::to_string(second.size()) +
                  "\r\n\r\n" + second;
    } else if (kind == "http-json" && side == 1) {
        std::string body = first + (second.empty() ? "" : " " + second);
        q.bytes = "HTTP/1.1 200 OK\r\nContent-Type: text/json\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\n\r\n" + body;
    } else {
        fail(line, "c http-get|http-post, s http-json");
    }
    q.expected.push_back({Expected::Wareg, rest.substr(arrow + 4)});
    queue_[side].push_back(std::move(q));
}

void Session::queue_login(int line, const std::string &rest)
{
    const Dialect &d = dialect(line);
    std::istringstream in(rest);
    std::string kind, phone, nonce_hex;
    unsigned long long time = 0;
    std::string stale;
    in >> kind >> phone >> nonce_hex >> time >> stale;
    std::optional<std::string> nonce = parse_hex(nonce_hex);
    std::optional<std::string> password = base64_decode(password_);
    std::optional<AuthMechanism> mechanism = mechanism_for_minor(d.version.minor);
    if ((kind != "response" && kind != "auth") || !nonce || time == 0)
        fail(line, "login response|auth PHONE NONCE_HEX TIME");
    if (!password || password_.empty())
        fail(line, "login needs a password line first");
    if (!mechanism)
        fail(line, "this version has no WAUTH login");
    SessionKeys keys = derive_keys(*mechanism, *password, *nonce);
    cipher_[0] = std::make_unique<DirectionCipher>(keys, DirectionCipher::Side::Client);
    cipher_[1] = std::make_unique<DirectionCipher>(keys, DirectionCipher::Side::Server);
    if (keys.count == 0 || !cipher_[0]->usable() || !cipher_[1]->usable())
        fail(line, "libgcrypt refused the session's crypto");
    std::string blob = cipher_[0]->seal_blob(phone + *nonce + std::to_string(time));
    Node n = kind == "response" ? Node::element("response").attr("xmlns", "urn:ietf:params:xml:ns:xmpp-sasl")
                                : Node::element("auth")
                                      .attr("mechanism", *mechanism == AuthMechanism::Wauth1 ? "WAUTH-1" : "WAUTH-2")
                                      .attr("user", phone);
    n.text(blob);
    Queued q;
    q.expected.push_back({Expected::Xml, to_xml(n)});
    element_labels(n, 0, q.expected);
    if (analyst_password_ == "none")
        q.expected.push_back({Expected::Expert, "funxmpp.auth.no_password"});
    else if (analyst_password_ == "invalid")
        q.expected.push_back({Expected::Expert, "funxmpp.auth.invalid_password_entry"});
    else if (analyst_password_ == "wrong" || stale == "stale")
        q.expected.push_back({Expected::Expert, "funxmpp.auth.wrong_password"});
    add_stream_line(q.expected, 0, connection_, "");
    q.bytes = encode_frame(d, 0, encode_node(d, n));
    queue_[0].push_back(std::move(q));
}

void Session::queue_frame(int line, int side, const std::string &rest)
{
    const Dialect &d = dialect(line);
    std::istringstream in(rest);
    std::string word;
    in >> word;
    Queued q;
    try {
        if (word == "keepalive") {
            q.bytes = frame(side, 0, std::string(1, '\0'), q.expected);
        } else if (word == "encrypted") {
            unsigned long n = 0;
            std::string flags = "flags=0x8";
            in >> n >> flags;
            std::string payload;
            for (unsigned long i = 0; i < n; ++i)
                payload += static_cast<char>(rng_() & 0xFF);
            q.bytes = encode_frame(d, static_cast<std::uint8_t>(std::stoul(flags.substr(6), nullptr, 16)), payload);
            if (encrypting_[side] && cipher_[side] && analyst_password_ == "right") {
                // Garbage where the session's next frame should be: its MAC fails, and the
                // direction stops decrypting.
                q.expected.push_back({Expected::Expert, stopped_[side] ? "funxmpp.decryption_stopped" : "funxmpp.mac.mismatch"});
                add_stream_line(q.expected, side, connection_,
                                "<!-- encrypted frame, " + std::to_string(n) +
                                    (stopped_[side] ? " bytes, not decrypted -->" : " bytes, MAC mismatch -->"));
                lost_[side] = stopped_[side] = true;
            } else {
                add_stream_line(q.expected, side, connection_,
                                "<!-- encrypted frame, " + std::to_string(n) + " bytes, not decrypted -->");
            }
        } else if (word == "bytes") {
            q.bytes = hex_bytes(rest.substr(6), line);
        } else if (word == "deep") {
            unsigned long n = 0;
            in >> n;
            const std::string tag = encode_node(d, Node::element("iq"));  // list header + tag
            std::string payload;
            for (unsigned long i = 1; i < n; ++i)
                payload += std::string("\xF8\x02", 2) + tag.substr(2) + std::string("\xF8\x01", 2);
            payload += tag;
            q.bytes = encode_frame(d, 0, payload);
            if (n > kDefaultMaxDepth) {
                q.expected.push_back({Expected::Expert, "funxmpp.malformed.depth_limit"});
                add_stream_line(q.expected, side, connection_, "<!-- malformed frame -->");
            } else {
                Node deepest = Node::element("iq");
                for (unsigned long i = 1; i < n; ++i)
                    deepest = Node::element("iq").child(std::move(deepest));
                q.expected.push_back({Expected::Xml, to_xml(deepest)});
                element_labels(deepest, 0, q.expected);
                add_stream_line(q.expected, side, connection_, "");
            }
        } else if (word == "truncations") {
            Node node = parse_stanza(rest.substr(rest.find('<')), rng_);
            const std::string whole = encode_node(d, node);
            for (std::size_t k = 1; k < whole.size(); ++k) {
                Queued cut;
                cut.bytes = encode_frame(d, 0, whole.substr(0, k));
                cut.expected.push_back({Expected::Expert, "funxmpp.malformed.truncated"});
                add_stream_line(cut.expected, side, connection_, "<!-- malformed frame -->");
                queue_[side].push_back(std::move(cut));
                Queued full;
                full.expected.push_back({Expected::Xml, to_xml(node)});
                element_labels(node, 0, full.expected);
                add_stream_line(full.expected, side, connection_, "");
                full.bytes = encode_frame(d, 0, whole);
                queue_[side].push_back(std::move(full));
            }
            return;
        } else if (word == "raw") {
            std::size_t arrow = rest.find("=>");
            if (arrow == std::string::npos)
                fail(line, "raw needs '=> <xml>' or '=> error KIND'");
            q.bytes = encode_frame(d, 0, hex_bytes(rest.substr(4, arrow - 4), line));
            std::string want = rest.substr(arrow + 2);
            want.erase(0, want.find_first_not_of(' '));
            if (want.rfind("error ", 0) == 0) {
                // "error KIND [after <xml>]": the element that decoded before the error is shown
                std::istringstream err(want.substr(6));
                std::string kind, after;
                err >> kind >> after;
                q.expected.push_back({Expected::Expert, "funxmpp.malformed." + kind});
                if (after == "after")
                    element_labels(parse_stanza(want.substr(want.find('<')), rng_), 0, q.expected);
            } else {
                q.expected.push_back({Expected::Xml, want});
                element_labels(parse_stanza(want, rng_), 0, q.expected);
            }
            add_stream_line(q.expected, side, connection_, "<!-- malformed frame -->");
        } else {
            const bool compressed = word == "compressed";
            std::string xml = compressed ? rest.substr(rest.find('<')) : rest;
            Node node = parse_stanza(xml, rng_);
            std::string payload = encode_node(d, node);
            q.expected.push_back({Expected::Xml, to_xml(node)});
            element_labels(node, 0, q.expected);
            q.bytes = compressed ? frame(side, kFlagCompressed, zlib_compress(payload), q.expected)
                                 : frame(side, 0, payload, q.expected);
        }
    } catch (const std::exception &e) {
        fail(line, e.what());
    }
    queue_[side].push_back(std::move(q));
}

void Session::send(int line, int side, const std::string &sizes, bool drop)
{
    if (!conn_)
        fail(line, "send before connect");
    std::string bytes;
    for (const Piece &p : cut_queue(line, queue_[side], sizes, kMss, bytes)) {
        std::uint32_t packet =
            drop ? conn_->skip(side, p.size) : conn_->send(time_, side, std::string_view(bytes).substr(p.offset, p.size));
        time_ += kSegmentGap;
        for (std::size_t i = p.first_completed; i < p.end_completed && !drop; ++i)
            for (const Expected &e : queue_[side][i].expected)
                expected_.emplace_back(packet, e);
    }
    conn_->ack(time_, 1 - side);
    time_ += kSendGap;
    queue_[side].clear();
    if (drop)
        lost_[side] = true;
}

void Session::line(int number, const std::string &text)
{
    const std::optional<ScriptLine> l = split_line(text);
    if (!l)
        return;
    const std::string &cmd = l->cmd, &rest = l->rest;
    if (cmd == "version") {
        auto v = parse_version(rest);
        dialect_ = v && is_funxmpp(*v) ? dialect_for(*v) : nullptr;
        if (dialect_ == nullptr)
            fail(number, "unknown FunXMPP version " + rest);
    } else if (cmd == "client" || cmd == "server") {
        if (!parse_endpoint(rest, cmd == "client" ? client_ : server_))
            fail(number, "expected IP:PORT");
    } else if (cmd == "start") {
        time_ = std::stod(rest);
    } else if (cmd == "seed") {
        rng_.seed(static_cast<std::uint32_t>(std::stoul(rest)));
    } else if (cmd == "connect") {
        conn_ = std::make_unique<TcpConnection>(pcap_, client_, server_, isn_, isn_ + 500000);
        ++connection_;
        if (dialect_ != nullptr)
            stream_headers_[connection_] = "Stream " + std::to_string(connection_) + ": " + endpoint_text(client_) +
                                           " -> " + endpoint_text(server_) + ", WA " + dialect_->version.to_string();
        isn_ += 1000000;
        conn_->handshake(time_);
    } else if (cmd == "prologue") {
        queue_[0].push_back({encode_prologue(dialect(number).version), {}});
    } else if ((cmd == "c" || cmd == "s") && rest.rfind("http-", 0) == 0) {
        queue_http(number, cmd == "c" ? 0 : 1, rest);
    } else if (cmd == "c" && rest.rfind("login ", 0) == 0) {
        queue_login(number, rest.substr(6));
    } else if (cmd == "c" || cmd == "s") {
        queue_frame(number, cmd == "c" ? 0 : 1, rest);
    } else if (cmd == "expect") {
        std::istringstream args(rest);
        std::string side, expert;
        args >> side >> expert;
        auto &queue = queue_[side == "c" ? 0 : 1];
        if ((side != "c" && side != "s") || expert.empty() || queue.empty())
            fail(number, "expect c|s EXPERT, after a queued frame");
        queue.back().expected.push_back({Expected::Expert, expert});
    } else if (cmd == "password") {
        password_ = rest;
    } else if (cmd == "encrypt") {
        if (rest != "c" && rest != "s")
            fail(number, "encrypt c|s");
        encrypting_[rest == "c" ? 0 : 1] = true;
    } else if (cmd == "analyst-password") {
        if (rest != "right" && rest != "wrong" && rest != "none" && rest != "invalid")
            fail(number, "analyst-password right|wrong|none|invalid");
        analyst_password_ = rest;
    } else if (cmd == "send") {
        std::istringstream args(rest);
        std::string side, word, sizes;
        bool drop = false;
        args >> side;
        while (args >> word) {
            if (word == "drop")
                drop = true;
            else
                sizes = word;
        }
        if (side != "c" && side != "s")
            fail(number, "send c|s");
        send(number, side == "c" ? 0 : 1, sizes, drop);
    } else if (connection_command(number, *l, conn_, time_)) {
        if (cmd == "close")  // the next connection logs in afresh
            for (int side = 0; side < 2; ++side) {
                cipher_[side].reset();
                encrypting_[side] = lost_[side] = stopped_[side] = false;
            }
    } else {
        fail(number, "unknown command " + cmd);
    }
}

void Session::finish()
{
    for (int side = 0; side < 2; ++side)
        if (!queue_[side].empty())
            fail(0, "frames queued but never sent");
    // The decoded-stream view, as tshark -z funxmpp,xml prints it.
    {
        std::map<int, std::vector<std::string>> lines;
        const long long first = pcap_.packets() > 0 ? pcap_.time_of(1) : 0;
        for (const auto &[packet, e] : expected_) {
            if (e.kind != Expected::Stream)
                continue;
            char prefix[64];
            std::snprintf(prefix, sizeof prefix, "%12.6f %s ", static_cast<double>(pcap_.time_of(packet) - first) / 1e6,
                          e.side == 0 ? "C>S" : "S>C");
            lines[e.connection].push_back(prefix + e.text);
        }
        std::ofstream out(stem_ + ".stream", std::ios::trunc);
        out << "\n===================================================================\n"
            << "FunXMPP decoded streams\n";
        for (const auto &[connection, ls] : lines) {
            out << stream_headers_[connection] << '\n';
            for (const std::string &l : ls)
                out << l << '\n';
        }
        out << "===================================================================\n";
    }
    const char *suffix[] = {".xml", ".tree", ".expert", ".decrypted", ".wareg"};
    for (int kind = 0; kind < 5; ++kind) {
        std::ofstream out(stem_ + suffix[kind], std::ios::trunc);
        for (const auto &[packet, e] : expected_)
            if (e.kind == kind)
                out << packet << (e.text.empty() ? "" : "\t" + e.text) << '\n';
    }
    // The keys of its {{signal ...}} payloads, if any: the analyst's key log (DESIGN 2.8).
    if (!recorded_signal_keys().empty()) {
        std::ofstream keylog(stem_ + ".keylog", std::ios::trunc);
        for (const std::string &l : recorded_signal_keys())
            keylog << l << '\n';
    }
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::cerr << "usage: funxmpp-capture-gen SCRIPT OUTPUT_STEM\n";
        return 2;
    }
    std::ifstream script(argv[1]);
    if (!script) {
        std::cerr << "cannot read " << argv[1] << "\n";
        return 2;
    }
    try {
        // The first version line says which protocol the script is in.
        std::stringstream all;
        all << script.rdbuf();
        std::string text;
        bool successor = false;
        for (std::istringstream lines(all.str()); std::getline(lines, text);)
            if (text.rfind("version ", 0) == 0) {
                successor = is_successor_version(text.substr(8, text.find(" #") - 8));
                break;
            }
        std::istringstream lines(all.str());
        if (successor) {
            run_noise_script(lines, argv[2]);
            return 0;
        }
        Session s(argv[2]);
        for (int n = 1; std::getline(lines, text); ++n)
            s.line(n, text);
        s.finish();
    } catch (const std::exception &e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    return 0;
}
