// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/noise_keylog.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "codec/text.hpp"

namespace funxmpp::noise {

namespace {

// The next space- or tab-separated word of `line` from `at`.
std::string_view next_word(std::string_view line, std::size_t &at)
{
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
        ++at;
    const std::size_t start = at;
    while (at < line.size() && line[at] != ' ' && line[at] != '\t')
        ++at;
    return line.substr(start, at - start);
}

template <std::size_t N>
bool key_of(std::string_view hex_text, std::array<std::uint8_t, N> &out)
{
    if (hex_text.size() != 2 * N)
        return false;
    for (std::size_t i = 0; i < N; ++i) {
        const int hi = hex_digit_value(hex_text[2 * i]), lo = hex_digit_value(hex_text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return true;
}

}  // namespace

KeyLineParse parse_key_line(std::string_view line, KeyLine &out)
{
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    std::size_t at = 0;
    const std::string_view label = next_word(line, at);
    if (label.empty() || label[0] == '#' || label.substr(0, 3) != "WA_")
        return KeyLineParse::Ignored;  // a comment, a blank line, another key log's line
    KeyLine k;
    if (label == "WA_SIGNAL_KEY") {
        k.kind = KeyLineKind::SignalKey;
        if (!key_of(next_word(line, at), k.ciphertext_sha256) || !key_of(next_word(line, at), k.first) ||
            !key_of(next_word(line, at), k.iv) || !next_word(line, at).empty())
            return KeyLineParse::Malformed;
        out = k;
        return KeyLineParse::Secret;
    }
    if (label == "WA_NOISE_CLIENT")
        k.kind = KeyLineKind::Client;
    else if (label == "WA_NOISE_TRANSPORT")
        k.kind = KeyLineKind::Transport;
    else
        return KeyLineParse::Malformed;
    const std::string_view who = next_word(line, at);
    if (k.kind == KeyLineKind::Transport && who == "-")
        k.kind = KeyLineKind::TransportAnyone;
    else if (!key_of(who, k.ephemeral_public))
        return KeyLineParse::Malformed;
    if (!key_of(next_word(line, at), k.first) || !key_of(next_word(line, at), k.second) || !next_word(line, at).empty())
        return KeyLineParse::Malformed;
    out = k;
    return KeyLineParse::Secret;
}

namespace {

// Parses the lines of `text` numbered from `number` + 1, into `secrets` (with their numbers when
// `numbers` is given) and `malformed`. A last line without its end of line is taken only when
// it is a whole secret: a key log still being written waits for the rest of the line. Returns
// the bytes used; `number` ends as the number of the last line used.
std::size_t parse_lines(std::string_view text, std::size_t &number, std::vector<KeyLine> &secrets,
                        std::vector<std::size_t> *numbers, std::vector<std::size_t> &malformed)
{
    std::size_t used = 0;
    // Room for every secret at once (a large log read whole: a secret's line is at least 150
    // characters), grown geometrically still when a log being written is read a line at a time.
    const std::size_t at_most = secrets.size() + text.size() / 150 + 1;
    if (at_most > secrets.capacity()) {
        secrets.reserve(std::max(at_most, 2 * secrets.capacity()));
        if (numbers != nullptr)
            numbers->reserve(secrets.capacity());
    }
    while (used < text.size()) {
        const std::size_t end = text.find('\n', used);
        const bool unterminated = end == std::string_view::npos;
        const std::string_view line = text.substr(used, unterminated ? std::string_view::npos : end - used);
        KeyLine k;
        const KeyLineParse parse = parse_key_line(line, k);
        if (unterminated && parse != KeyLineParse::Secret)
            break;
        ++number;
        if (parse == KeyLineParse::Secret) {
            secrets.push_back(k);
            if (numbers != nullptr)
                numbers->push_back(number);
        } else if (parse == KeyLineParse::Malformed) {
            malformed.push_back(number);
        }
        used = unterminated ? text.size() : end + 1;
    }
    // A file shared with a TLS key log holds few secrets for its size: the room not used goes.
    if (secrets.capacity() > 2 * secrets.size() + 64) {
        secrets.shrink_to_fit();
        if (numbers != nullptr)
            numbers->shrink_to_fit();
    }
    return used;
}

}  // namespace

KeyLog parse_key_log(std::string_view text)
{
    KeyLog log;
    std::size_t number = 0;
    parse_lines(text, number, log.lines, nullptr, log.malformed);
    return log;
}

std::vector<std::size_t> KeyLogFile::refresh(const std::string &path)
{
    std::vector<std::size_t> malformed;
    const std::size_t restarts = restarts_ + 1;
    if (path != path_) {
        *this = KeyLogFile{};
        restarts_ = restarts;
    }
    path_ = path;
    if (path.empty())
        return malformed;
    // Nothing added since the last read (the common case: every lookup refreshes): no need to
    // open the file. (A file rewritten to the same size is read again when a capture closes.)
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && readable_ && size == static_cast<std::uintmax_t>(offset_))
        return malformed;
    std::FILE *f = std::fopen(path.c_str(), "rb");
    readable_ = f != nullptr;
    if (f == nullptr)
        return malformed;
    // A file now shorter than what was read is a new log under the same name: start over.
    if (std::fseek(f, 0, SEEK_END) == 0 && std::ftell(f) < offset_) {
        const std::size_t again = restarts_ + 1;
        *this = KeyLogFile{};
        path_ = path;
        readable_ = true;
        restarts_ = again;
    }
    std::string fresh;
    if (std::fseek(f, offset_, SEEK_SET) == 0) {
        // In one piece of the size the file has now (and on, if it grows meanwhile): a key
        // log of a long session is tens of megabytes.
        std::size_t have = 0;
        const bool sized = !ec && size > static_cast<std::uintmax_t>(offset_) && size - offset_ < (std::uintmax_t{1} << 31);
        fresh.resize(sized ? static_cast<std::size_t>(size - offset_) + 1 : 4096);
        for (std::size_t n; (n = std::fread(fresh.data() + have, 1, fresh.size() - have, f)) > 0;) {
            have += n;
            if (have == fresh.size())
                fresh.resize(2 * have);
        }
        fresh.resize(have);
    }
    std::fclose(f);
    std::string_view text(fresh);
    // The end of a line taken before its end of line was written belongs to that line.
    if (open_line_ && !text.empty()) {
        if (text == "\r")
            return malformed;
        const std::size_t eol = text[0] == '\n' ? 1 : text.substr(0, 2) == "\r\n" ? 2 : 0;
        text.remove_prefix(eol);
        offset_ += static_cast<long>(eol);
        open_line_ = false;
    }
    const std::size_t used = parse_lines(text, lines_read_, lines_, &numbers_, malformed);
    offset_ += static_cast<long>(used);
    if (used > 0 && text[used - 1] != '\n')
        open_line_ = true;
    return malformed;
}

}  // namespace funxmpp::noise
