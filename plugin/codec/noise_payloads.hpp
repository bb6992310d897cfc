// SPDX-License-Identifier: GPL-2.0-or-later
// The handshake's encrypted payloads once opened (SUCCESSOR 2.2): the server's certificate
// chain (ServerHello.payload) and the ClientPayload (ClientFinish.payload), read with the
// bounded protobuf reader into plain data with offsets, for display. Only the fields worth
// reading are picked out; the rest is skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/protobuf.hpp"

namespace funxmpp::noise {

using protobuf::Number;
using protobuf::Span;

// CertChain { 1 leaf, 2 intermediate }, each { 1 details (bytes), 2 signature };
// details { 1 serial, 2 issuerSerial, 3 key, 4 notBefore, 5 notAfter }.
struct Certificate {
    Span whole, details, signature, key;
    Number serial, issuer_serial, not_before, not_after;
};
struct CertChain {
    Certificate leaf, intermediate;
    protobuf::Error error = protobuf::Error::None;
    std::size_t error_offset = 0;
};
CertChain parse_cert_chain(const std::uint8_t *data, std::size_t size);

// ClientPayload: 1 username, 3 passive, 5 userAgent { 1 platform, 2 appVersion { 1..5 } },
// 7 pushName, 12 connectType, 13 connectReason, 18 device.
struct ClientPayloadFields {
    Number username, passive, platform, connect_type, connect_reason, device;
    Span push_name, user_agent, app_version;
    std::uint32_t version[5] = {0, 0, 0, 0, 0};
    unsigned version_parts = 0;  // how many of primary..quinary are there (from the first)
    protobuf::Error error = protobuf::Error::None;
    std::size_t error_offset = 0;
};
ClientPayloadFields parse_client_payload(const std::uint8_t *data, std::size_t size);

// Writers, for the generator and tests.
std::string encode_certificate(std::uint64_t serial, std::uint64_t issuer_serial, std::string_view key,
                               std::uint64_t not_before, std::uint64_t not_after, std::string_view signature);
std::string encode_cert_chain(std::string_view leaf, std::string_view intermediate);
std::string encode_client_payload(std::uint64_t username, bool passive, std::uint32_t platform,
                                  const std::uint32_t (&version)[3], std::string_view push_name,
                                  std::uint32_t connect_type, std::uint32_t connect_reason, std::uint32_t device);

}  // namespace funxmpp::noise
