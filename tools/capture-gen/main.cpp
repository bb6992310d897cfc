// SPDX-License-Identifier: GPL-2.0-or-later
// funxmpp-capture-gen: turns a session script into a pcap file and the outputs a correct
// dissector must produce for it. The expectations come from the script (the trees the
// generator was asked to encode), never from running a dissector.
//
// usage: funxmpp-capture-gen SCRIPT OUTPUT_STEM
//   writes OUTPUT_STEM.pcap and, next to it,
//   .xml     "<packet>\t<canonical XML>" per stanza, in stream order
//   .tree    "<packet>\t<indent><element label>" per element (verbose-tree excerpt)
//   .errors  "<packet>\t<expert field>" per frame the script made malformed
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
//   c|s encrypted N [flags=0xF] queue a frame of N opaque bytes (default flag 0x8)
//   c|s raw HEX => <xml>        queue a hand-encoded payload and the XML it must give
//   c|s raw HEX => error KIND [after <xml>]
//                               ... or the expert item it must raise (funxmpp.malformed.KIND),
//                               after showing the complete element <xml> (trailing bytes)
//   send c|s [N,N,...]          send what is queued: first segments of N bytes, then the rest
//                               (segments never exceed an MSS of 1460 bytes)
//   wait SECONDS
//   close                       FIN handshake
#include <zlib.h>

#include <cstdio>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "codec/encoder.hpp"
#include "codec/framing.hpp"
#include "codec/text.hpp"
#include "codec/xml.hpp"
#include "pcap_writer.hpp"
#include "session_xml.hpp"

namespace {

using namespace funxmpp;
using namespace funxmpp::capture;

constexpr std::size_t kMss = 1460;
constexpr double kSegmentGap = 0.001, kSendGap = 0.010;

struct Expected {
    enum Kind { Xml, Tree, Error } kind;
    std::string text;
};

// A frame waiting in a direction's queue, with what it must produce once it is sent.
struct Queued {
    std::string bytes;
    std::vector<Expected> expected;
};

[[noreturn]] void fail(int line, const std::string &why)
{
    std::cerr << "script line " << line << ": " << why << "\n";
    std::exit(1);
}

std::string zlib_compress(const std::string &in)
{
    uLongf n = compressBound(static_cast<uLong>(in.size()));
    std::string out(n, '\0');
    if (compress2(reinterpret_cast<Bytef *>(out.data()), &n, reinterpret_cast<const Bytef *>(in.data()),
                  static_cast<uLong>(in.size()), Z_BEST_COMPRESSION) != Z_OK)
        throw std::runtime_error("zlib failed");
    out.resize(n);
    return out;
}

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
    Node start = n;
    start.children.clear();
    start.data.clear();
    std::string label = to_xml(start);
    if (n.kind == Node::Kind::Element && n.content != Node::Content::None)
        label.resize(label.size() - (n.tag.size() + 3));  // "<a ...></a>" -> "<a ...>"
    out.push_back({Expected::Tree, std::string(2 * depth, ' ') + label});
    if (n.content == Node::Content::Children)
        for (const Node &c : n.children)
            element_labels(c, depth + 1, out);
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
    void send(int line, int side, const std::string &sizes);

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
};

void Session::queue_frame(int line, int side, const std::string &rest)
{
    const Dialect &d = dialect(line);
    std::istringstream in(rest);
    std::string word;
    in >> word;
    Queued q;
    try {
        if (word == "keepalive") {
            q.bytes = encode_frame(d, 0, std::string(1, '\0'));
        } else if (word == "encrypted") {
            unsigned long n = 0;
            std::string flags = "flags=0x8";
            in >> n >> flags;
            std::string payload;
            for (unsigned long i = 0; i < n; ++i)
                payload += static_cast<char>(rng_() & 0xFF);
            q.bytes = encode_frame(d, static_cast<std::uint8_t>(std::stoul(flags.substr(6), nullptr, 16)), payload);
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
                q.expected.push_back({Expected::Error, "funxmpp.malformed." + kind});
                if (after == "after")
                    element_labels(parse_stanza(want.substr(want.find('<')), rng_), 0, q.expected);
            } else {
                q.expected.push_back({Expected::Xml, want});
                element_labels(parse_stanza(want, rng_), 0, q.expected);
            }
        } else {
            const bool compressed = word == "compressed";
            std::string xml = compressed ? rest.substr(rest.find('<')) : rest;
            Node node = parse_stanza(xml, rng_);
            std::string payload = encode_node(d, node);
            q.bytes = compressed ? encode_frame(d, kFlagCompressed, zlib_compress(payload)) : encode_frame(d, 0, payload);
            q.expected.push_back({Expected::Xml, to_xml(node)});
            element_labels(node, 0, q.expected);
        }
    } catch (const std::exception &e) {
        fail(line, e.what());
    }
    queue_[side].push_back(std::move(q));
}

void Session::send(int line, int side, const std::string &sizes)
{
    if (!conn_)
        fail(line, "send before connect");
    std::string bytes;
    std::vector<std::pair<std::size_t, const Queued *>> ends;  // frame end offset -> frame
    for (const Queued &q : queue_[side]) {
        bytes += q.bytes;
        ends.emplace_back(bytes.size(), &q);
    }
    std::vector<std::size_t> cuts;
    std::istringstream in(sizes);
    std::string n;
    while (std::getline(in, n, ','))
        if (!n.empty())
            cuts.push_back(std::stoul(n));
    std::size_t pos = 0, next_frame = 0;
    while (pos < bytes.size()) {
        std::size_t len = cuts.empty() ? bytes.size() - pos : cuts.front();
        if (!cuts.empty())
            cuts.erase(cuts.begin());
        len = std::min({len, kMss, bytes.size() - pos});
        if (len == 0)
            fail(line, "segment of 0 bytes");
        std::uint32_t packet = conn_->send(time_, side, std::string_view(bytes).substr(pos, len));
        time_ += kSegmentGap;
        pos += len;
        for (; next_frame < ends.size() && ends[next_frame].first <= pos; ++next_frame)
            for (const Expected &e : ends[next_frame].second->expected)
                expected_.emplace_back(packet, e);
    }
    conn_->ack(time_, 1 - side);
    time_ += kSendGap;
    queue_[side].clear();
}

void Session::line(int number, const std::string &text)
{
    std::string t = text.substr(0, text.find(" #"));
    if (t.empty() || t[0] == '#')
        return;
    std::istringstream in(t);
    std::string cmd;
    in >> cmd;
    std::string rest;
    std::getline(in, rest);
    rest.erase(0, rest.find_first_not_of(' '));
    if (cmd == "version") {
        auto v = parse_version(rest);
        dialect_ = v ? dialect_for(*v) : nullptr;
        if (dialect_ == nullptr)
            fail(number, "unknown version " + rest);
    } else if (cmd == "client" || cmd == "server") {
        if (!parse_endpoint(rest, cmd == "client" ? client_ : server_))
            fail(number, "expected IP:PORT");
    } else if (cmd == "start") {
        time_ = std::stod(rest);
    } else if (cmd == "seed") {
        rng_.seed(static_cast<std::uint32_t>(std::stoul(rest)));
    } else if (cmd == "connect") {
        conn_ = std::make_unique<TcpConnection>(pcap_, client_, server_, isn_, isn_ + 500000);
        isn_ += 1000000;
        conn_->handshake(time_);
    } else if (cmd == "prologue") {
        queue_[0].push_back({encode_prologue(dialect(number).version), {}});
    } else if (cmd == "c" || cmd == "s") {
        queue_frame(number, cmd == "c" ? 0 : 1, rest);
    } else if (cmd == "send") {
        std::istringstream args(rest);
        std::string side, sizes;
        args >> side >> sizes;
        if (side != "c" && side != "s")
            fail(number, "send c|s");
        send(number, side == "c" ? 0 : 1, sizes);
    } else if (cmd == "wait") {
        time_ += std::stod(rest);
    } else if (cmd == "close") {
        if (!conn_)
            fail(number, "close before connect");
        conn_->close(time_);
        conn_.reset();
    } else {
        fail(number, "unknown command " + cmd);
    }
}

void Session::finish()
{
    for (int side = 0; side < 2; ++side)
        if (!queue_[side].empty())
            fail(0, "frames queued but never sent");
    const char *suffix[] = {".xml", ".tree", ".errors"};
    for (int kind = 0; kind < 3; ++kind) {
        std::ofstream out(stem_ + suffix[kind], std::ios::trunc);
        for (const auto &[packet, e] : expected_)
            if (e.kind == kind)
                out << packet << '\t' << e.text << '\n';
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
        Session s(argv[2]);
        std::string text;
        for (int n = 1; std::getline(script, text); ++n)
            s.line(n, text);
        s.finish();
    } catch (const std::exception &e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    return 0;
}
