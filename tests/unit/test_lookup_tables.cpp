// SPDX-License-Identifier: GPL-2.0-or-later
// The flat lookup structures the glue keeps its per-capture records in: DigestTable (payloads and
// key log lines by SHA-256) and ordered_find (units by stream position).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "codec/digest_table.hpp"
#include "codec/ordered_find.hpp"

using funxmpp::DigestTable;
using funxmpp::ordered_find;
using funxmpp::noise::Key32;

namespace {

std::vector<Key32> random_digests(std::size_t n, unsigned seed)
{
    std::mt19937 random(seed);
    std::vector<Key32> out(n);
    for (Key32 &d : out)
        for (auto &b : d)
            b = static_cast<std::uint8_t>(random());
    return out;
}

}  // namespace

TEST(DigestTable, FindsEveryDigestInsertedAndNoOther)
{
    const std::vector<Key32> digests = random_digests(20000, 1), others = random_digests(2000, 2);
    const auto digest_of = [&](std::uint32_t i) -> const Key32 & { return digests[i]; };
    DigestTable table;
    EXPECT_FALSE(table.find(digests[0], digest_of));  // empty
    for (std::uint32_t i = 0; i < digests.size(); ++i)  // grown many times on the way
        ASSERT_TRUE(table.insert(digests[i], i, digest_of));
    EXPECT_EQ(table.size(), digests.size());
    for (std::uint32_t i = 0; i < digests.size(); ++i)
        ASSERT_EQ(table.find(digests[i], digest_of), i);
    for (const Key32 &d : others)
        EXPECT_FALSE(table.find(d, digest_of));
    table.clear();
    EXPECT_EQ(table.size(), 0u);
    EXPECT_FALSE(table.find(digests[5], digest_of));
}

TEST(DigestTable, TheFirstNumberGivenADigestStays)
{
    std::vector<Key32> digests = random_digests(3, 3);
    digests[2] = digests[0];  // two key log lines naming one ciphertext
    const auto digest_of = [&](std::uint32_t i) -> const Key32 & { return digests[i]; };
    DigestTable table;
    EXPECT_TRUE(table.insert(digests[0], 0, digest_of));
    EXPECT_TRUE(table.insert(digests[1], 1, digest_of));
    EXPECT_FALSE(table.insert(digests[2], 2, digest_of));
    EXPECT_EQ(table.find(digests[2], digest_of), 0u);
    EXPECT_EQ(table.size(), 2u);
}

TEST(DigestTable, DigestsMadeToShareTheirHashAreToldApart)
{
    // The same four 8-byte words in other orders fold to one hash: every one lands on one slot
    // and is found by its whole digest.
    const Key32 base = random_digests(1, 4)[0];
    std::vector<Key32> digests;
    const int orders[][4] = {{0, 1, 2, 3}, {1, 0, 2, 3}, {2, 1, 0, 3}, {3, 2, 1, 0}, {0, 2, 1, 3}, {1, 3, 0, 2}};
    for (const auto &order : orders) {
        Key32 d{};
        for (int w = 0; w < 4; ++w)
            std::copy_n(base.begin() + 8 * order[w], 8, d.begin() + 8 * w);
        digests.push_back(d);
    }
    const auto digest_of = [&](std::uint32_t i) -> const Key32 & { return digests[i]; };
    DigestTable table;
    for (std::uint32_t i = 0; i < digests.size(); ++i)
        ASSERT_TRUE(table.insert(digests[i], i, digest_of));
    for (std::uint32_t i = 0; i < digests.size(); ++i)
        EXPECT_EQ(table.find(digests[i], digest_of), i);
}

namespace {
struct Entry {
    std::uint32_t key;
};
}  // namespace

TEST(OrderedFind, InOrderFromTheLastFoundAndByHalvesOtherwise)
{
    const std::vector<Entry> entries{{0}, {10}, {25}, {26}, {100}, {4000000000u}};
    const std::size_t n = entries.size();
    std::size_t cursor = 0;
    EXPECT_EQ(ordered_find(entries.data(), 0, 10, cursor), 0u);  // none
    // A pass in order: each found at or right after the last one.
    for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(ordered_find(entries.data(), n, entries[i].key, cursor), i);
        EXPECT_EQ(cursor, i);
        EXPECT_EQ(ordered_find(entries.data(), n, entries[i].key, cursor), i);  // the same again
    }
    // Jumps back and forth (a click in the GUI).
    EXPECT_EQ(ordered_find(entries.data(), n, 25, cursor), 2u);
    EXPECT_EQ(cursor, 2u);
    EXPECT_EQ(ordered_find(entries.data(), n, 0, cursor), 0u);
    EXPECT_EQ(ordered_find(entries.data(), n, 100, cursor), 4u);
    // Absent: between two entries, and past the last; the cursor stays where it was.
    EXPECT_EQ(ordered_find(entries.data(), n, 11, cursor), n);
    EXPECT_EQ(ordered_find(entries.data(), n, 4000000001u, cursor), n);
    EXPECT_EQ(ordered_find(entries.data(), n, 99, cursor), n);
    EXPECT_EQ(cursor, 4u);
    // A cursor left past the end (entries since dropped) is only a hint.
    cursor = 50;
    EXPECT_EQ(ordered_find(entries.data(), n, 26, cursor), 3u);
}
