// SPDX-License-Identifier: GPL-2.0-or-later
// What the generator's two script languages (FunXMPP and successor sessions) share: the
// shape of a line, errors, the connection's timing commands, and how a "send" line cuts the
// queued bytes into pieces.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "pcap_writer.hpp"

namespace funxmpp::capture {

constexpr std::size_t kMss = 1460;
constexpr double kSegmentGap = 0.001, kSendGap = 0.010;

[[noreturn]] inline void fail(int line, const std::string &why)
{
    std::cerr << "script line " << line << ": " << why << "\n";
    std::exit(1);
}

// "cmd rest of the line  # comment" -> {cmd, rest}; nullopt for blank and comment lines.
struct ScriptLine {
    std::string cmd, rest;
};
inline std::optional<ScriptLine> split_line(const std::string &text)
{
    const std::string t = text.substr(0, text.find(" #"));
    if (t.empty() || t[0] == '#')
        return std::nullopt;
    std::istringstream in(t);
    ScriptLine l;
    in >> l.cmd;
    std::getline(in, l.rest);
    l.rest.erase(0, l.rest.find_first_not_of(' '));
    return l;
}

// The commands of both languages that act on the connection alone:
//   resend c|s   the side's last segment again (a TCP retransmission)
//   wait SECONDS
//   close        FIN both ways; `conn` is released
// Returns whether `cmd` was one of them.
inline bool connection_command(int line, const ScriptLine &l, std::unique_ptr<TcpConnection> &conn, double &time)
{
    if (l.cmd == "resend") {
        if (!conn || (l.rest != "c" && l.rest != "s") || !conn->resend(time, l.rest == "c" ? 0 : 1))
            fail(line, "resend c|s, after that side sent a segment");
        time += kSegmentGap;
    } else if (l.cmd == "wait") {
        time += std::stod(l.rest);
    } else if (l.cmd == "close") {
        if (!conn)
            fail(line, "close before connect");
        conn->close(time);
        conn.reset();
    } else {
        return false;
    }
    return true;
}

// A piece of what a "send" line sends (a TCP segment, or a WebSocket message), and the queued
// units whose last byte it carries ([first_completed, end_completed)).
struct Piece {
    std::size_t offset, size;
    std::size_t first_completed, end_completed;
    bool ends_inside_a_unit;  // bytes of a unit that a later piece completes
};

// The queued units' bytes (`Unit::bytes`) one after another in `bytes`, cut into pieces of the
// script's sizes ("40,60": then the rest), none larger than `max_piece`.
template <class Unit>
std::vector<Piece> cut_queue(int line, const std::vector<Unit> &queue, const std::string &sizes, std::size_t max_piece,
                             std::string &bytes)
{
    std::vector<std::size_t> ends;  // end offset of each unit
    for (const Unit &u : queue) {
        bytes += u.bytes;
        ends.push_back(bytes.size());
    }
    std::vector<std::size_t> cuts;
    std::istringstream in(sizes);
    for (std::string n; std::getline(in, n, ',');)
        if (!n.empty())
            cuts.push_back(std::stoul(n));
    std::vector<Piece> pieces;
    std::size_t pos = 0, next = 0, cut = 0;
    while (pos < bytes.size()) {
        const std::size_t len = std::min({cut < cuts.size() ? cuts[cut++] : bytes.size() - pos, max_piece, bytes.size() - pos});
        if (len == 0)
            fail(line, "a segment or message of 0 bytes");
        Piece p{pos, len, next, next, false};
        pos += len;
        while (next < ends.size() && ends[next] <= pos)
            ++next;
        p.end_completed = next;
        p.ends_inside_a_unit = next < ends.size() && (next == 0 ? 0 : ends[next - 1]) < pos;
        pieces.push_back(p);
    }
    return pieces;
}

}  // namespace funxmpp::capture
