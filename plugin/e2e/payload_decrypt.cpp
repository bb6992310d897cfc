// SPDX-License-Identifier: GPL-2.0-or-later
#include "e2e/payload_decrypt.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "codec/digest_table.hpp"

#include "cpp_scope.hpp"
#include "e2e/media_transfer.hpp"
#include "noise/noise_keys.hpp"

namespace funxmpp::ws {

namespace {

// What is kept of a payload a line names: the outcome, and an opened one's Message bytes (in
// Wireshark's file scope, a block allocator freed at once when the file closes: small
// allocations per payload living on among the many short-lived ones of each packet would
// fragment the heap and slow every later allocation).
struct Kept {
    noise::Key32 ciphertext_sha256;
    const char *message;
    std::uint32_t message_length;
    guint32 line_number;
    PayloadOutcome::Status status;
    e2e::PayloadFault fault;
};

// Every payload of the file a line named, in the order they were first opened, and the same
// found by its ciphertext's SHA-256 (indexed when a lookup needs it); emptied when the file
// closes.
std::vector<Kept> kept;
DigestTable kept_by_hash;
std::size_t kept_indexed = 0;

// Payloads are met again near where they were kept: a packet reads each of its payloads for its
// Info column, then for its tree (a group message carries one per device: up to kNearby are
// found again so), and every later pass goes in the first one's order. Those entries are in
// the cache; a table slot, anywhere in megabytes, is a cache miss (measured: a few
// microseconds each in a large capture's pass).
constexpr std::size_t kNearby = 32;
std::size_t last_found = 0;

const noise::Key32 &ciphertext_of(std::uint32_t i) { return kept[i].ciphertext_sha256; }

// `first_pass`: a payload not among the last ones kept is taken as new (one seen in an earlier
// frame too is opened again, to the same outcome); later, the whole file's are looked in.
const Kept *find_kept(const noise::Key32 &hash, bool first_pass)
{
    const std::size_t end = std::min(kept.size(), first_pass ? kept.size() : last_found + 2);
    for (std::size_t i = end; i-- > end - std::min(end, kNearby + 1);)
        if (kept[i].ciphertext_sha256 == hash) {
            last_found = i;
            return &kept[i];
        }
    if (first_pass)
        return nullptr;
    for (; kept_indexed < kept.size(); ++kept_indexed)
        kept_by_hash.insert(kept[kept_indexed].ciphertext_sha256, static_cast<std::uint32_t>(kept_indexed), ciphertext_of);
    const std::optional<std::uint32_t> i = kept_by_hash.find(hash, ciphertext_of);
    if (!i)
        return nullptr;
    last_found = *i;
    return &kept[*i];
}

// Throws what allocation throws.
const Kept &keep(const noise::Key32 &hash, const std::string &message, guint32 line_number, PayloadOutcome::Status status,
                 e2e::PayloadFault fault)
{
    const char *bytes = message.empty() ? "" : static_cast<const char *>(wmem_memdup(wmem_file_scope(), message.data(), message.size()));
    kept.push_back(Kept{hash, bytes, static_cast<std::uint32_t>(message.size()), line_number, status, fault});
    last_found = kept.size() - 1;
    return kept.back();
}

void forget_kept()
{
    cpp_scope([] {
        std::vector<Kept>().swap(kept);
        kept_by_hash.clear();
        kept_indexed = last_found = 0;
    });
}

// The Messages read last, by their bytes: reading one is a pure function of its bytes, so what
// is at hand is what reading again would give. A packet reads each of its payloads twice (its
// Info column, then its tree), a stanza may carry several (one per device of a group).
struct Read {
    bool used = false;
    std::string bytes;
    e2e::DecodedMessage decoded;
};
std::array<Read, 32> recent;  // a group message fanned out to that many devices reads no payload twice
std::size_t next_slot = 0;

void forget_reads()
{
    cpp_scope([] {
        for (Read &r : recent)
            r = Read{};
        next_slot = 0;
    });
}

// Throws what allocation throws.
const e2e::DecodedMessage &read_message(const std::string_view bytes)
{
    for (const Read &r : recent)
        if (r.used && r.bytes == bytes)
            return r.decoded;
    static const e2e::ProtoSchema &schema = e2e::waproto_schema();
    static const int message = schema.message_index("Message");
    Read &r = recent[next_slot];
    next_slot = (next_slot + 1) % recent.size();
    r.used = false;
    r.bytes.assign(bytes);
    r.decoded = e2e::decode_message(schema, message, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
    r.used = true;
    return r.decoded;
}

}  // namespace

void register_payload_decrypt()
{
    register_cleanup_routine(forget_kept);
    register_cleanup_routine(forget_reads);
}

PayloadOutcome open_signal_payload(packet_info *pinfo, const std::uint8_t *ciphertext, std::size_t length)
{
    PayloadOutcome r{PayloadOutcome::NoKeyLog, e2e::PayloadFault::None, 0, nullptr, 0, nullptr, nullptr};
    if (const char *problem = noise_keylog_problem(); problem != nullptr) {
        r.why = problem;
        return r;
    }
    const std::string_view bytes(reinterpret_cast<const char *>(ciphertext), length);
    std::optional<noise::Key32> hash;
    cpp_scope([&] { hash = noise::sha256_digest(bytes); });
    if (!hash) {
        r.status = PayloadOutcome::Fault;
        r.fault = e2e::PayloadFault::Crypto;
        return r;
    }
    const Kept *k = nullptr;
    const e2e::DecodedMessage *decoded = nullptr;
    cpp_scope([&] {
        const Kept *found = find_kept(*hash, !PINFO_FD_VISITED(pinfo));
        const bool new_here = found == nullptr;
        if (found == nullptr) {
            const NoiseKeyLookup line = signal_key_for(*hash);
            if (!line.found) {  // not kept: the line may be written later (a live capture)
                static const Kept none{{}, "", 0, 0, PayloadOutcome::NoLine, e2e::PayloadFault::None};
                k = &none;
                return;
            }
            const e2e::OpenedPayload p = e2e::open_payload(bytes, line.line.first, line.line.iv);
            found = &keep(*hash, p.message, line.line_number,
                          p.fault == e2e::PayloadFault::None ? PayloadOutcome::Opened : PayloadOutcome::Fault, p.fault);
        }
        if (found->status == PayloadOutcome::Opened) {
            const std::string_view message(found->message, found->message_length);
            decoded = &read_message(message);
            if (new_here)
                note_media_files(pinfo, *decoded, message);
        }
        k = found;
    });
    if (k == nullptr) {
        r.status = PayloadOutcome::Fault;
        r.fault = e2e::PayloadFault::Crypto;
        return r;
    }
    r.status = k->status;
    r.fault = k->fault;
    r.line_number = k->line_number;
    r.message = reinterpret_cast<const std::uint8_t *>(k->message);
    r.message_length = k->message_length;
    r.decoded = decoded;
    return r;
}

const e2e::DecodedMessage *read_plain_message(const std::uint8_t *bytes, std::size_t length)
{
    const std::string_view view(reinterpret_cast<const char *>(bytes), length);
    const e2e::DecodedMessage *d = nullptr;
    cpp_scope([&] { d = &read_message(view); });
    return d;
}

}  // namespace funxmpp::ws
