// SPDX-License-Identifier: GPL-2.0-or-later
// encode -> decode gives back the tree, for thousands of random trees in every version.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "codec/encoder.hpp"
#include "codec/tree.hpp"
#include "helpers.hpp"

using namespace funxmpp;

namespace {

class TreeMaker {
public:
    TreeMaker(const Dialect &d, std::uint32_t seed) : d_(d), rng_(seed)
    {
        for (unsigned b = d.token_min; b <= d.token_max; ++b)
            if (!d.tokens->primary_at(static_cast<std::uint8_t>(b)).empty())
                tokens_.emplace_back(d.tokens->primary_at(static_cast<std::uint8_t>(b)));
        for (std::size_t i = 0; i < d.tokens->secondary_size; ++i)
            if (!d.tokens->secondary_at(i).empty())
                tokens_.emplace_back(d.tokens->secondary_at(i));
    }

    Node node(int depth)
    {
        Node n = Node::element(name());
        int attrs = pick(5);
        for (int i = 0; i < attrs; ++i)
            n.attr(name(), value());
        switch (depth > 3 ? pick(2) : pick(4)) {
        case 0: break;
        case 1: n.text(data()); break;
        case 2: n.empty_children(); break;
        default: {
            int kids = 1 + pick(4);
            for (int i = 0; i < kids; ++i)
                n.child(node(depth + 1));
        }
        }
        return n;
    }

private:
    int pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }
    std::string token() { return tokens_[rng_() % tokens_.size()]; }
    std::string chars(const char *alphabet, std::size_t len)
    {
        std::string s;
        std::size_t n = std::strlen(alphabet);
        for (std::size_t i = 0; i < len; ++i)
            s += alphabet[rng_() % n];
        return s;
    }
    std::string name() { return pick(3) ? token() : "x" + chars("abcdefghijklmnopqrstuvwxyz_:", 1 + pick(12)); }
    std::string value()
    {
        switch (pick(9)) {
        case 0: return token();
        case 1: return chars("0123456789", 1 + pick(20));                       // nibble-packable
        case 2: return chars("0123456789-.", 1 + pick(140));                    // sometimes too long to pack
        case 3: return chars("0123456789ABCDEF", 1 + pick(40));                 // hex-packable in 1.6
        case 4: return chars("0123456789", 10 + pick(4)) + "@s.whatsapp.net";   // JID
        case 5: return chars("0123456789", 12) + "-" + chars("0123456789", 10) + "@g.us";
        case 6: return "";
        case 7: return data();
        default: return chars("abcdefghijklmnopqrstuvwxyz ABCDEF.-_/&<>\"'", pick(30));
        }
    }
    std::string data()
    {
        std::size_t len = pick(10) == 0 ? 256 + rng_() % 70000 : rng_() % 64;  // binary8 and binary24/20
        std::string s(len, '\0');
        for (auto &c : s)
            c = static_cast<char>(rng_());
        return s;
    }

    const Dialect &d_;
    std::mt19937 rng_;
    std::vector<std::string> tokens_;
};

class RoundTrip : public ::testing::TestWithParam<const char *> {};

TEST_P(RoundTrip, ThousandsOfRandomTrees)
{
    const Dialect &d = test::dialect(GetParam());
    TreeMaker maker(d, 20260101);
    for (int i = 0; i < 3000; ++i) {
        Node tree = maker.node(0);
        std::string bytes = encode_node(d, tree);
        Node back;
        DecodeResult r = decode_tree(d, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size(), back);
        ASSERT_TRUE(r.ok()) << "tree " << i << ": " << r.error.message() << " at " << r.error.offset;
        ASSERT_EQ(back, tree) << "tree " << i << "\n" << to_xml(tree) << "\n" << to_xml(back);
        // The XML of the decoded bytes is the XML of the tree the encoder was given.
        ASSERT_EQ(test::xml_of(d, std::vector<std::uint8_t>(bytes.begin(), bytes.end())), to_xml(tree));
    }
}

TEST_P(RoundTrip, StreamStartAndEnd)
{
    const Dialect &d = test::dialect(GetParam());
    for (const Node &n : {Node::stream_start().attr("to", "s.whatsapp.net").attr("resource", "Android-2.12.84"),
                          Node::stream_end()}) {
        std::string bytes = encode_node(d, n);
        Node back;
        ASSERT_TRUE(decode_tree(d, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size(), back).ok());
        EXPECT_EQ(back, n);
    }
}

INSTANTIATE_TEST_SUITE_P(AllVersions, RoundTrip, ::testing::ValuesIn(test::kAllVersions), [](const auto &info) {
    std::string n = info.param;
    n[1] = '_';
    return "WA" + n;
});

}  // namespace
