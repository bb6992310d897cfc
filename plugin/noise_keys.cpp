// SPDX-License-Identifier: GPL-2.0-or-later
#include "noise_keys.hpp"

#include <wsutil/wslog.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cpp_scope.hpp"

namespace funxmpp::ws {

namespace {

const char *pref_keylog = nullptr;

// What has been read of the file so far. C++ objects, but never on the stack of code that
// calls Wireshark: lookups copy what they find.
struct LoadedKeyLog {
    std::string path;
    long offset = 0;          // bytes consumed (complete lines only)
    std::size_t lines_read = 0;
    std::vector<noise::KeyLine> secrets;
    std::vector<guint32> numbers;  // line number of each secret
};
LoadedKeyLog loaded;

// Reads what was appended since the last time (or everything, for a new path).
void refresh()
{
    const std::string path = pref_keylog != nullptr ? pref_keylog : "";
    if (path != loaded.path) {
        loaded = LoadedKeyLog{};
        loaded.path = path;
    }
    if (path.empty())
        return;
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
        return;
    std::string fresh;
    if (std::fseek(f, loaded.offset, SEEK_SET) == 0) {
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;)
            fresh.append(buffer, n);
    }
    std::fclose(f);
    const std::size_t complete = fresh.rfind('\n');
    if (complete == std::string::npos)
        return;  // a line still being written: wait for its end
    fresh.resize(complete + 1);
    loaded.offset += static_cast<long>(fresh.size());
    for (std::size_t at = 0; at < fresh.size();) {
        const std::size_t end = fresh.find('\n', at);
        const std::string_view line(fresh.data() + at, end - at);
        at = end + 1;
        ++loaded.lines_read;
        noise::KeyLine k;
        switch (noise::parse_key_line(line, k)) {
        case noise::KeyLineParse::Secret:
            loaded.secrets.push_back(k);
            loaded.numbers.push_back(static_cast<guint32>(loaded.lines_read));
            break;
        case noise::KeyLineParse::Malformed:
            // Each line is read once, so it is reported once.
            ws_warning("funxmpp.noise_keylog %s, line %zu: not a WA_NOISE_CLIENT or WA_NOISE_TRANSPORT line",
                       path.c_str(), loaded.lines_read);
            break;
        case noise::KeyLineParse::Ignored: break;
        }
    }
}

NoiseKeyLookup found(std::size_t i)
{
    return NoiseKeyLookup{true, loaded.secrets[i], loaded.numbers[i]};
}

}  // namespace

void register_noise_keylog(module_t *module)
{
    prefs_register_filename_preference(module, "noise_keylog", "Noise key log file",
                                       "Secrets of successor (Noise) connections, one per line: WA_NOISE_CLIENT "
                                       "<client ephemeral public> <client ephemeral private> <client static private>, "
                                       "or WA_NOISE_TRANSPORT <client ephemeral public | -> <client-to-server key> "
                                       "<server-to-client key> (64 hex digits each); read again as lines are added",
                                       &pref_keylog, FALSE);
}

NoiseKeyLookup noise_key_for(noise::KeyLineKind kind, const noise::Key32 &ephemeral_public)
{
    NoiseKeyLookup r{};
    cpp_scope([&] {
        refresh();
        for (std::size_t i = 0; i < loaded.secrets.size(); ++i)
            if (loaded.secrets[i].kind == kind && loaded.secrets[i].ephemeral_public == ephemeral_public) {
                r = found(i);
                return;
            }
    });
    return r;
}

NoiseKeyLookup noise_anonymous_key(std::size_t i)
{
    NoiseKeyLookup r{};
    cpp_scope([&] {
        if (i == 0)
            refresh();
        for (std::size_t k = 0, seen = 0; k < loaded.secrets.size(); ++k)
            if (loaded.secrets[k].kind == noise::KeyLineKind::TransportAnyone && seen++ == i) {
                r = found(k);
                return;
            }
    });
    return r;
}

}  // namespace funxmpp::ws
