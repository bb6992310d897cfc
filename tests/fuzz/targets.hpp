// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz targets: each takes arbitrary bytes and must neither crash nor trip a sanitizer,
// and checks the properties that must hold for any input. Built into libFuzzer programs
// (tools/fuzz.sh) and replayed over the saved findings by the unit tests.
#pragma once

#include <cstddef>
#include <cstdint>

namespace funxmpp::fuzz {

// Prologue and frame headers over a byte stream, as the dissector walks it.
void framing(const std::uint8_t *data, std::size_t size);
// data[0] picks the version; the rest is a client stream of frames, each payload decoded to
// XML, summary and tree; a decoded tree re-encodes and decodes to itself.
void decoder(const std::uint8_t *data, std::size_t size);
// data[0] picks an MD dialect (5.2, 6.2, 6.3); the rest is frames with 3-byte lengths, each
// payload decoded as decoder() does, with the same properties.
void md_decoder(const std::uint8_t *data, std::size_t size);
// A successor client stream (routing prefix, prologue, frames) walked unit by unit.
void noise_stream(const std::uint8_t *data, std::size_t size);
// A tree built from the bytes (tags, attributes, text or binary data) written as XML: the
// output is always valid UTF-8 text without control characters.
void xml(const std::uint8_t *data, std::size_t size);
// data[0] picks the version; the rest is a sequence of frames fed to a connection's login
// and cipher state (with a password for the phone), as the dissector feeds it.
void crypto(const std::uint8_t *data, std::size_t size);
// The bytes as a successor handshake message (and as a bare protobuf message): every range
// lies within the input, and the known keys and payloads re-encode and parse to themselves.
void handshake(const std::uint8_t *data, std::size_t size);
// data[0] picks msg, pkmsg or skmsg; the rest is an end-to-end envelope: every range lies
// within it, and a whole one re-encodes to an envelope with the same values.
void envelope(const std::uint8_t *data, std::size_t size);
// The bytes as a Message: every media file it names lies within it, and each opens (the bytes
// as its body) to a file or a fault; the bytes sealed as a media file open to themselves, and
// with one byte changed do not.
void media(const std::uint8_t *data, std::size_t size);

}  // namespace funxmpp::fuzz
