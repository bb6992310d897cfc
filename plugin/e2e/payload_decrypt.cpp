// SPDX-License-Identifier: GPL-2.0-or-later
#include "e2e/payload_decrypt.hpp"

#include <string>
#include <unordered_map>

#include "cpp_scope.hpp"
#include "noise/noise_keys.hpp"

namespace funxmpp::ws {

namespace {

struct Kept {
    PayloadOutcome::Status status;
    e2e::PayloadFault fault;
    guint32 line_number;
    std::string message;
    e2e::DecodedMessage decoded;
};

// By the ciphertext's SHA-256.
std::unordered_map<noise::Key32, Kept, noise::Key32Hash> kept;
// Messages in the clear, by their SHA-256.
std::unordered_map<noise::Key32, e2e::DecodedMessage, noise::Key32Hash> plain;

void forget_payloads()
{
    cpp_scope([] {
        kept.clear();
        plain.clear();
    });
}

e2e::DecodedMessage read_message(const std::string_view bytes)
{
    const e2e::ProtoSchema &schema = e2e::waproto_schema();
    return e2e::decode_message(schema, schema.message_index("Message"), reinterpret_cast<const std::uint8_t *>(bytes.data()),
                               bytes.size());
}

}  // namespace

void register_payload_decrypt() { register_cleanup_routine(forget_payloads); }

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
    cpp_scope([&] {
        auto it = kept.find(*hash);
        if (it == kept.end()) {
            const NoiseKeyLookup line = signal_key_for(*hash);
            if (!line.found) {  // not kept: the line may be written later (a live capture)
                static const Kept none{PayloadOutcome::NoLine, e2e::PayloadFault::None, 0, {}, {}};
                k = &none;
                return;
            }
            e2e::OpenedPayload p = e2e::open_payload(bytes, line.line.first, line.line.iv);
            Kept fresh{p.fault == e2e::PayloadFault::None ? PayloadOutcome::Opened : PayloadOutcome::Fault, p.fault,
                       line.line_number, std::move(p.message), {}};
            if (fresh.status == PayloadOutcome::Opened)
                fresh.decoded = read_message(fresh.message);
            it = kept.emplace(*hash, std::move(fresh)).first;
        }
        k = &it->second;
    });
    if (k == nullptr) {
        r.status = PayloadOutcome::Fault;
        r.fault = e2e::PayloadFault::Crypto;
        return r;
    }
    r.status = k->status;
    r.fault = k->fault;
    r.line_number = k->line_number;
    r.message = reinterpret_cast<const std::uint8_t *>(k->message.data());
    r.message_length = k->message.size();
    r.decoded = &k->decoded;
    return r;
}

const e2e::DecodedMessage *read_plain_message(const std::uint8_t *bytes, std::size_t length)
{
    const std::string_view view(reinterpret_cast<const char *>(bytes), length);
    const e2e::DecodedMessage *d = nullptr;
    cpp_scope([&] {
        const std::optional<noise::Key32> hash = noise::sha256_digest(view);
        if (!hash)
            return;
        auto it = plain.find(*hash);
        if (it == plain.end())
            it = plain.emplace(*hash, read_message(view)).first;
        d = &it->second;
    });
    return d;
}

}  // namespace funxmpp::ws
