// SPDX-License-Identifier: GPL-2.0-or-later
#include "noise/noise_keys.hpp"

#include <epan/packet.h>
#include <wsutil/wslog.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/digest_table.hpp"

#include "cpp_scope.hpp"

namespace funxmpp::ws {

namespace {

const char *pref_keylog = nullptr;

// What has been read of the file so far (never on the stack of code that calls Wireshark:
// lookups copy what they find).
noise::KeyLogFile loaded;

// The path last found unreadable, warned about once.
std::string unreadable;

// The lines read so far, indexed: the WA_SIGNAL_KEY lines by ciphertext hash (the first line
// naming one wins; a capture with thousands of payloads looks each up at once), and the few
// Noise lines apart, so that a connection's lookup does not read through a hundred thousand
// payload keys.
DigestTable signal_lines;
std::vector<bool> shadowed;  // a WA_SIGNAL_KEY line not in the table (an earlier one names its ciphertext)
std::vector<std::size_t> noise_lines;
std::size_t lines_indexed = 0, index_restarts = 0;

// A client writes a payload's line as it encrypts or decrypts it, so a capture meets the lines
// mostly in their order: the line after the last one found is tried first. Read in order, it
// is in the cache; the table's slot, anywhere in megabytes, is a miss each (most of the time a
// payload's lookup took).
std::size_t next_guess = 0;

const noise::Key32 &ciphertext_of(std::uint32_t line) { return loaded.lines()[line].ciphertext_sha256; }

void index_lines()
{
    if (loaded.restarts() != index_restarts) {  // read again from its start: the indexes are stale
        signal_lines.clear();
        shadowed.clear();
        noise_lines.clear();
        lines_indexed = next_guess = 0;
        index_restarts = loaded.restarts();
    }
    signal_lines.reserve(loaded.lines().size());  // (a whole log read at once: its table made once)
    shadowed.resize(loaded.lines().size());
    for (; lines_indexed < loaded.lines().size(); ++lines_indexed) {
        if (loaded.lines()[lines_indexed].kind != noise::KeyLineKind::SignalKey)
            noise_lines.push_back(lines_indexed);
        else if (lines_indexed > UINT32_MAX ||
                 !signal_lines.insert(loaded.lines()[lines_indexed].ciphertext_sha256,
                                      static_cast<std::uint32_t>(lines_indexed), ciphertext_of))
            shadowed[lines_indexed] = true;
    }
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
    index_lines();
    const std::vector<noise::KeyLine> &lines = loaded.lines();
    std::optional<std::size_t> line;
    if (next_guess < lines.size() && lines[next_guess].kind == noise::KeyLineKind::SignalKey &&
        lines[next_guess].ciphertext_sha256 == ciphertext_sha256 && !shadowed[next_guess])
        line = next_guess;
    else
        line = signal_lines.find(ciphertext_sha256, ciphertext_of);
    if (!line)
        return false;
    next_guess = *line + 1;
    r = found(*line);
    return true;
}

// When a capture file is closed (or reloaded), the key log is read again from its start: a
// line corrected in place is seen then, as Wireshark does for the TLS key log.
void forget_key_log()
{
    loaded = noise::KeyLogFile{};
    unreadable.clear();
    cpp_scope([] {
        signal_lines.clear();
        std::vector<bool>().swap(shadowed);
        std::vector<std::size_t>().swap(noise_lines);
    });
    lines_indexed = index_restarts = next_guess = 0;
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
        index_lines();
        for (const std::size_t i : noise_lines)
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
        index_lines();
        std::size_t seen = 0;
        for (const std::size_t k : noise_lines)
            if (loaded.lines()[k].kind == noise::KeyLineKind::TransportAnyone && seen++ == i) {
                r = found(k);
                return;
            }
    });
    return r;
}

bool noise_keylog_set()
{
    return pref_keylog != nullptr && pref_keylog[0] != '\0';
}

const char *noise_keylog_problem()
{
    if (pref_keylog == nullptr || pref_keylog[0] == '\0')
        return "no key log (preference funxmpp.noise_keylog)";
    return loaded.readable() ? nullptr : "the key log file cannot be read";
}

}  // namespace funxmpp::ws
