// SPDX-License-Identifier: GPL-2.0-or-later
#include "noise/noise_keys.hpp"

#include <epan/packet.h>
#include <wsutil/wslog.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "cpp_scope.hpp"

namespace funxmpp::ws {

namespace {

const char *pref_keylog = nullptr;

// What has been read of the file so far (never on the stack of code that calls Wireshark:
// lookups copy what they find).
noise::KeyLogFile loaded;

// The path last found unreadable, warned about once.
std::string unreadable;

// The WA_SIGNAL_KEY lines by ciphertext hash (the first line naming one wins), for the lines
// read so far: a capture with thousands of payloads looks each up at once.
std::unordered_map<noise::Key32, std::size_t, noise::Key32Hash> signal_lines;
std::size_t signal_indexed = 0, signal_restarts = 0;

void index_signal_lines()
{
    if (loaded.restarts() != signal_restarts) {  // read again from its start: the indexes are stale
        signal_lines.clear();
        signal_indexed = 0;
        signal_restarts = loaded.restarts();
    }
    if (signal_lines.empty())  // (a whole log read at once: its buckets made once)
        signal_lines.reserve(loaded.lines().size());
    for (; signal_indexed < loaded.lines().size(); ++signal_indexed)
        if (loaded.lines()[signal_indexed].kind == noise::KeyLineKind::SignalKey)
            signal_lines.emplace(loaded.lines()[signal_indexed].ciphertext_sha256, signal_indexed);
}

void refresh()
{
    const std::string path = pref_keylog != nullptr ? pref_keylog : "";
    const std::vector<std::size_t> malformed = loaded.refresh(path);
    if (!path.empty() && !loaded.readable() && path != unreadable)
        ws_warning("funxmpp.noise_keylog %s: cannot be read", path.c_str());
    unreadable = !path.empty() && !loaded.readable() ? path : "";
    // Once per read, however many: a key log of thousands of bad lines is one warning.
    if (!malformed.empty())
        ws_warning("funxmpp.noise_keylog %s: %zu WA_ line%s that do%s not parse (the first: line %zu); expected "
                   "WA_NOISE_CLIENT, WA_NOISE_TRANSPORT or WA_SIGNAL_KEY and their hex keys",
                   path.c_str(), malformed.size(), malformed.size() == 1 ? "" : "s", malformed.size() == 1 ? "es" : "",
                   malformed.front());
}

NoiseKeyLookup found(std::size_t i)
{
    return NoiseKeyLookup{true, loaded.lines()[i], static_cast<guint32>(loaded.line_number(i))};
}

// Sets `r` when a line read so far names the ciphertext.
bool look_up_signal_line(const noise::Key32 &ciphertext_sha256, NoiseKeyLookup &r)
{
    index_signal_lines();
    const auto it = signal_lines.find(ciphertext_sha256);
    if (it == signal_lines.end())
        return false;
    r = found(it->second);
    return true;
}

// When a capture file is closed (or reloaded), the key log is read again from its start: a
// line corrected in place is seen then, as Wireshark does for the TLS key log.
void forget_key_log()
{
    loaded = noise::KeyLogFile{};
    unreadable.clear();
    cpp_scope([] { signal_lines.clear(); });
    signal_indexed = signal_restarts = 0;
}

}  // namespace

void register_noise_keylog(module_t *module)
{
    register_cleanup_routine(forget_key_log);
    prefs_register_filename_preference(module, "noise_keylog", "Noise key log file",
                                       "Secrets of successor (Noise) connections, one per line: WA_NOISE_CLIENT "
                                       "<client ephemeral public> <client ephemeral private> <client static private>, "
                                       "or WA_NOISE_TRANSPORT <client ephemeral public | -> <client-to-server key> "
                                       "<server-to-client key> (64 hex digits each), or WA_SIGNAL_KEY <SHA-256 of an "
                                       "end-to-end ciphertext> <AES-256 key> <IV>; lines of other labels (a TLS key "
                                       "log's) are skipped; read again as lines are added",
                                       &pref_keylog, FALSE);
}

NoiseKeyLookup noise_key_for(noise::KeyLineKind kind, const noise::Key32 &ephemeral_public)
{
    NoiseKeyLookup r{};
    cpp_scope([&] {
        refresh();
        for (std::size_t i = 0; i < loaded.lines().size(); ++i)
            if (loaded.lines()[i].kind == kind && loaded.lines()[i].ephemeral_public == ephemeral_public) {
                r = found(i);
                return;
            }
    });
    return r;
}

NoiseKeyLookup signal_key_for(const noise::Key32 &ciphertext_sha256)
{
    NoiseKeyLookup r{};
    cpp_scope([&] {
        // A payload whose line was read already needs no look at the file (the first line
        // naming a ciphertext wins): only a miss asks whether lines were added.
        if (loaded.path() != (pref_keylog != nullptr ? pref_keylog : "") || !look_up_signal_line(ciphertext_sha256, r)) {
            refresh();
            look_up_signal_line(ciphertext_sha256, r);
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
        for (std::size_t k = 0, seen = 0; k < loaded.lines().size(); ++k)
            if (loaded.lines()[k].kind == noise::KeyLineKind::TransportAnyone && seen++ == i) {
                r = found(k);
                return;
            }
    });
    return r;
}

const char *noise_keylog_problem()
{
    if (pref_keylog == nullptr || pref_keylog[0] == '\0')
        return "no key log (preference funxmpp.noise_keylog)";
    return loaded.readable() ? nullptr : "the key log file cannot be read";
}

}  // namespace funxmpp::ws
