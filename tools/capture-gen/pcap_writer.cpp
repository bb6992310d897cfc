// SPDX-License-Identifier: GPL-2.0-or-later
#include "pcap_writer.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace funxmpp::capture {

namespace {

void put16(std::string &b, unsigned v)
{
    b.push_back(static_cast<char>(v >> 8));
    b.push_back(static_cast<char>(v));
}

void put32(std::string &b, std::uint32_t v)
{
    put16(b, v >> 16);
    put16(b, v & 0xFFFF);
}

void put32le(std::FILE *f, std::uint32_t v)
{
    unsigned char b[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                          static_cast<unsigned char>(v >> 16), static_cast<unsigned char>(v >> 24)};
    std::fwrite(b, 1, 4, f);
}

std::uint32_t sum16(std::string_view b, std::uint32_t sum = 0)
{
    for (std::size_t i = 0; i + 1 < b.size(); i += 2)
        sum += static_cast<std::uint8_t>(b[i]) << 8 | static_cast<std::uint8_t>(b[i + 1]);
    if (b.size() % 2)
        sum += static_cast<std::uint8_t>(b.back()) << 8;
    return sum;
}

std::uint16_t fold(std::uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

void mac_of(std::string &b, std::uint32_t ip)
{
    b += std::string{0x02, 0x00};  // locally administered
    put32(b, ip);
}

}  // namespace

std::string endpoint_text(const Endpoint &e)
{
    return std::to_string(e.ip >> 24) + "." + std::to_string(e.ip >> 16 & 0xFF) + "." + std::to_string(e.ip >> 8 & 0xFF) +
           "." + std::to_string(e.ip & 0xFF) + ":" + std::to_string(e.port);
}

bool parse_endpoint(const std::string &text, Endpoint &out)
{
    unsigned a, b, c, d, port;
    char tail;
    if (std::sscanf(text.c_str(), "%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &port, &tail) != 5 || a > 255 || b > 255 ||
        c > 255 || d > 255 || port > 65535)
        return false;
    out.ip = a << 24 | b << 16 | c << 8 | d;
    out.port = static_cast<std::uint16_t>(port);
    return true;
}

PcapWriter::PcapWriter(const std::string &path) : file_(std::fopen(path.c_str(), "wb"))
{
    if (file_ == nullptr)
        return;
    put32le(file_, 0xA1B2C3D4);
    const unsigned char version[4] = {2, 0, 4, 0};
    std::fwrite(version, 1, 4, file_);
    put32le(file_, 0);        // thiszone
    put32le(file_, 0);        // sigfigs
    put32le(file_, 262144);   // snaplen
    put32le(file_, 1);        // Ethernet
}

PcapWriter::~PcapWriter()
{
    if (file_ != nullptr)
        std::fclose(file_);
}

std::uint32_t PcapWriter::tcp(double time, const Endpoint &src, const Endpoint &dst, std::uint32_t seq,
                              std::uint32_t ack, std::uint8_t flags, std::string_view payload)
{
    std::string tcp;
    put16(tcp, src.port);
    put16(tcp, dst.port);
    put32(tcp, seq);
    put32(tcp, ack);
    tcp.push_back(0x50);  // 20-byte header
    tcp.push_back(static_cast<char>(flags));
    put16(tcp, 65535);
    put16(tcp, 0);  // checksum, below
    put16(tcp, 0);
    tcp.append(payload);
    std::string pseudo;
    put32(pseudo, src.ip);
    put32(pseudo, dst.ip);
    put16(pseudo, 6);
    put16(pseudo, static_cast<unsigned>(tcp.size()));
    std::uint16_t tcp_sum = fold(sum16(tcp, sum16(pseudo)));
    tcp[16] = static_cast<char>(tcp_sum >> 8);
    tcp[17] = static_cast<char>(tcp_sum);

    std::string ip;
    ip.push_back(0x45);
    ip.push_back(0);
    put16(ip, static_cast<unsigned>(20 + tcp.size()));
    put16(ip, ip_id_++);
    put16(ip, 0x4000);  // don't fragment
    ip.push_back(64);
    ip.push_back(6);
    put16(ip, 0);
    put32(ip, src.ip);
    put32(ip, dst.ip);
    std::uint16_t ip_sum = fold(sum16(ip));
    ip[10] = static_cast<char>(ip_sum >> 8);
    ip[11] = static_cast<char>(ip_sum);

    std::string frame;
    mac_of(frame, dst.ip);
    mac_of(frame, src.ip);
    put16(frame, 0x0800);
    frame += ip;
    frame += tcp;

    const long long usec = std::llround(time * 1e6);
    times_.push_back(usec);
    put32le(file_, static_cast<std::uint32_t>(usec / 1000000));
    put32le(file_, static_cast<std::uint32_t>(usec % 1000000));
    put32le(file_, static_cast<std::uint32_t>(frame.size()));
    put32le(file_, static_cast<std::uint32_t>(frame.size()));
    std::fwrite(frame.data(), 1, frame.size(), file_);
    return ++packets_;
}

void TcpConnection::handshake(double &time)
{
    w_.tcp(time, ends_[0], ends_[1], next_seq_[0]++, 0, kSyn, {});
    time += 0.001;
    w_.tcp(time, ends_[1], ends_[0], next_seq_[1]++, next_seq_[0], kSyn | kAck, {});
    time += 0.001;
    w_.tcp(time, ends_[0], ends_[1], next_seq_[0], next_seq_[1], kAck, {});
    time += 0.001;
}

bool TcpConnection::resend(double time, int side)
{
    if (last_[side].empty())
        return false;
    const auto size = static_cast<std::uint32_t>(last_[side].size());
    w_.tcp(time, ends_[side], ends_[1 - side], next_seq_[side] - size, next_seq_[1 - side], kPsh | kAck, last_[side]);
    return true;
}

std::uint32_t TcpConnection::send(double time, int side, std::string_view bytes)
{
    last_[side].assign(bytes);
    std::uint32_t n = w_.tcp(time, ends_[side], ends_[1 - side], next_seq_[side], next_seq_[1 - side], kPsh | kAck, bytes);
    next_seq_[side] += static_cast<std::uint32_t>(bytes.size());
    return n;
}

void TcpConnection::ack(double time, int side)
{
    w_.tcp(time, ends_[side], ends_[1 - side], next_seq_[side], next_seq_[1 - side], kAck, {});
}

void TcpConnection::close(double &time)
{
    for (int side = 0; side < 2; ++side) {
        w_.tcp(time, ends_[side], ends_[1 - side], next_seq_[side]++, next_seq_[1 - side], kFin | kAck, {});
        time += 0.001;
    }
    w_.tcp(time, ends_[0], ends_[1], next_seq_[0], next_seq_[1], kAck, {});
    time += 0.001;
}

}  // namespace funxmpp::capture
