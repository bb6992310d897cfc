// SPDX-License-Identifier: GPL-2.0-or-later
// Node tree -> bytes for every version, choosing encodings the way the real clients'
// writers do (spec 3.2-3.4): dictionary token first (primary, then secondary), a string with
// '@' at index >= 1 as a JID pair, then (1.5+) nibble- and (1.6) hex-packing for attribute
// values and JID users shorter than 128 characters, else binary8/24/20/32.
// For tests and the capture generator; errors throw std::invalid_argument.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "codec/tree.hpp"
#include "codec/version.hpp"

namespace funxmpp {

struct EncodeOptions {
    bool pack_strings = true;  // use 0xFF / 0xFB where the version has them
};

// One node (a frame payload, unframed).
std::string encode_node(const Dialect &dialect, const Node &node, const EncodeOptions &options = {});

// Header + payload. `flags` is the header's high nibble (kFlag*); 2-byte headers take none.
std::string encode_frame(const Dialect &dialect, std::uint8_t flags, std::string_view payload);

// The 4 prologue bytes "WA" major minor.
std::string encode_prologue(Version version);

}  // namespace funxmpp
