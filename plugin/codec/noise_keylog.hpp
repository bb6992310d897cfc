// SPDX-License-Identifier: GPL-2.0-or-later
// The key log (DESIGN 2.6, 2.8): one secret per line, read like Wireshark's TLS key log.
//   WA_NOISE_CLIENT    <client ephemeral public> <client ephemeral private> <client static private>
//   WA_NOISE_TRANSPORT <client ephemeral public> <client-to-server key> <server-to-client key>
//   WA_NOISE_TRANSPORT - <client-to-server key> <server-to-client key>
//   WA_SIGNAL_KEY      <SHA-256 of an end-to-end ciphertext> <AES-256 key> <IV (32 hex digits)>
// Hex is 64 digits unless said, either case; "#" comments and blank lines are ignored, and so
// are lines of other labels (one file may serve TLS's key log preference too): only a line
// whose label starts with WA_ and does not parse is malformed.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/noise.hpp"

namespace funxmpp::noise {

enum class KeyLineKind : std::uint8_t {
    Client,           // the client's two private keys: the whole handshake can be run
    Transport,        // the two transport keys of the connection with this ephemeral key
    TransportAnyone,  // "-": transport keys for the connection whose first frame they open
    SignalKey,        // the AES-256-CBC key and IV of one end-to-end payload
};

struct KeyLine {
    KeyLineKind kind = KeyLineKind::Client;
    Key32 ephemeral_public{};   // Client, Transport
    Key32 ciphertext_sha256{};  // SignalKey: the payload's ciphertext field, hashed
    Key32 first{}, second{};    // Client: ephemeral and static private; Transport: c2s, s2c;
                                // SignalKey: first is the AES-256 key
    std::array<std::uint8_t, 16> iv{};  // SignalKey
};

enum class KeyLineParse : std::uint8_t { Secret, Ignored, Malformed };

// One line (without its end of line); `out` is set for Secret.
KeyLineParse parse_key_line(std::string_view line, KeyLine &out);

// Every secret of a key log's text, and the numbers (from 1) of the malformed lines.
struct KeyLog {
    std::vector<KeyLine> lines;
    std::vector<std::size_t> malformed;
};
KeyLog parse_key_log(std::string_view text);

// A key log file read as it grows, as Wireshark reads the TLS key log: each refresh() reads the
// lines added since the last one (a line still being written waits for its end; a last line
// without one is taken when it is a whole secret), and a new path, or the file rewritten shorter,
// starts over. Malformed lines are returned once, when read.
class KeyLogFile {
public:
    // Returns the numbers of the malformed lines just read.
    std::vector<std::size_t> refresh(const std::string &path);
    const std::vector<KeyLine> &lines() const { return lines_; }
    std::size_t line_number(std::size_t i) const { return numbers_[i]; }  // in the file, from 1
    bool readable() const { return readable_; }  // the last refresh could open the file
    const std::string &path() const { return path_; }  // the file last read
    // How many times it started over (a new path, the file rewritten shorter): what was derived
    // from lines() before is stale once this changes.
    std::size_t restarts() const { return restarts_; }

private:
    std::string path_;
    long offset_ = 0;
    std::size_t lines_read_ = 0;
    bool readable_ = false;
    bool open_line_ = false;  // the last line taken had no end of line yet
    std::vector<KeyLine> lines_;
    std::vector<std::size_t> numbers_;
    std::size_t restarts_ = 0;
};

}  // namespace funxmpp::noise
