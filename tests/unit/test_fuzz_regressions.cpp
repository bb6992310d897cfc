// SPDX-License-Identifier: GPL-2.0-or-later
// Every input saved under tests/fuzz/regressions/<target>/ (fuzzer findings, once fixed, and
// hand-made edge cases) runs through its fuzz target: no crash, no failed property.
#include <gtest/gtest.h>

#include <dirent.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/targets.hpp"

namespace {

std::vector<std::string> files_in(const std::string &dir)
{
    std::vector<std::string> out;
    if (DIR *d = opendir(dir.c_str())) {
        while (dirent *e = readdir(d))
            if (e->d_name[0] != '.')
                out.push_back(dir + "/" + e->d_name);
        closedir(d);
    }
    return out;
}

void replay(const char *target, void (*fn)(const std::uint8_t *, std::size_t))
{
    const std::string dir = std::string(FUNXMPP_FUZZ_REGRESSIONS) + "/" + target;
    std::vector<std::string> files = files_in(dir);
    ASSERT_FALSE(files.empty()) << "no inputs in " << dir;
    for (const std::string &f : files) {
        SCOPED_TRACE(f);
        std::ifstream in(f, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        fn(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
    }
}

TEST(FuzzRegressions, Framing) { replay("framing", funxmpp::fuzz::framing); }
TEST(FuzzRegressions, Decoder) { replay("decoder", funxmpp::fuzz::decoder); }
TEST(FuzzRegressions, Xml) { replay("xml", funxmpp::fuzz::xml); }
TEST(FuzzRegressions, Crypto) { replay("crypto", funxmpp::fuzz::crypto); }
TEST(FuzzRegressions, Handshake) { replay("handshake", funxmpp::fuzz::handshake); }
TEST(FuzzRegressions, Envelope) { replay("envelope", funxmpp::fuzz::envelope); }
TEST(FuzzRegressions, MdDecoder) { replay("md_decoder", funxmpp::fuzz::md_decoder); }
TEST(FuzzRegressions, NoiseStream) { replay("noise_stream", funxmpp::fuzz::noise_stream); }
TEST(FuzzRegressions, Media) { replay("media", funxmpp::fuzz::media); }

}  // namespace
