// SPDX-License-Identifier: GPL-2.0-or-later
#include "noise/noise_decrypt.hpp"

#include <cstring>
#include <optional>
#include <string>

#include "codec/handshake.hpp"
#include "codec/noise.hpp"
#include "cpp_scope.hpp"
#include "noise/noise_keys.hpp"

namespace funxmpp::ws {

using noise::FrameRole;
using noise::Key32;

namespace {

const guint8 *keep(const std::string &bytes)
{
    return static_cast<const guint8 *>(wmem_memdup(wmem_file_scope(), bytes.data(), bytes.size()));
}

Key32 key_of(const guint8 *p)
{
    Key32 k;
    std::memcpy(k.data(), p, k.size());
    return k;
}

const char *line_source(const char *form, guint32 line)
{
    return wmem_strdup_printf(wmem_file_scope(), "%s (key log line %u)", form, line);
}

// Copies the value of field `number` of a handshake message (file scope); false if absent.
bool keep_field(const noise::HandshakeMessage &m, const guint8 *payload, std::uint32_t number, const guint8 *&out,
                guint32 &length)
{
    const noise::HandshakeItem *item = m.find(number);
    if (item == nullptr || item->wrong_wire_type)
        return false;
    out = static_cast<const guint8 *>(wmem_memdup(wmem_file_scope(), payload + item->field.value_offset,
                                                  item->field.value_length));
    length = static_cast<guint32>(item->field.value_length);
    return true;
}

std::string_view view(const guint8 *p, guint32 n)
{
    return p != nullptr ? std::string_view(reinterpret_cast<const char *>(p), n) : std::string_view();
}

// WA_NOISE_CLIENT: the XX handshake run as far as the messages seen so far allow.
const NoiseOpenedHandshake *open_handshake(NoiseConnection *nc, bool whole)
{
    NoiseCrypto &c = nc->crypto;
    if (!c.have_ephemeral || !nc->version_known)
        return nullptr;
    const NoiseKeyLookup line = noise_key_for(noise::KeyLineKind::Client, key_of(c.client_ephemeral));
    if (!line.found)
        return nullptr;
    c.client_line_looked_up = c.client_line_found = true;
    auto *o = wmem_new0(wmem_file_scope(), NoiseOpenedHandshake);
    o->line_number = line.line_number;
    bool keys = false;
    const bool ran = cpp_scope([&] {
        const char prologue[4] = {'W', 'A', static_cast<char>(nc->version.major), static_cast<char>(nc->version.minor)};
        noise::XxObserved seen{view(c.client_ephemeral, 32),
                               view(c.server_ephemeral, c.server_ephemeral_length),
                               view(c.server_static, c.server_static_length),
                               view(c.server_payload, c.server_payload_length),
                               view(c.client_static, c.client_static_length),
                               view(c.client_payload, c.client_payload_length)};
        const noise::XxOpened r = noise::open_xx_handshake(std::string_view(prologue, 4), seen, line.line.first, line.line.second);
        o->problem = static_cast<guint8>(r.problem);
        const bool past_server_static = r.problem == noise::XxProblem::None || r.problem > noise::XxProblem::ServerStatic;
        o->server_static_known = past_server_static && r.problem != noise::XxProblem::Refused;
        std::memcpy(o->server_static, r.server_static.data(), 32);
        if (!r.certificate.empty()) {
            o->certificate = keep(r.certificate);
            o->certificate_length = static_cast<guint32>(r.certificate.size());
        }
        if (whole && (r.problem == noise::XxProblem::None || r.problem == noise::XxProblem::ClientPayload)) {
            o->client_static_known = true;
            std::memcpy(o->client_static, r.client_static.data(), 32);
        }
        if (whole && r.problem == noise::XxProblem::None) {
            o->client_payload = keep(r.client_payload);
            o->client_payload_length = static_cast<guint32>(r.client_payload.size());
            std::memcpy(c.key[0], r.c2s.data(), 32);
            std::memcpy(c.key[1], r.s2c.data(), 32);
            keys = true;
        }
    });
    if (!ran)
        o->problem = static_cast<guint8>(noise::XxProblem::Refused);
    if (keys) {
        c.keys_known = true;
        c.key_source = line_source("WA_NOISE_CLIENT", line.line_number);
    }
    return o;
}

// "-" lines are tried on this many frames of each direction: one opens the first frame, but
// when that frame was lost or damaged the next ones still find the line.
constexpr guint8 kAnonymousTries = 8;

// The keys a transport frame of `dir` is tried with: a WA_NOISE_TRANSPORT line naming the
// connection, else "-" lines, taken where one opens a frame of the direction's first few.
void find_transport_keys(NoiseConnection *nc, int dir, std::uint32_t counter, std::string_view sealed)
{
    NoiseCrypto &c = nc->crypto;
    if (c.keys_known)
        return;
    if (!c.named_lines_looked_up && c.have_ephemeral) {
        c.named_lines_looked_up = true;
        const NoiseKeyLookup line = noise_key_for(noise::KeyLineKind::Transport, key_of(c.client_ephemeral));
        if (line.found) {
            std::memcpy(c.key[0], line.line.first.data(), 32);
            std::memcpy(c.key[1], line.line.second.data(), 32);
            c.keys_known = true;
            c.key_source = line_source("WA_NOISE_TRANSPORT", line.line_number);
            return;
        }
    }
    if (c.anonymous_tries[dir] >= kAnonymousTries)
        return;
    ++c.anonymous_tries[dir];
    for (std::size_t i = 0;; ++i) {
        const NoiseKeyLookup line = noise_anonymous_key(i);
        if (!line.found)
            return;
        bool opens = false;
        cpp_scope([&] { opens = noise::gcm_open(dir == 0 ? line.line.first : line.line.second, counter, sealed).has_value(); });
        if (opens) {
            std::memcpy(c.key[0], line.line.first.data(), 32);
            std::memcpy(c.key[1], line.line.second.data(), 32);
            c.keys_known = true;
            c.key_source = line_source("WA_NOISE_TRANSPORT -", line.line_number);
            return;
        }
    }
}

// Why a transport frame has no key, as the analyst would want to be told.
const char *no_key_reason(NoiseCrypto &c, noise::Pattern pattern)
{
    if (const char *problem = noise_keylog_problem())
        return problem;
    const bool not_xx = pattern == noise::Pattern::IK || pattern == noise::Pattern::XXfallback;
    if (not_xx && !c.client_line_looked_up && c.have_ephemeral) {  // once: the XX path looks it up itself
        c.client_line_looked_up = true;
        c.client_line_found = noise_key_for(noise::KeyLineKind::Client, key_of(c.client_ephemeral)).found;
    }
    if (c.client_line_found)
        return not_xx ? "a WA_NOISE_CLIENT line runs the XX handshake only: this connection needs a WA_NOISE_TRANSPORT line"
                      : "the key log's WA_NOISE_CLIENT line did not open the handshake";
    if (!c.have_ephemeral)
        return "the connection's ClientHello is not in the capture, and no WA_NOISE_TRANSPORT - line opens its "
               "first frames";
    return "no key log line names the connection's ephemeral key, and no WA_NOISE_TRANSPORT - line opens its first "
           "frames";
}

}  // namespace

void learn_noise_secrets(NoiseConnection *nc, int dir, NoiseUnitRecord &rec, const guint8 *payload, guint32 length)
{
    NoiseCrypto &c = nc->crypto;
    const FrameRole role = rec.frame.role;
    if (role != FrameRole::Transport) {
        const noise::HandshakeMessage m = noise::parse_handshake(payload, length);
        if (role == FrameRole::ClientHello) {
            const noise::HandshakeItem *e = m.find(1);
            if (e != nullptr && !e->wrong_wire_type && e->field.value_length == 32) {
                std::memcpy(c.client_ephemeral, payload + e->field.value_offset, 32);
                c.have_ephemeral = true;
            }
        } else if (role == FrameRole::ServerHello) {
            keep_field(m, payload, 1, c.server_ephemeral, c.server_ephemeral_length);
            keep_field(m, payload, 2, c.server_static, c.server_static_length);
            keep_field(m, payload, 3, c.server_payload, c.server_payload_length);
            if (rec.frame.pattern == noise::Pattern::XX)
                rec.opened = open_handshake(nc, false);
        } else {
            keep_field(m, payload, 1, c.client_static, c.client_static_length);
            keep_field(m, payload, 2, c.client_payload, c.client_payload_length);
            if (rec.frame.pattern == noise::Pattern::XX)
                rec.opened = open_handshake(nc, true);
        }
        return;
    }
    const std::string_view sealed(reinterpret_cast<const char *>(payload), length);
    find_transport_keys(nc, dir, rec.frame.counter, sealed);
    if (!c.keys_known) {
        rec.no_key_why = no_key_reason(c, rec.frame.pattern);
        return;
    }
    rec.decrypt_tried = true;
    rec.key_source = c.key_source;
    cpp_scope([&] {
        const std::optional<std::string> plain = noise::gcm_open(key_of(c.key[dir]), rec.frame.counter, sealed);
        if (!plain)
            return;
        rec.tag_valid = true;
        rec.plaintext = keep(*plain);
        rec.plaintext_length = static_cast<guint32>(plain->size());
    });
}

}  // namespace funxmpp::ws
