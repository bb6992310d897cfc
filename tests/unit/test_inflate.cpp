// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "codec/inflate.hpp"

namespace {

using funxmpp::inflate_bounded;
using funxmpp::InflateCheck;

std::vector<std::uint8_t> zlib_of(const std::string &text)
{
    uLongf size = compressBound(text.size());
    std::vector<std::uint8_t> out(size);
    EXPECT_EQ(compress(out.data(), &size, reinterpret_cast<const Bytef *>(text.data()), text.size()), Z_OK);
    out.resize(size);
    return out;
}

TEST(Inflate, WholeStreamWithinTheLimit)
{
    const std::string text(100000, 'x');
    const std::vector<std::uint8_t> z = zlib_of(text);
    std::vector<std::uint8_t> out;
    EXPECT_EQ(inflate_bounded(z.data(), z.size(), text.size(), &out), InflateCheck::Whole);
    EXPECT_EQ(std::string(out.begin(), out.end()), text);
    EXPECT_EQ(inflate_bounded(z.data(), z.size(), text.size(), nullptr), InflateCheck::Whole);
}

// A few hundred bytes that claim far more than the limit stop there, not at their end.
TEST(Inflate, StopsPastTheLimit)
{
    const std::vector<std::uint8_t> z = zlib_of(std::string(64u << 20, '\0'));
    ASSERT_LT(z.size(), 100000u);
    std::vector<std::uint8_t> out;
    EXPECT_EQ(inflate_bounded(z.data(), z.size(), 1u << 20, &out), InflateCheck::TooLarge);
    EXPECT_LE(out.size(), 1u << 20);
}

TEST(Inflate, DamagedStreams)
{
    const std::vector<std::uint8_t> z = zlib_of("<iq id=\"1\"/> and some more text to compress");
    std::vector<std::uint8_t> cut(z.begin(), z.end() - 6);
    EXPECT_EQ(inflate_bounded(cut.data(), cut.size(), 1000, nullptr), InflateCheck::Damaged);
    std::vector<std::uint8_t> bad_checksum = z;
    bad_checksum.back() ^= 1;
    EXPECT_EQ(inflate_bounded(bad_checksum.data(), bad_checksum.size(), 1000, nullptr), InflateCheck::Damaged);
    const std::vector<std::uint8_t> raw_deflate(z.begin() + 2, z.end() - 4);  // no zlib header
    EXPECT_EQ(inflate_bounded(raw_deflate.data(), raw_deflate.size(), 1000, nullptr), InflateCheck::Damaged);
    EXPECT_EQ(inflate_bounded(nullptr, 0, 1000, nullptr), InflateCheck::Damaged);
}

}  // namespace
