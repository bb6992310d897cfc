// SPDX-License-Identifier: GPL-2.0-or-later
// The key log's line forms (DESIGN 2.6, 2.8), what is ignored, and what is malformed.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "codec/noise_keylog.hpp"

#include <unistd.h>

using namespace funxmpp::noise;

namespace {

const std::string kA(64, 'a'), kB = std::string(32, '0') + std::string(32, 'F'), kC(64, '7');

TEST(NoiseKeyLog, TheThreeForms)
{
    KeyLine k;
    ASSERT_EQ(parse_key_line("WA_NOISE_CLIENT " + kA + " " + kB + " " + kC, k), KeyLineParse::Secret);
    EXPECT_EQ(k.kind, KeyLineKind::Client);
    EXPECT_EQ(k.ephemeral_public[0], 0xAA);
    EXPECT_EQ(k.first[0], 0x00);
    EXPECT_EQ(k.first[31], 0xFF);  // either case
    EXPECT_EQ(k.second[5], 0x77);
    ASSERT_EQ(parse_key_line("WA_NOISE_TRANSPORT\t" + kA + "  " + kB + " " + kC + "\r", k), KeyLineParse::Secret);
    EXPECT_EQ(k.kind, KeyLineKind::Transport);
    ASSERT_EQ(parse_key_line("WA_NOISE_TRANSPORT - " + kB + " " + kC, k), KeyLineParse::Secret);
    EXPECT_EQ(k.kind, KeyLineKind::TransportAnyone);
    EXPECT_EQ(k.first[31], 0xFF);
}

TEST(NoiseKeyLog, SignalKey)
{
    KeyLine k;
    const std::string iv = "000102030405060708090a0b0c0d0E0F";
    ASSERT_EQ(parse_key_line("WA_SIGNAL_KEY " + kA + " " + kB + " " + iv, k), KeyLineParse::Secret);
    EXPECT_EQ(k.kind, KeyLineKind::SignalKey);
    EXPECT_EQ(k.ciphertext_sha256[31], 0xAA);
    EXPECT_EQ(k.first[0], 0x00);
    EXPECT_EQ(k.first[31], 0xFF);
    EXPECT_EQ(k.iv[0], 0x00);
    EXPECT_EQ(k.iv[15], 0x0F);
}

TEST(NoiseKeyLog, IgnoredAndMalformed)
{
    KeyLine k;
    EXPECT_EQ(parse_key_line("", k), KeyLineParse::Ignored);
    EXPECT_EQ(parse_key_line("   ", k), KeyLineParse::Ignored);
    EXPECT_EQ(parse_key_line("# WA_NOISE_CLIENT", k), KeyLineParse::Ignored);
    // Another key log's lines (TLS's, in a file that serves both preferences) are not ours.
    EXPECT_EQ(parse_key_line("CLIENT_RANDOM " + kA + " " + kB, k), KeyLineParse::Ignored);
    EXPECT_EQ(parse_key_line("CLIENT_HANDSHAKE_TRAFFIC_SECRET " + kA + " " + kB, k), KeyLineParse::Ignored);
    EXPECT_EQ(parse_key_line("this is not a key log line", k), KeyLineParse::Ignored);
    EXPECT_EQ(parse_key_line("WA_NOISE_SERVER " + kA + " " + kB + " " + kC, k), KeyLineParse::Malformed);
    EXPECT_EQ(parse_key_line("WA_SIGNAL_KEY " + kA + " " + kB, k), KeyLineParse::Malformed);  // no IV
    EXPECT_EQ(parse_key_line("WA_SIGNAL_KEY " + kA + " " + kB + " " + kC, k), KeyLineParse::Malformed);  // IV of 32 bytes
    EXPECT_EQ(parse_key_line("WA_SIGNAL_KEY " + kA + " " + kB + " " + kC.substr(0, 32) + " x", k),
              KeyLineParse::Malformed);
    EXPECT_EQ(parse_key_line("WA_NOISE_CLIENT - " + kB + " " + kC, k), KeyLineParse::Malformed);  // no "-" form
    EXPECT_EQ(parse_key_line("WA_NOISE_CLIENT " + kA + " " + kB, k), KeyLineParse::Malformed);
    EXPECT_EQ(parse_key_line("WA_NOISE_CLIENT " + kA + " " + kB + " " + kC + " extra", k), KeyLineParse::Malformed);
    EXPECT_EQ(parse_key_line("WA_NOISE_CLIENT " + kA + " " + kB + " " + kC.substr(1), k), KeyLineParse::Malformed);
    EXPECT_EQ(parse_key_line("WA_NOISE_CLIENT " + kA + " " + kB + " " + std::string(63, '7') + "g", k),
              KeyLineParse::Malformed);
}

TEST(NoiseKeyLog, WholeFile)
{
    const std::string text = "# keys\n\nWA_NOISE_CLIENT " + kA + " " + kB + " " + kC + "\nWA_nonsense\r\n" +
                             "WA_NOISE_TRANSPORT - " + kB + " " + kC;  // no end of line at the end
    KeyLog log = parse_key_log(text);
    ASSERT_EQ(log.lines.size(), 2u);
    EXPECT_EQ(log.lines[0].kind, KeyLineKind::Client);
    EXPECT_EQ(log.lines[1].kind, KeyLineKind::TransportAnyone);
    ASSERT_EQ(log.malformed.size(), 1u);
    EXPECT_EQ(log.malformed[0], 4u);
}

// A key log file of its own for each test, removed after it.
class NoiseKeyLogFile : public ::testing::Test {
protected:
    void SetUp() override
    {
        const int fd = mkstemp(path);
        ASSERT_GE(fd, 0);
        close(fd);
    }
    void TearDown() override { std::remove(path); }
    void append(const std::string &text) { std::ofstream(path, std::ios::app) << text; }
    char path[32] = "/tmp/funxmpp-keylog-XXXXXX";
};

TEST_F(NoiseKeyLogFile, ReadAsItGrows)
{
    KeyLogFile log;
    append("WA_NOISE_CLIENT " + kA + " " + kB + " " + kC + "\n");
    EXPECT_TRUE(log.refresh(path).empty());
    EXPECT_EQ(log.lines().size(), 1u);
    // A line still being written (no end of line yet) waits; a bad line is reported once.
    append("WA_junk\nWA_NOISE_TRANSPORT - " + kB);
    EXPECT_EQ(log.refresh(path), std::vector<std::size_t>{2});
    EXPECT_EQ(log.lines().size(), 1u);
    EXPECT_TRUE(log.refresh(path).empty());
    append(" " + kC + "\n");
    EXPECT_TRUE(log.refresh(path).empty());
    ASSERT_EQ(log.lines().size(), 2u);
    EXPECT_EQ(log.lines()[1].kind, KeyLineKind::TransportAnyone);
    EXPECT_EQ(log.line_number(1), 3u);
    // Another path starts over.
    EXPECT_TRUE(log.refresh("/nonexistent/keys").empty());
    EXPECT_TRUE(log.lines().empty());
}

// A long session's log (larger than any read buffer) read whole at once, then a line added.
TEST_F(NoiseKeyLogFile, ALargeLogThenAnAddedLine)
{
    std::string text;
    for (int i = 0; i < 3000; ++i) {
        char hash[65];
        std::snprintf(hash, sizeof hash, "%064X", i);
        text += std::string("WA_SIGNAL_KEY ") + hash + " " + kB + " " + std::string(32, 'c') + "\n";
        if (i % 1000 == 0)
            text += "CLIENT_RANDOM " + kA + " " + kA + kA + "\n";
    }
    append(text);
    KeyLogFile log;
    EXPECT_TRUE(log.refresh(path).empty());
    ASSERT_EQ(log.lines().size(), 3000u);
    EXPECT_EQ(log.lines()[2999].ciphertext_sha256[31], 2999 & 0xFF);
    EXPECT_EQ(log.lines()[2999].ciphertext_sha256[30], 2999 >> 8);
    EXPECT_EQ(log.line_number(2999), 3003u);
    append("WA_NOISE_CLIENT " + kA + " " + kB + " " + kC + "\n");
    EXPECT_TRUE(log.refresh(path).empty());
    ASSERT_EQ(log.lines().size(), 3001u);
    EXPECT_EQ(log.line_number(3000), 3004u);
}

// An editor or a script that writes the last line without an end of line: the secret is taken
// (a cut line is never a whole secret), and the end of line written later is not a new line.
TEST_F(NoiseKeyLogFile, LastLineWithoutEndOfLine)
{
    KeyLogFile log;
    append("# keys\nWA_NOISE_TRANSPORT " + kA + " " + kB + " " + kC.substr(0, 10));
    EXPECT_TRUE(log.refresh(path).empty());
    EXPECT_TRUE(log.lines().empty());
    append(kC.substr(10));
    EXPECT_TRUE(log.refresh(path).empty());
    ASSERT_EQ(log.lines().size(), 1u);
    EXPECT_EQ(log.line_number(0), 2u);
    append("\r\nWA_bad\nWA_NOISE_CLIENT " + kA + " " + kB + " " + kC);
    EXPECT_EQ(log.refresh(path), std::vector<std::size_t>{3});
    ASSERT_EQ(log.lines().size(), 2u);
    EXPECT_EQ(log.line_number(1), 4u);
    EXPECT_EQ(parse_key_log("WA_NOISE_TRANSPORT - " + kB + " " + kC).lines.size(), 1u);
    // The same name rewritten with a shorter log is read from its start.
    std::ofstream(path, std::ios::trunc) << "WA_NOISE_TRANSPORT - " << kB << " " << kC << "\n";
    const std::size_t restarts = log.restarts();
    EXPECT_TRUE(log.refresh(path).empty());
    ASSERT_EQ(log.lines().size(), 1u);
    EXPECT_EQ(log.lines()[0].kind, KeyLineKind::TransportAnyone);
    EXPECT_EQ(log.line_number(0), 1u);
    EXPECT_EQ(log.restarts(), restarts + 1);  // what was derived from the old lines is stale
}

}  // namespace
