// SPDX-License-Identifier: GPL-2.0-or-later
// Things found by a SHA-256 digest (a key log's lines, a capture's opened payloads), indexed in
// one flat array: a lookup reads one slot of 16 bytes, where a node-based hash map reads a
// bucket, a node and the key it points to. With a large capture's working set each of those is
// a cache miss (measured: 4 microseconds a lookup in a 400,000-packet fields pass, most of
// the time the end-to-end layer took beyond its instructions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "codec/noise.hpp"

namespace funxmpp {

// Digest -> a number the caller gives (an index into its own storage). The caller keeps each
// number's digest: `digest_of(number)` confirms a slot whose hash matches, so digests that
// share one are told apart.
class DigestTable {
public:
    template <typename DigestOf>
    std::optional<std::uint32_t> find(const noise::Key32 &digest, DigestOf digest_of) const
    {
        if (slots_.empty())
            return std::nullopt;
        const std::uint64_t hash = hash_of(digest);
        for (std::size_t i = hash & mask(); slots_[i].used; i = (i + 1) & mask())
            if (slots_[i].hash == hash && digest_of(slots_[i].number) == digest)
                return slots_[i].number;
        return std::nullopt;
    }

    // False (and nothing changed) when the digest is there already: the first one stays.
    template <typename DigestOf>
    bool insert(const noise::Key32 &digest, std::uint32_t number, DigestOf digest_of)
    {
        if (find(digest, digest_of))
            return false;
        reserve(count_ + 1);
        place(Slot{hash_of(digest), number, true});
        ++count_;
        return true;
    }

    // Room for `n` entries without growing again.
    void reserve(std::size_t n)
    {
        std::size_t capacity = slots_.empty() ? 16 : slots_.size();
        while (n > capacity / 4 * 3)  // at most three quarters full: probes stay short
            capacity *= 2;
        if (capacity == slots_.size())
            return;
        std::vector<Slot> old(capacity);
        old.swap(slots_);
        for (const Slot &s : old)
            if (s.used)
                place(s);
    }

    std::size_t size() const { return count_; }
    void clear()
    {
        std::vector<Slot>().swap(slots_);
        count_ = 0;
    }

private:
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t number = 0;
        bool used = false;
    };

    // All 32 bytes folded, mixed so that the low bits, the home slot, depend on all. Digests of
    // payloads spread evenly; a key log's are text anyone can write, and lines made to share
    // one fold would make indexing them slow (quadratic in their number), never wrong.
    static std::uint64_t hash_of(const noise::Key32 &digest)
    {
        std::uint64_t h = 0;
        for (std::size_t i = 0; i < digest.size(); i += 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, digest.data() + i, 8);
            h ^= word;
        }
        h = (h ^ h >> 30) * 0xbf58476d1ce4e5b9u;  // splitmix64's finaliser
        h = (h ^ h >> 27) * 0x94d049bb133111ebu;
        return h ^ h >> 31;
    }
    std::size_t mask() const { return slots_.size() - 1; }
    void place(const Slot &s)
    {
        std::size_t i = s.hash & mask();
        while (slots_[i].used)
            i = (i + 1) & mask();
        slots_[i] = s;
    }

    std::vector<Slot> slots_;  // a power of two long, linear probing
    std::size_t count_ = 0;
};

}  // namespace funxmpp
