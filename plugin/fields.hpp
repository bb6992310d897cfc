// SPDX-License-Identifier: GPL-2.0-or-later
// Header fields, subtrees and expert items of protocol funxmpp (names: DESIGN 2.3).
#pragma once

#include "ws_compat.h"

#include <epan/expert.h>
#include <epan/packet.h>

#include "codec/decoder.hpp"
#include "codec/handshake.hpp"

namespace funxmpp::ws {

struct Fields {
    int proto = -1;

    int prologue = -1, version = -1;
    int frame = -1, frame_length = -1, frame_flags = -1;
    int flag_encrypted = -1, flag_compressed = -1, flag_reserved = -1, flag_client_encrypted = -1;
    int encrypted = -1, compressed = -1;
    int encrypted_payload = -1, keep_alive = -1;
    int element = -1, tag = -1, children = -1;
    int attr = -1, attr_key = -1, attr_value = -1;
    int jid = -1, jid_user = -1, jid_server = -1;
    int jid_device = -1, jid_agent = -1, jid_integrator = -1;  // the successor's JID numbers
    int text = -1, data = -1, xml = -1;
    int mac_valid = -1;
    int auth = -1, auth_phone = -1, auth_mechanism = -1, auth_nonce = -1, auth_nonce_source = -1, auth_key = -1,
        auth_blob_valid = -1, auth_password_source = -1;

    // The successor protocol (DESIGN 2.5); handshake message fields are in noise_field().
    int noise_routing_prefix = -1, noise_routing_length = -1, noise_routing_info = -1, noise_dictionary = -1,
        noise_handshake = -1, noise_message = -1, noise_pattern = -1, noise_counter = -1, noise_unknown_field = -1, noise_fragment = -1,
        noise_undecoded = -1, noise_flags = -1, noise_tag_valid = -1, noise_key_source = -1, noise_server_static = -1,
        noise_client_static = -1, noise_certificate = -1, noise_client_payload = -1, noise_cert = -1,
        noise_cert_serial = -1, noise_cert_issuer_serial = -1, noise_cert_key = -1, noise_cert_not_before = -1,
        noise_cert_not_after = -1, noise_cert_signature = -1, noise_cert_leaf_matches = -1, noise_client_username = -1,
        noise_client_push_name = -1, noise_client_passive = -1, noise_client_platform = -1, noise_client_app_version = -1,
        noise_client_connect_type = -1, noise_client_connect_reason = -1, noise_client_device = -1;
    int ett_noise = -1, ett_noise_message = -1;
    expert_field ei_noise_malformed = EI_INIT, ei_noise_wire_type = EI_INIT, ei_noise_key_size = EI_INIT,
                 ei_noise_short_frame = EI_INIT, ei_noise_routing = EI_INIT, ei_noise_no_prologue = EI_INIT,
                 ei_noise_not_handshake = EI_INIT, ei_noise_unknown_field = EI_INIT, ei_noise_extended = EI_INIT,
                 ei_noise_unknown_version = EI_INIT, ei_noise_lost = EI_INIT, ei_noise_encrypted = EI_INIT,
                 ei_noise_cut_short = EI_INIT, ei_noise_tag_mismatch = EI_INIT, ei_noise_no_dictionary = EI_INIT,
                 ei_noise_empty_plaintext = EI_INIT, ei_noise_unknown_flags = EI_INIT, ei_noise_not_opened = EI_INIT, ei_noise_cert_mismatch = EI_INIT,
                 ei_noise_resynchronised = EI_INIT;

    int ett_funxmpp = -1, ett_prologue = -1, ett_frame = -1, ett_flags = -1, ett_element = -1, ett_attr = -1,
        ett_jid = -1, ett_auth = -1;

    expert_field ei_decode[static_cast<int>(DecodeErrorKind::TrailingBytes) + 1]{};
    expert_field ei_zero_length = EI_INIT, ei_reserved_flag = EI_INIT, ei_encrypted = EI_INIT,
                 ei_decompression = EI_INIT, ei_inflate_damaged = EI_INIT, ei_no_password = EI_INIT, ei_no_nonce = EI_INIT,
                 ei_wrong_password = EI_INIT, ei_mac_mismatch = EI_INIT, ei_stopped = EI_INIT,
                 ei_invalid_entry = EI_INIT, ei_crypto_refused = EI_INIT, ei_internal = EI_INIT;
};

extern Fields fields;

// funxmpp.attr.<name> for the common attribute names; -1 when `name` is not one of them.
int named_attribute_field(const char *name);

// Whether anyone reads what a stanza adds in this pass: the Info column, a tap of ours
// (`tap_listening`), a shown tree, a filter or field naming funxmpp, or expert items.
bool anything_wanted(proto_tree *tree, packet_info *pinfo, bool tap_listening);

// What of the element tree anyone looks at in this pass: all of it (a visible tree, expert
// items asked for, a filter or field extraction that references an element field), only the
// end-to-end fields (funxmpp.e2e.* referenced, no element field: they are then added under the
// frame, without the elements around them), or nothing. (funxmpp.xml alone needs none of it.)
enum class TreeWanted { Nothing, EnvelopesOnly, Elements };
TreeWanted element_tree_wanted(proto_tree *tree);

// funxmpp.noise.<message>.<name> for a field the spec names in a handshake message; -1 if none.
int noise_field(noise::HandshakeKind kind, std::uint32_t number);

// Registers everything above with the protocol `fields.proto`.
void register_fields();

}  // namespace funxmpp::ws
