// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/noise_payloads.hpp"

namespace funxmpp::noise {

namespace {

using protobuf::number_of;
using protobuf::span_of;
using protobuf::walk;

Certificate certificate_at(const std::uint8_t *data, const protobuf::Field &whole, protobuf::Error &error,
                           std::size_t &error_offset)
{
    Certificate c;
    c.whole = span_of(whole);
    walk(data, whole.value_offset, whole.value_length, error, error_offset, [&](const protobuf::Field &f) {
        if (f.wire == protobuf::WireType::Len && f.number == 1)
            c.details = span_of(f);
        else if (f.wire == protobuf::WireType::Len && f.number == 2)
            c.signature = span_of(f);
    });
    if (c.details.present)
        walk(data, c.details.offset, c.details.length, error, error_offset, [&](const protobuf::Field &f) {
            const bool varint = f.wire == protobuf::WireType::Varint;
            switch (f.number) {
            case 1: if (varint) c.serial = number_of(f); break;
            case 2: if (varint) c.issuer_serial = number_of(f); break;
            case 3: if (f.wire == protobuf::WireType::Len) c.key = span_of(f); break;
            case 4: if (varint) c.not_before = number_of(f); break;
            case 5: if (varint) c.not_after = number_of(f); break;
            default: break;
            }
        });
    return c;
}

}  // namespace

CertChain parse_cert_chain(const std::uint8_t *data, std::size_t size)
{
    CertChain chain;
    walk(data, 0, size, chain.error, chain.error_offset, [&](const protobuf::Field &f) {
        if (f.wire != protobuf::WireType::Len)
            return;
        if (f.number == 1)
            chain.leaf = certificate_at(data, f, chain.error, chain.error_offset);
        else if (f.number == 2)
            chain.intermediate = certificate_at(data, f, chain.error, chain.error_offset);
    });
    return chain;
}

ClientPayloadFields parse_client_payload(const std::uint8_t *data, std::size_t size)
{
    ClientPayloadFields p;
    walk(data, 0, size, p.error, p.error_offset, [&](const protobuf::Field &f) {
        const bool varint = f.wire == protobuf::WireType::Varint;
        switch (f.number) {
        case 1: if (varint) p.username = number_of(f); break;
        case 3: if (varint) p.passive = number_of(f); break;
        case 5: if (f.wire == protobuf::WireType::Len) p.user_agent = span_of(f); break;
        case 7: if (f.wire == protobuf::WireType::Len) p.push_name = span_of(f); break;
        case 12: if (varint) p.connect_type = number_of(f); break;
        case 13: if (varint) p.connect_reason = number_of(f); break;
        case 18: if (varint) p.device = number_of(f); break;
        default: break;
        }
    });
    if (p.user_agent.present)
        walk(data, p.user_agent.offset, p.user_agent.length, p.error, p.error_offset, [&](const protobuf::Field &f) {
            if (f.number == 1 && f.wire == protobuf::WireType::Varint)
                p.platform = number_of(f);
            else if (f.number == 2 && f.wire == protobuf::WireType::Len)
                p.app_version = span_of(f);
        });
    if (p.app_version.present) {
        bool seen[5] = {false, false, false, false, false};
        walk(data, p.app_version.offset, p.app_version.length, p.error, p.error_offset, [&](const protobuf::Field &f) {
            if (f.number >= 1 && f.number <= 5 && f.wire == protobuf::WireType::Varint) {
                p.version[f.number - 1] = static_cast<std::uint32_t>(f.varint);
                seen[f.number - 1] = true;
            }
        });
        while (p.version_parts < 5 && seen[p.version_parts])
            ++p.version_parts;
    }
    return p;
}

std::string encode_certificate(std::uint64_t serial, std::uint64_t issuer_serial, std::string_view key,
                               std::uint64_t not_before, std::uint64_t not_after, std::string_view signature)
{
    std::string details, out;
    protobuf::put_uint(details, 1, serial);
    protobuf::put_uint(details, 2, issuer_serial);
    protobuf::put_bytes(details, 3, key);
    protobuf::put_uint(details, 4, not_before);
    protobuf::put_uint(details, 5, not_after);
    protobuf::put_bytes(out, 1, details);
    protobuf::put_bytes(out, 2, signature);
    return out;
}

std::string encode_cert_chain(std::string_view leaf, std::string_view intermediate)
{
    std::string out;
    protobuf::put_bytes(out, 1, leaf);
    protobuf::put_bytes(out, 2, intermediate);
    return out;
}

std::string encode_client_payload(std::uint64_t username, bool passive, std::uint32_t platform,
                                  const std::uint32_t (&version)[3], std::string_view push_name,
                                  std::uint32_t connect_type, std::uint32_t connect_reason, std::uint32_t device)
{
    std::string app, agent, out;
    for (std::uint32_t i = 0; i < 3; ++i)
        protobuf::put_uint(app, i + 1, version[i]);
    protobuf::put_uint(agent, 1, platform);
    protobuf::put_bytes(agent, 2, app);
    protobuf::put_uint(out, 1, username);
    protobuf::put_uint(out, 3, passive ? 1 : 0);
    protobuf::put_bytes(out, 5, agent);
    protobuf::put_bytes(out, 7, push_name);
    protobuf::put_uint(out, 12, connect_type);
    protobuf::put_uint(out, 13, connect_reason);
    protobuf::put_uint(out, 18, device);
    return out;
}

}  // namespace funxmpp::noise
