// SPDX-License-Identifier: GPL-2.0-or-later
// Writes classic pcap files of Ethernet/IPv4/TCP packets with correct lengths, checksums
// and sequence numbers: enough for tshark to follow and reassemble the streams.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace funxmpp::capture {

struct Endpoint {
    std::uint32_t ip = 0;    // host order
    std::uint16_t port = 0;
};

bool parse_endpoint(const std::string &text, Endpoint &out);  // "10.0.0.1:5222"
std::string endpoint_text(const Endpoint &e);                  // the same, back

class PcapWriter {
public:
    explicit PcapWriter(const std::string &path);
    ~PcapWriter();
    PcapWriter(const PcapWriter &) = delete;
    PcapWriter &operator=(const PcapWriter &) = delete;

    bool ok() const { return file_ != nullptr; }
    std::uint32_t packets() const { return packets_; }
    // Time of packet n (1-based) as written, in microseconds.
    long long time_of(std::uint32_t n) const { return times_.at(n - 1); }

    // One TCP segment; returns its packet number (1-based).
    std::uint32_t tcp(double time, const Endpoint &src, const Endpoint &dst, std::uint32_t seq, std::uint32_t ack,
                      std::uint8_t flags, std::string_view payload);

private:
    std::FILE *file_;
    std::uint32_t packets_ = 0;
    std::uint16_t ip_id_ = 1;
    std::vector<long long> times_;
};

enum TcpFlag : std::uint8_t { kFin = 0x01, kSyn = 0x02, kPsh = 0x08, kAck = 0x10 };

// Both directions of one TCP connection, with their sequence numbers.
class TcpConnection {
public:
    TcpConnection(PcapWriter &w, Endpoint client, Endpoint server, std::uint32_t client_isn, std::uint32_t server_isn)
        : w_(w), ends_{client, server}, next_seq_{client_isn, server_isn}
    {
    }

    void handshake(double &time);
    // Sends bytes from side 0 (client) or 1 (server) as one segment; returns the packet number.
    std::uint32_t send(double time, int side, std::string_view bytes);
    void ack(double time, int side);  // a pure ACK from `side`
    // The last segment `side` sent, again (a TCP retransmission); false if there was none.
    bool resend(double time, int side);
    // A segment of `size` bytes that the capture missed: sequence numbers move on, nothing
    // is written. Returns 0 (no packet).
    std::uint32_t skip(int side, std::size_t size)
    {
        next_seq_[side] += static_cast<std::uint32_t>(size);
        return 0;
    }
    void close(double &time);

private:
    PcapWriter &w_;
    Endpoint ends_[2];
    std::uint32_t next_seq_[2];
    std::string last_[2];  // the last segment's payload, per side
};

}  // namespace funxmpp::capture
