// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/noise_keylog.hpp"

#include <cstdio>

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

bool key_of(std::string_view hex_text, Key32 &out)
{
    if (hex_text.size() != 2 * kKeyLength)
        return false;
    for (std::size_t i = 0; i < kKeyLength; ++i) {
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
    if (label.empty() || label[0] == '#')
        return KeyLineParse::Ignored;
    KeyLine k;
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

KeyLog parse_key_log(std::string_view text)
{
    KeyLog log;
    std::size_t number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++number;
        KeyLine k;
        switch (parse_key_line(line, k)) {
        case KeyLineParse::Secret: log.lines.push_back(k); break;
        case KeyLineParse::Malformed: log.malformed.push_back(number); break;
        case KeyLineParse::Ignored: break;
        }
    }
    return log;
}

std::vector<std::size_t> KeyLogFile::refresh(const std::string &path)
{
    std::vector<std::size_t> malformed;
    if (path != path_)
        *this = KeyLogFile{};
    path_ = path;
    if (path.empty())
        return malformed;
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
        return malformed;
    std::string fresh;
    if (std::fseek(f, offset_, SEEK_SET) == 0) {
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;)
            fresh.append(buffer, n);
    }
    std::fclose(f);
    const std::size_t complete = fresh.rfind('\n');
    if (complete == std::string::npos)
        return malformed;
    fresh.resize(complete + 1);
    offset_ += static_cast<long>(fresh.size());
    for (std::size_t at = 0; at < fresh.size();) {
        const std::size_t end = fresh.find('\n', at);
        const std::string_view line(fresh.data() + at, end - at);
        at = end + 1;
        ++lines_read_;
        KeyLine k;
        switch (parse_key_line(line, k)) {
        case KeyLineParse::Secret:
            lines_.push_back(k);
            numbers_.push_back(lines_read_);
            break;
        case KeyLineParse::Malformed: malformed.push_back(lines_read_); break;
        case KeyLineParse::Ignored: break;
        }
    }
    return malformed;
}

}  // namespace funxmpp::noise
