// SPDX-License-Identifier: GPL-2.0-or-later
// The handshake's opened payloads: certificate chain and ClientPayload, read back from what the
// writers make, field by field with offsets, and bad input that is only reported.
#include <gtest/gtest.h>

#include <string>

#include "codec/noise_payloads.hpp"

using namespace funxmpp::noise;

namespace {

const std::uint8_t *bytes(const std::string &s)
{
    return reinterpret_cast<const std::uint8_t *>(s.data());
}

TEST(NoisePayloads, CertChain)
{
    const std::string key(32, 'k'), root(32, 'r'), sig(64, 's');
    const std::string leaf = encode_certificate(7, 3, key, 1700000000, 1800000000, sig);
    const std::string chain = encode_cert_chain(leaf, encode_certificate(3, 0, root, 1600000000, 1900000000, sig));
    const CertChain c = parse_cert_chain(bytes(chain), chain.size());
    EXPECT_EQ(c.error, funxmpp::protobuf::Error::None);
    ASSERT_TRUE(c.leaf.serial.present);
    EXPECT_EQ(c.leaf.serial.value, 7u);
    EXPECT_EQ(c.leaf.issuer_serial.value, 3u);
    EXPECT_EQ(chain.substr(c.leaf.key.offset, c.leaf.key.length), key);
    EXPECT_EQ(chain.substr(c.leaf.signature.offset, c.leaf.signature.length), sig);
    EXPECT_EQ(c.leaf.not_before.value, 1700000000u);
    EXPECT_EQ(c.leaf.not_after.value, 1800000000u);
    EXPECT_EQ(c.intermediate.issuer_serial.value, 0u);
    EXPECT_EQ(chain.substr(c.intermediate.key.offset, c.intermediate.key.length), root);
}

TEST(NoisePayloads, ClientPayload)
{
    const std::uint32_t version[3] = {2, 3000, 1017};
    const std::string p = encode_client_payload(4915112345678ull, true, 14, version, "Grace", 1, 1, 7);
    const ClientPayloadFields f = parse_client_payload(bytes(p), p.size());
    EXPECT_EQ(f.error, funxmpp::protobuf::Error::None);
    EXPECT_EQ(f.username.value, 4915112345678ull);
    EXPECT_EQ(f.passive.value, 1u);
    EXPECT_EQ(f.platform.value, 14u);
    ASSERT_EQ(f.version_parts, 3u);
    EXPECT_EQ(f.version[1], 3000u);
    EXPECT_EQ(p.substr(f.push_name.offset, f.push_name.length), "Grace");
    EXPECT_EQ(f.connect_type.value, 1u);
    EXPECT_EQ(f.connect_reason.value, 1u);
    EXPECT_EQ(f.device.value, 7u);
}

TEST(NoisePayloads, BadInputIsReportedNotRead)
{
    const std::string garbage = "\x0a\x7f\x01";  // a length beyond the end
    const CertChain c = parse_cert_chain(bytes(garbage), garbage.size());
    EXPECT_EQ(c.error, funxmpp::protobuf::Error::LengthBeyondEnd);
    EXPECT_FALSE(c.leaf.whole.present);
    const std::uint32_t version[3] = {2, 1, 1};
    const std::string p = encode_client_payload(1, false, 0, version, "x", 0, 0, 0);
    for (std::size_t cut = 0; cut < p.size(); ++cut) {
        const ClientPayloadFields f = parse_client_payload(bytes(p), cut);
        if (f.push_name.present) {
            EXPECT_LE(f.push_name.offset + f.push_name.length, cut);
        }
    }
}

}  // namespace
