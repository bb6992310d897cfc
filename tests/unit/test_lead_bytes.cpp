// SPDX-License-Identifier: GPL-2.0-or-later
// Every lead byte of spec 3.2 in a string slot, for every version: what it decodes to, or
// which error it gives. The expectations are written from the spec's table, not the decoder.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/decoder.hpp"
#include "helpers.hpp"

using namespace funxmpp;
using namespace funxmpp::test;

namespace {

struct Outcome {
    bool ok;
    Encoding encoding;       // when ok
    DecodeErrorKind error;   // when not
    std::string text;        // when ok
};

bool old_grammar(Version v) { return v.major == 0 || v.minor <= 2; }

// Spec 3.2, column by column. The suffix bytes the test appends are in `suffix_for`.
Outcome expected(const Dialect &d, unsigned b)
{
    const Version v = d.version;
    const bool old = old_grammar(v);
    const bool v16 = v == Version{1, 6};
    auto ok = [](Encoding e, std::string t) { return Outcome{true, e, DecodeErrorKind::None, std::move(t)}; };
    auto err = [](DecodeErrorKind k) { return Outcome{false, Encoding::Null, k, ""}; };
    auto primary = [&](unsigned byte) {
        std::string_view s = d.tokens->primary_at(static_cast<std::uint8_t>(byte));
        return s.empty() ? err(DecodeErrorKind::UnknownToken) : ok(Encoding::Token, std::string(s));
    };
    if (b == 0x00)
        return ok(Encoding::Null, "");
    if (b == 0x01 || b == 0x02)
        return err(DecodeErrorKind::InvalidLeadByte);
    if (b == 0x03 || b == 0x04)
        return old ? err(DecodeErrorKind::InvalidLeadByte) : primary(b);
    if (b <= 0xEB)
        return primary(b);
    if (b <= 0xEF) {
        if (old)
            return primary(b);
        if (v16) {  // page (b - 0xEC), byte 0x00 appended
            std::string_view s = d.tokens->secondary_at((b - 0xEC) * 256);
            return s.empty() ? err(DecodeErrorKind::UnknownToken) : ok(Encoding::SecondaryToken, std::string(s));
        }
        return b == 0xEC ? ok(Encoding::SecondaryToken, std::string(d.tokens->secondary_at(0)))
                         : err(DecodeErrorKind::InvalidLeadByte);
    }
    if (b <= 0xF4)
        return old ? primary(b) : err(DecodeErrorKind::InvalidLeadByte);
    switch (b) {
    case 0xFA: return ok(Encoding::Jid, "");  // FA 00 <server token>
    case 0xFB: return v16 ? ok(Encoding::Hex, "AB") : err(DecodeErrorKind::InvalidLeadByte);
    case 0xFC: return ok(Encoding::Binary8, "A");
    case 0xFD: return ok(v16 ? Encoding::Binary20 : Encoding::Binary24, "A");
    case 0xFE:
        if (v16)
            return ok(Encoding::Binary32, "A");
        // 1.0-1.4: extended token primary[0xF5 + 0]; no table has it
        return v == Version{1, 5} ? err(DecodeErrorKind::InvalidLeadByte) : err(DecodeErrorKind::UnknownToken);
    case 0xFF:
        return v.major == 1 && v.minor >= 5 ? ok(Encoding::Nibble, "12") : err(DecodeErrorKind::InvalidLeadByte);
    default: return err(DecodeErrorKind::InvalidLeadByte);  // 0xF5-0xF7, 0xF8/0xF9 (lists)
    }
}

std::vector<std::uint8_t> suffix_for(const Dialect &d, unsigned b)
{
    switch (b) {
    case 0xEC: case 0xED: case 0xEE: case 0xEF:
        return d.secondary == SecondaryTokens::None ? std::vector<std::uint8_t>{} : std::vector<std::uint8_t>{0x00};
    case 0xFA: return {0x00, token_byte(d, "s.whatsapp.net")};
    case 0xFB: return {0x01, 0xAB};
    case 0xFC: return {0x01, 'A'};
    case 0xFD: return {0x00, 0x00, 0x01, 'A'};
    case 0xFE: return d.version == Version{1, 6} ? std::vector<std::uint8_t>{0x00, 0x00, 0x00, 0x01, 'A'}
                                                  : std::vector<std::uint8_t>{0x00};
    case 0xFF: return {0x01, 0x12};
    default: return {};
    }
}

struct ValueCatcher : DecodeHandler {
    bool seen = false;
    Value value;
    std::string text;
    void attribute(const Value &, const Value &v) override
    {
        seen = true;
        value = v;
        text = v.is_jid() ? v.text() : std::string(v.str.bytes);
    }
};

class LeadBytes : public ::testing::TestWithParam<const char *> {};

TEST_P(LeadBytes, AttributeValueSlot)
{
    const Dialect &d = dialect(GetParam());
    for (unsigned b = 0; b < 256; ++b) {
        SCOPED_TRACE("lead byte " + std::to_string(b));
        std::vector<std::uint8_t> payload = {0xF8, 0x03, token_byte(d, "iq"), token_byte(d, "id"),
                                             static_cast<std::uint8_t>(b)};
        auto suffix = suffix_for(d, b);
        payload.insert(payload.end(), suffix.begin(), suffix.end());

        ValueCatcher c;
        DecodeResult r = decode_payload(d, payload.data(), payload.size(), c);
        Outcome want = expected(d, b);
        if (!want.ok) {
            EXPECT_EQ(r.error.kind, want.error) << error_kind_name(r.error.kind);
            EXPECT_EQ(r.error.offset, 4u);
            continue;
        }
        ASSERT_TRUE(r.ok()) << r.error.message();
        ASSERT_TRUE(c.seen);
        EXPECT_EQ(c.value.str.encoding, want.encoding) << encoding_name(c.value.str.encoding);
        EXPECT_EQ(c.value.str.offset, 4u);
        EXPECT_EQ(c.value.str.length, 1 + suffix.size()) << "the value spans its lead byte and what follows";
        EXPECT_EQ(c.value.str.lead, b);
        if (want.encoding == Encoding::Jid)
            EXPECT_EQ(c.text, "s.whatsapp.net");
        else
            EXPECT_EQ(c.text, want.text);
    }
}

TEST_P(LeadBytes, TagSlotReservedBytes)
{
    const Dialect &d = dialect(GetParam());
    EXPECT_EQ(xml_of(d, {0xF8, 0x01, 0x01}), "<stream:stream>");
    EXPECT_EQ(xml_of(d, {0xF8, 0x01, 0x02}), "</stream:stream>");
    EXPECT_EQ(xml_of(d, {0xF8, 0x01, 0x00}), "ERROR null tag @2");
    EXPECT_EQ(xml_of(d, {0xF8, 0x01, 0xF8}), "ERROR invalid lead byte @2");
}

TEST_P(LeadBytes, ContentSlot)
{
    const Dialect &d = dialect(GetParam());
    const std::uint8_t iq = token_byte(d, "iq"), id = token_byte(d, "id");
    EXPECT_EQ(xml_of(d, {0xF8, 0x02, iq, 0x00}), "<iq></iq>");               // empty child list
    EXPECT_EQ(xml_of(d, {0xF8, 0x02, iq, 0xF8, 0x00}), "<iq></iq>");
    EXPECT_EQ(xml_of(d, {0xF8, 0x02, iq, 0xF9, 0x00, 0x01, 0xF8, 0x01, id}), "<iq><id/></iq>");
    EXPECT_EQ(xml_of(d, {0xF8, 0x02, iq, 0xF8, 0x01, 0xF8, 0x01, id}), "<iq><id/></iq>");
    EXPECT_EQ(xml_of(d, {0xF8, 0x02, iq, 0xFC, 0x02, 'H', 'i'}), "<iq>Hi</iq>");
    EXPECT_EQ(xml_of(d, {0xF8, 0x02, iq, id}), "<iq>id</iq>");                // a token as data
    EXPECT_EQ(xml_of(d, {0xF8, 0x02, iq, 0x01}), "ERROR invalid lead byte @3");
}

TEST_P(LeadBytes, NodeListHeaders)
{
    const Dialect &d = dialect(GetParam());
    const std::uint8_t iq = token_byte(d, "iq");
    EXPECT_EQ(xml_of(d, {0xF9, 0x00, 0x01, iq}), "<iq/>");
    EXPECT_EQ(xml_of(d, {0x00, 0x01}), "ERROR empty node @0");
    EXPECT_EQ(xml_of(d, {0xF8, 0x00}), "ERROR empty node @0");
    EXPECT_EQ(xml_of(d, {0xFC, 0x01}), "ERROR invalid lead byte @0");
}

INSTANTIATE_TEST_SUITE_P(AllVersions, LeadBytes, ::testing::ValuesIn(kAllVersions), [](const auto &info) {
    std::string n = info.param;
    n[1] = '_';
    return "WA" + n;
});

}  // namespace
