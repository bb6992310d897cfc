// SPDX-License-Identifier: GPL-2.0-or-later
// The generated tables hold exactly what the data files say.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "codec/tokens.hpp"
#include "helpers.hpp"

using namespace funxmpp;

namespace {

struct Expected {
    const char *name;
    std::size_t entries;  // spec 4.1
};

class TokenFile : public ::testing::TestWithParam<Expected> {};

TEST_P(TokenFile, EveryLineIsInTheGeneratedTable)
{
    const Expected e = GetParam();
    const TokenDictionary *d = find_token_dictionary(e.name);
    ASSERT_NE(d, nullptr);
    std::ifstream in(std::string(FUNXMPP_TOKENS_DIR) + "/tokens-" + e.name + ".txt");
    ASSERT_TRUE(in);
    std::string line;
    std::size_t lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        auto tab = line.find('\t');
        std::string key = line.substr(0, tab), value = line.substr(tab + 1);
        if (key[0] == 'D') {
            std::size_t page = std::stoul(key.substr(1, key.find(':') - 1));
            std::size_t b = std::stoul(key.substr(key.find(':') + 1), nullptr, 16);
            EXPECT_EQ(d->secondary_at(page * 256 + b), value) << key;
        } else {
            EXPECT_EQ(d->primary_at(static_cast<std::uint8_t>(std::stoul(key, nullptr, 16))), value) << key;
        }
    }
    EXPECT_EQ(lines, e.entries);

    std::size_t slots = 0;
    for (unsigned b = 0; b < 256; ++b)
        slots += !d->primary_at(static_cast<std::uint8_t>(b)).empty();
    for (std::size_t i = 0; i < d->secondary_size; ++i)
        slots += !d->secondary_at(i).empty();
    EXPECT_EQ(slots, e.entries) << "the table has entries the file does not";
}

INSTANTIATE_TEST_SUITE_P(AllDictionaries, TokenFile,
                         ::testing::Values(Expected{"1.1", 238}, Expected{"1.2", 232}, Expected{"1.4", 385},
                                           Expected{"1.5", 457}, Expected{"1.6", 496}),
                         [](const auto &info) {
                             std::string n = info.param.name;
                             n[1] = '_';
                             return "WA" + n;
                         });

TEST(Tokens, SeedTableIndexesOfSpec43)
{
    const TokenDictionary *d = find_token_dictionary("1.5");
    EXPECT_EQ(d->primary_at(0x3B), "g.us");
    EXPECT_EQ(d->primary_at(0x41), "http://etherx.jabber.org/streams");
    EXPECT_EQ(d->primary_at(0x42), "http://jabber.org/protocol/chatstates");
    EXPECT_EQ(d->primary_at(0x90), "s.us");
    EXPECT_EQ(d->primary_at(0x91), "s.whatsapp.net");
    EXPECT_EQ(d->primary_at(0x40), "groups_v2");
}

TEST(Tokens, VersionsShareDictionariesAsTheSpecSays)
{
    EXPECT_EQ(dialect_for({1, 0})->tokens, find_token_dictionary("1.1"));
    EXPECT_EQ(dialect_for({1, 1})->tokens, find_token_dictionary("1.1"));
    EXPECT_EQ(dialect_for({0, 4})->tokens, find_token_dictionary("1.1"));
    EXPECT_EQ(dialect_for({1, 6})->tokens->secondary_at(256 + 6), "encrypt_group_gen2");
    EXPECT_EQ(dialect_for({1, 3}), nullptr);
    EXPECT_EQ(dialect_for({2, 1}), nullptr);
    EXPECT_EQ(find_token_dictionary("9.9"), nullptr);
}

}  // namespace
