// SPDX-License-Identifier: GPL-2.0-or-later
// funxmpp-decode: FunXMPP bytes (hex or a binary file) to canonical XML, one stanza a line.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "codec/decoder.hpp"
#include "codec/framing.hpp"
#include "codec/inflate.hpp"
#include "codec/text.hpp"
#include "codec/version.hpp"
#include "codec/xml.hpp"

namespace {

using namespace funxmpp;

const char kUsage[] =
    "usage: funxmpp-decode [options] [HEX...]\n"
    "Decodes FunXMPP bytes to canonical XML, one stanza per line.\n"
    "Input is hex (arguments, or standard input when there are none; whitespace and ':'\n"
    "are ignored) or, with --binary, raw bytes.\n"
    "\n"
    "  --binary FILE    read raw bytes from FILE ('-' for standard input)\n"
    "  --stream         input is a client stream: prologue \"WA\" major minor, then frames\n"
    "  --frames         input is frames without a prologue (e.g. the server's side); for\n"
    "                   the successor (5.x, 6.x): 3-byte lengths, each payload a decrypted\n"
    "                   transport frame (flags byte, then the node, zlib when flags & 0x02)\n"
    "  --node           input is a single node (one frame payload, no header)\n"
    "  --version X.Y    protocol version for --frames/--node (default 1.5): 0.4 1.0 1.1 1.2\n"
    "                   1.4 1.5 1.6, or the successor's node format 5.2 6.2 (dictionary v2)\n"
    "                   6.3 (v3); a FunXMPP stream's version comes from its prologue\n"
    "  --pretty         indent children\n"
    "\n"
    "Without --stream/--frames/--node the input kind is guessed: \"WA\" starts a stream,\n"
    "0xF8/0xF9 a node, anything else frames.\n"
    "Exit status: 0 when everything decoded (encrypted frames are reported on standard\n"
    "error and skipped), 1 on malformed input (after printing what decoded before it),\n"
    "2 on usage errors.\n";

enum class Mode { Guess, Stream, Frames, Node };

struct Options {
    Mode mode = Mode::Guess;
    std::optional<Version> version;
    bool pretty = false;
    std::string binary_file;
    bool binary = false;
    std::string hex;
};

[[noreturn]] void usage_error(const std::string &why)
{
    std::fprintf(stderr, "funxmpp-decode: %s\n%s", why.c_str(), kUsage);
    std::exit(2);
}

Options parse_args(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
                usage_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (a == "--stream") {
            o.mode = Mode::Stream;
        } else if (a == "--frames") {
            o.mode = Mode::Frames;
        } else if (a == "--node") {
            o.mode = Mode::Node;
        } else if (a == "--pretty") {
            o.pretty = true;
        } else if (a == "--binary") {
            o.binary = true;
            o.binary_file = next();
        } else if (a == "--version") {
            std::string v = next();
            o.version = parse_version(v);
            if (!o.version || dialect_for(*o.version) == nullptr)
                usage_error("unknown protocol version '" + v + "' (known: 0.4 1.0 1.1 1.2 1.4 1.5 1.6 5.2 6.2 6.3)");
        } else if (a.size() > 1 && a[0] == '-') {
            usage_error("unknown option " + a);
        } else {
            o.hex += a;
        }
    }
    if (o.binary && !o.hex.empty())
        usage_error("give either --binary FILE or hex, not both");
    return o;
}

std::vector<std::uint8_t> read_input(const Options &o)
{
    std::vector<std::uint8_t> bytes;
    if (o.binary) {
        std::istream *in = &std::cin;
        std::ifstream file;
        if (o.binary_file != "-") {
            file.open(o.binary_file, std::ios::binary);
            if (!file)
                usage_error("cannot open " + o.binary_file);
            in = &file;
        }
        bytes.assign(std::istreambuf_iterator<char>(*in), std::istreambuf_iterator<char>());
        return bytes;
    }
    std::string text = o.hex;
    if (text.empty()) {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        text = ss.str();
    }
    std::optional<std::string> parsed = parse_hex(text);
    if (!parsed)
        usage_error("input is not hex (use --binary for raw bytes)");
    return std::vector<std::uint8_t>(parsed->begin(), parsed->end());
}

constexpr std::uint8_t kMdCompressed = 0x02;  // SUCCESSOR 1.6
// zlib (RFC 1950) inflate, bounded; nullopt when the bytes are not a whole zlib stream.
std::optional<std::vector<std::uint8_t>> inflate(const std::uint8_t *data, std::size_t size)
{
    std::vector<std::uint8_t> out;
    if (inflate_bounded(data, size, kMaxInflated, &out) != InflateCheck::Whole)
        return std::nullopt;
    return out;
}

class Printer {
public:
    Printer(const Dialect &d, bool pretty) : dialect_(d), writer_(line_, pretty) {}

    // Decodes one payload that starts at `base` in the input; false on a decode error.
    bool payload(const std::uint8_t *data, std::size_t size, std::size_t base)
    {
        line_.clear();
        writer_.reset();
        DecodeResult r = decode_payload(dialect_, data, size, writer_);
        if (!r.ok()) {
            std::fflush(stdout);
            std::fprintf(stderr, "offset %zu: %s\n", base + r.error.offset, r.error.message().c_str());
            return false;
        }
        if (!r.keep_alive)
            std::printf("%s\n", line_.c_str());
        return true;
    }

    // A decrypted successor transport frame: flags byte, then the node (zlib when flags 0x02).
    bool transport_frame(const std::uint8_t *data, std::size_t size, std::size_t base)
    {
        const std::uint8_t flags = data[0];
        if ((flags & ~kMdCompressed) != 0) {
            std::fflush(stdout);
            std::fprintf(stderr, "offset %zu: unknown frame flags 0x%02x\n", base, flags);
            return false;
        }
        if ((flags & kMdCompressed) == 0)
            return payload(data + 1, size - 1, base + 1);
        std::optional<std::vector<std::uint8_t>> inflated = inflate(data + 1, size - 1);
        if (!inflated) {
            std::fflush(stdout);
            std::fprintf(stderr, "offset %zu: compressed frame does not inflate\n", base + 1);
            return false;
        }
        return payload(inflated->data(), inflated->size(), 0);
    }

    // Frames from data[pos..]; false if anything failed.
    bool frames(const std::vector<std::uint8_t> &in, std::size_t pos)
    {
        bool ok = true;
        for (FrameCursor cursor(in.data(), in.size(), dialect_, pos); !cursor.at_end();) {
            const FrameStep f = cursor.next();
            const FrameHeader &h = f.header;
            std::fflush(stdout);
            if (f.status == FrameStatus::NeedMore) {
                std::fprintf(stderr, "offset %zu: truncated frame: needs %zu bytes, %zu left\n", f.offset, f.needed,
                             in.size() - f.offset);
                return false;
            }
            if (f.status == FrameStatus::Malformed) {
                std::fprintf(stderr, "offset %zu: frame of length 0\n", f.offset);
                ok = false;
            } else if (dialect_.plain_length24) {
                ok &= transport_frame(cursor.payload(f), h.length, f.payload_offset());
            } else if (h.encrypted()) {
                std::fprintf(stderr, "offset %zu: encrypted frame (flags 0x%x), %u bytes: not decoded\n", f.offset,
                             h.flags, h.length);
            } else if (h.compressed()) {
                std::fprintf(stderr, "offset %zu: compressed frame (flags 0x%x), %u bytes: not decoded\n", f.offset,
                             h.flags, h.length);
            } else {
                ok &= payload(cursor.payload(f), h.length, f.payload_offset());
            }
        }
        return ok;
    }

private:
    const Dialect &dialect_;
    std::string line_;
    XmlWriter writer_;
};

}  // namespace

int main(int argc, char **argv)
{
    Options o = parse_args(argc, argv);
    std::vector<std::uint8_t> in = read_input(o);

    Mode mode = o.mode;
    if (mode == Mode::Guess) {
        StreamKind kind = parse_prologue(in.data(), in.size()).kind;
        if (kind != StreamKind::NotWhatsApp && kind != StreamKind::NeedMore)
            mode = Mode::Stream;
        else if (!in.empty() && (in[0] == 0xF8 || in[0] == 0xF9))
            mode = Mode::Node;
        else
            mode = Mode::Frames;
    }

    const Dialect *dialect = dialect_for(o.version.value_or(Version{1, 5}));
    std::size_t start = 0;
    if (mode == Mode::Stream) {
        Prologue p = parse_prologue(in.data(), in.size());
        switch (p.kind) {
        case StreamKind::FunXmpp:
            dialect = dialect_for(p.version);
            start = p.size;
            break;
        case StreamKind::Successor:
            std::fprintf(stderr, "offset 0: successor protocol (Noise transport), not FunXMPP\n");
            return 1;
        case StreamKind::UnknownFunXmpp:
            std::fprintf(stderr, "offset 0: prologue announces WA %s, not a known FunXMPP version\n",
                         p.version.to_string().c_str());
            return 1;
        default:
            std::fprintf(stderr, "offset 0: no \"WA\" prologue (use --frames for a server stream)\n");
            return 1;
        }
    }

    Printer printer(*dialect, o.pretty);
    bool ok = mode == Mode::Node ? printer.payload(in.data(), in.size(), 0) : printer.frames(in, start);
    return ok ? 0 : 1;
}
