// SPDX-License-Identifier: GPL-2.0-or-later
#include "e2e/payload_decrypt.hpp"

#include <array>
#include <string>

#include "cpp_scope.hpp"
#include "noise/noise_keys.hpp"

namespace funxmpp::ws {

namespace {

// What is kept of a payload a line names: the outcome, and an opened one's Message bytes. Kept
// for every payload of the capture in Wireshark's file scope (a block allocator, freed at
// once when the file closes): small allocations per payload living on among the many
// short-lived ones of each packet would fragment the heap and slow every later allocation.
struct Kept {
    const char *message;
    std::uint32_t message_length;
    guint32 line_number;
    PayloadOutcome::Status status;
    e2e::PayloadFault fault;
};

guint key_hash(gconstpointer key) { return static_cast<guint>(noise::Key32Hash{}(*static_cast<const noise::Key32 *>(key))); }
gboolean key_equal(gconstpointer a, gconstpointer b)
{
    return *static_cast<const noise::Key32 *>(a) == *static_cast<const noise::Key32 *>(b);
}

// By the ciphertext's SHA-256; emptied when the file closes. Made at registration.
wmem_map_t *kept = nullptr;

const Kept &keep(const noise::Key32 &hash, const std::string &message, guint32 line_number, PayloadOutcome::Status status,
                 e2e::PayloadFault fault)
{
    wmem_allocator_t *file = wmem_file_scope();
    Kept *k = wmem_new(file, Kept);
    *k = Kept{message.empty() ? "" : static_cast<const char *>(wmem_memdup(file, message.data(), message.size())),
              static_cast<std::uint32_t>(message.size()), line_number, status, fault};
    wmem_map_insert(kept, wmem_memdup(file, &hash, sizeof hash), k);
    return *k;
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
    kept = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), key_hash, key_equal);
    register_cleanup_routine(forget_reads);
}

PayloadOutcome open_signal_payload(const std::uint8_t *ciphertext, std::size_t length)
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
        const Kept *found = static_cast<const Kept *>(wmem_map_lookup(kept, &*hash));
        if (found == nullptr) {
            const NoiseKeyLookup line = signal_key_for(*hash);
            if (!line.found) {  // not kept: the line may be written later (a live capture)
                static const Kept none{"", 0, 0, PayloadOutcome::NoLine, e2e::PayloadFault::None};
                k = &none;
                return;
            }
            const e2e::OpenedPayload p = e2e::open_payload(bytes, line.line.first, line.line.iv);
            found = &keep(*hash, p.message, line.line_number,
                          p.fault == e2e::PayloadFault::None ? PayloadOutcome::Opened : PayloadOutcome::Fault, p.fault);
        }
        if (found->status == PayloadOutcome::Opened)
            decoded = &read_message(std::string_view(found->message, found->message_length));
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
