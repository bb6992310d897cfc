// SPDX-License-Identifier: GPL-2.0-or-later
#include "fields.hpp"

#include "e2e/envelope_view.hpp"
#include "e2e/media_transfer.hpp"

#include <epan/tap.h>

#include <cstdio>

#include "codec/attributes.hpp"

namespace funxmpp::ws {

Fields fields;

namespace {

int hf_named[kKnownAttributeCount];  // funxmpp.attr.<name>, parallel to kKnownAttributes

// funxmpp.noise.<message>.<field>: handshake message kind (2..4) x field number (1..kMaxNoiseField).
constexpr std::uint32_t kMaxNoiseField = 16;
int hf_noise[3][kMaxNoiseField + 1];

const value_string kPqModes[] = {
    {0, "UNKNOWN"}, {1, "XXKEM"}, {2, "XXKEM_FS"}, {3, "WA_CLASSICAL"}, {4, "WA_PQ"}, {5, "IKKEM"},
    {6, "IKKEM_FS"}, {7, "XXKEM_2"}, {8, "IKKEM_2"}, {9, "XXKEM_EPH"}, {0, nullptr},
};

// ClientPayload's enumerations, named as in the ClientPayload protobuf schema the open-source
// clients publish (WAProto.proto: UserAgent.Platform, ConnectType, ConnectReason).
const val64_string kClientPlatforms[] = {
    {0, "ANDROID"},         {1, "IOS"},            {2, "WINDOWS_PHONE"},   {3, "BLACKBERRY"},
    {4, "BLACKBERRYX"},     {5, "S40"},            {6, "S60"},             {7, "PYTHON_CLIENT"},
    {8, "TIZEN"},           {9, "ENTERPRISE"},     {10, "SMB_ANDROID"},    {11, "KAIOS"},
    {12, "SMB_IOS"},        {13, "WINDOWS"},       {14, "WEB"},            {15, "PORTAL"},
    {16, "GREEN_ANDROID"},  {17, "GREEN_IPHONE"},  {18, "BLUE_ANDROID"},   {19, "BLUE_IPHONE"},
    {20, "FBLITE_ANDROID"}, {21, "MLITE_ANDROID"}, {22, "IGLITE_ANDROID"}, {23, "PAGE"},
    {24, "MACOS"},          {25, "OCULUS_MSG"},    {26, "OCULUS_CALL"},    {27, "MILAN"},
    {28, "CAPI"},           {29, "WEAROS"},        {30, "ARDEVICE"},       {31, "VRDEVICE"},
    {32, "BLUE_WEB"},       {33, "IPAD"},          {34, "TEST"},           {35, "SMART_GLASSES"},
    {36, "BLUE_VR"},        {37, "AR_WRIST"},      {0, nullptr},
};
const val64_string kConnectTypes[] = {
    {0, "CELLULAR_UNKNOWN"}, {1, "WIFI_UNKNOWN"},    {100, "CELLULAR_EDGE"},   {101, "CELLULAR_IDEN"},
    {102, "CELLULAR_UMTS"},  {103, "CELLULAR_EVDO"}, {104, "CELLULAR_GPRS"},   {105, "CELLULAR_HSDPA"},
    {106, "CELLULAR_HSUPA"}, {107, "CELLULAR_HSPA"}, {108, "CELLULAR_CDMA"},   {109, "CELLULAR_1XRTT"},
    {110, "CELLULAR_EHRPD"}, {111, "CELLULAR_LTE"},  {112, "CELLULAR_HSPAP"},  {0, nullptr},
};
const val64_string kConnectReasons[] = {
    {0, "PUSH"},           {1, "USER_ACTIVATED"}, {2, "SCHEDULED"}, {3, "ERROR_RECONNECT"},
    {4, "NETWORK_SWITCH"}, {5, "PING_RECONNECT"}, {6, "UNKNOWN"},   {0, nullptr},
};

// The handshake messages' fields, from the codec's table (names and abbreviations live as long
// as Wireshark: it keeps the pointers).
void register_noise_message_fields()
{
    using noise::HandshakeKind;
    static hf_register_info hf[3 * kMaxNoiseField];  // kept by Wireshark: never freed
    int count = 0;
    for (HandshakeKind kind : {HandshakeKind::ClientHello, HandshakeKind::ServerHello, HandshakeKind::ClientFinish}) {
        const char *message = kind == HandshakeKind::ClientHello   ? "client_hello"
                              : kind == HandshakeKind::ServerHello ? "server_hello"
                                                                   : "client_finish";
        for (std::uint32_t n = 1; n <= kMaxNoiseField; ++n) {
            int *id = &hf_noise[static_cast<int>(kind) - 2][n];
            *id = -1;
            const noise::FieldInfo *info = noise::field_info(kind, n);
            if (info == nullptr)
                continue;
            // Static storage: Wireshark keeps the pointer for the life of the process.
            static char abbrevs[3][kMaxNoiseField + 1][64];
            char *abbrev = abbrevs[static_cast<int>(kind) - 2][n];
            std::snprintf(abbrev, sizeof abbrevs[0][0], "funxmpp.noise.%s.%s", message, info->name);
            const char *name = info->label;
            switch (info->value) {
            case noise::FieldValue::Bytes:
                hf[count++] = {id, {name, abbrev, FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}};
                break;
            case noise::FieldValue::Bool:
                hf[count++] = {id, {name, abbrev, FT_BOOLEAN, BASE_NONE, nullptr, 0x0, nullptr, HFILL}};
                break;
            case noise::FieldValue::Enum:
                hf[count++] = {id, {name, abbrev, FT_UINT32, BASE_DEC, VALS(kPqModes), 0x0, nullptr, HFILL}};
                break;
            }
        }
    }
    proto_register_field_array(fields.proto, hf, count);
}

}  // namespace

int noise_field(noise::HandshakeKind kind, std::uint32_t number)
{
    const int k = static_cast<int>(kind) - 2;
    return k < 0 || k > 2 || number == 0 || number > kMaxNoiseField ? -1 : hf_noise[k][number];
}

int named_attribute_field(const char *name)
{
    const int i = known_attribute(name);
    return i < 0 ? -1 : hf_named[i];
}

namespace {

// Expert items are read through the expert tap (tshark -z expert, the GUI's dialog) or
// _ws.expert filters, even where our own fields are not.
bool experts_wanted(proto_tree *tree)
{
    static const int expert_tap = find_tap_id("expert");
    static const int expert_proto = proto_get_id_by_filter_name("_ws.expert");
    return have_tap_listener(expert_tap) || (expert_proto != -1 && proto_field_is_referenced(tree, expert_proto));
}

}  // namespace

bool anything_wanted(proto_tree *tree, packet_info *pinfo, bool tap_listening)
{
    if (pinfo->cinfo != nullptr || tap_listening)
        return true;
    if (tree == nullptr)
        return false;
    return PTREE_DATA(tree)->visible || proto_field_is_referenced(tree, fields.proto) || experts_wanted(tree);
}

TreeWanted element_tree_wanted(proto_tree *tree)
{
    if (tree == nullptr)
        return TreeWanted::Nothing;
    // The tree is where the envelopes' expert items are made (DESIGN 2.8).
    if (PTREE_DATA(tree)->visible || experts_wanted(tree))
        return TreeWanted::Elements;
    // A filter naming any funxmpp field also marks the protocol as referenced: one cheap
    // test rules out most passes before the field-by-field ones.
    if (!proto_field_is_referenced(tree, fields.proto))
        return TreeWanted::Nothing;
    const Fields &f = fields;
    for (int hf : {f.element, f.tag, f.children, f.attr, f.attr_key, f.attr_value, f.jid, f.jid_user, f.jid_server,
                   f.jid_device, f.jid_agent, f.jid_integrator, f.text, f.data})
        if (proto_field_is_referenced(tree, hf))
            return TreeWanted::Elements;
    for (int hf : hf_named)
        if (proto_field_is_referenced(tree, hf))
            return TreeWanted::Elements;
    return e2e_fields_referenced(tree) ? TreeWanted::EnvelopesOnly : TreeWanted::Nothing;
}

void register_fields()
{
    Fields &f = fields;
    static hf_register_info hf[] = {
        {&f.prologue, {"Prologue", "funxmpp.prologue", FT_BYTES, BASE_NONE, nullptr, 0x0,
                       "The 4 unframed bytes \"WA\" major minor that open a client stream", HFILL}},
        {&f.version, {"Version", "funxmpp.version", FT_STRING, BASE_NONE, nullptr, 0x0,
                      "Protocol version of the stream", HFILL}},
        {&f.frame, {"Frame", "funxmpp.frame", FT_NONE, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.frame_length, {"Length", "funxmpp.frame.length", FT_UINT24, BASE_DEC, nullptr, 0x0,
                           "Payload bytes (including the MAC when encrypted)", HFILL}},
        {&f.frame_flags, {"Flags", "funxmpp.frame.flags", FT_UINT8, BASE_HEX, nullptr, 0x0,
                          "High nibble of the frame header", HFILL}},
        {&f.flag_encrypted, {"Encrypted (E)", "funxmpp.frame.flags.e", FT_BOOLEAN, 8, nullptr, 0x80, nullptr, HFILL}},
        {&f.flag_compressed, {"Compressed (C)", "funxmpp.frame.flags.c", FT_BOOLEAN, 8, nullptr, 0x40, nullptr, HFILL}},
        {&f.flag_reserved, {"Reserved", "funxmpp.frame.flags.reserved", FT_BOOLEAN, 8, nullptr, 0x20, nullptr, HFILL}},
        {&f.flag_client_encrypted, {"Client encrypted, WA 1.2 (e1)", "funxmpp.frame.flags.e1", FT_BOOLEAN, 8, nullptr,
                                    0x10, nullptr, HFILL}},
        {&f.encrypted, {"Encrypted", "funxmpp.frame.encrypted", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
                        "Flag E, or e1 in WA 1.2", HFILL}},
        {&f.compressed, {"Compressed", "funxmpp.frame.compressed", FT_BOOLEAN, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.encrypted_payload, {"Encrypted payload", "funxmpp.encrypted_payload", FT_BYTES, BASE_NONE, nullptr, 0x0,
                                nullptr, HFILL}},
        {&f.keep_alive, {"Keep-alive", "funxmpp.keepalive", FT_NONE, BASE_NONE, nullptr, 0x0,
                         "A frame whose payload is the single byte 0x00", HFILL}},
        {&f.element, {"Element", "funxmpp.element", FT_NONE, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.tag, {"Tag", "funxmpp.tag", FT_STRING, BASE_NONE, nullptr, 0x0, "Tag of an element", HFILL}},
        {&f.children, {"Children", "funxmpp.children", FT_UINT16, BASE_DEC, nullptr, 0x0,
                       "Number of child elements", HFILL}},
        {&f.attr, {"Attribute", "funxmpp.attr", FT_NONE, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.attr_key, {"Key", "funxmpp.attr.key", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.attr_value, {"Value", "funxmpp.attr.value", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.jid, {"JID", "funxmpp.jid", FT_STRING, BASE_NONE, nullptr, 0x0, "user@server", HFILL}},
        {&f.jid_user, {"User", "funxmpp.jid.user", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.jid_server, {"Server", "funxmpp.jid.server", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.jid_device, {"Device", "funxmpp.jid.device", FT_UINT16, BASE_DEC, nullptr, 0x0,
                         "Device number of an AD, FB or INTEROP JID (0: the primary device)", HFILL}},
        {&f.jid_agent, {"Agent", "funxmpp.jid.agent", FT_UINT8, BASE_DEC, nullptr, 0x0,
                        "AD JID domain byte that names no server (user.agent:device)", HFILL}},
        {&f.jid_integrator, {"Integrator", "funxmpp.jid.integrator", FT_UINT16, BASE_DEC, nullptr, 0x0,
                             "Integrator of an INTEROP JID", HFILL}},
        {&f.text, {"Text", "funxmpp.text", FT_STRING, BASE_NONE, nullptr, 0x0, "Element content that is text", HFILL}},
        {&f.data, {"Data", "funxmpp.data", FT_BYTES, BASE_NONE, nullptr, 0x0, "Element content that is binary", HFILL}},
        {&f.xml, {"XML", "funxmpp.xml", FT_STRING, BASE_NONE, nullptr, 0x0, "Canonical XML of the stanza", HFILL}},
        {&f.mac_valid, {"MAC valid", "funxmpp.mac.valid", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
                        "The frame's MAC matches: decrypted with the right key, nothing lost before it", HFILL}},
        {&f.auth, {"Login", "funxmpp.auth", FT_NONE, BASE_NONE, nullptr, 0x0, "What this login stanza did", HFILL}},
        {&f.auth_phone, {"Phone", "funxmpp.auth.phone", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.auth_mechanism, {"Mechanism", "funxmpp.auth.mechanism", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.auth_nonce, {"Nonce", "funxmpp.auth.nonce", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.auth_nonce_source, {"Nonce from", "funxmpp.auth.nonce_source", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.auth_key, {"Key", "funxmpp.auth.key", FT_BYTES, BASE_NONE, nullptr, 0x0, "A derived session key", HFILL}},
        {&f.auth_blob_valid, {"Password fits", "funxmpp.auth.blob_valid", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
                              "The login blob decrypts to the phone number and the nonce", HFILL}},
        {&f.auth_password_source, {"Password from", "funxmpp.auth.password_source", FT_STRING, BASE_NONE, nullptr, 0x0,
                                   nullptr, HFILL}},
    };
    static hf_register_info noise_hf[] = {
        {&f.noise_routing_prefix, {"Routing prefix", "funxmpp.noise.routing_prefix", FT_NONE, BASE_NONE, nullptr, 0x0,
                                   "\"ED\" 00 01, a length and routing info: the server's edge routing hint", HFILL}},
        {&f.noise_routing_length, {"Routing info length", "funxmpp.noise.routing_length", FT_UINT24, BASE_DEC, nullptr,
                                   0x0, nullptr, HFILL}},
        {&f.noise_routing_info, {"Routing info", "funxmpp.noise.routing_info", FT_BYTES, BASE_NONE, nullptr, 0x0,
                                 "Opaque bytes the server sent earlier (<edge_routing>)", HFILL}},
        {&f.noise_dictionary, {"Dictionary", "funxmpp.noise.dictionary", FT_UINT8, BASE_DEC, nullptr, 0x0,
                               "MD token dictionary the prologue's minor byte names", HFILL}},
        {&f.noise_handshake, {"Handshake message", "funxmpp.noise.handshake", FT_NONE, BASE_NONE, nullptr, 0x0,
                              "A protobuf HandshakeMessage", HFILL}},
        {&f.noise_message, {"Handshake message", "funxmpp.noise.message", FT_STRING, BASE_NONE, nullptr, 0x0,
                            "ClientHello, ServerHello or ClientFinish", HFILL}},
        {&f.noise_pattern, {"Pattern", "funxmpp.noise.pattern", FT_STRING, BASE_NONE, nullptr, 0x0,
                            "Noise handshake pattern: XX, IK or XXfallback", HFILL}},
        {&f.noise_counter, {"Counter", "funxmpp.noise.counter", FT_UINT32, BASE_DEC, nullptr, 0x0,
                            "The transport frame's nonce counter in its direction", HFILL}},
        {&f.noise_unknown_field, {"Unknown field", "funxmpp.noise.unknown_field", FT_UINT32, BASE_DEC, nullptr, 0x0,
                                  "Number of a protobuf field the spec does not name", HFILL}},
        {&f.noise_fragment, {"Frame continued in a later message", "funxmpp.noise.fragment", FT_BYTES, BASE_NONE,
                             nullptr, 0x0, "The first bytes of a frame that a later WebSocket message completes", HFILL}},
        {&f.noise_flags, {"Flags", "funxmpp.noise.flags", FT_UINT8, BASE_HEX, nullptr, 0x0,
                          "First byte of a decrypted frame: 0x02 = the node is zlib-compressed", HFILL}},
        {&f.noise_tag_valid, {"Tag valid", "funxmpp.noise.tag_valid", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
                              "The frame's AES-GCM tag checks with the key log's key and the frame's counter", HFILL}},
        {&f.noise_key_source, {"Key from", "funxmpp.noise.key_source", FT_STRING, BASE_NONE, nullptr, 0x0,
                               "Which key log line decrypted the connection", HFILL}},
        {&f.noise_server_static, {"Server static key", "funxmpp.noise.server_static", FT_BYTES, BASE_NONE, nullptr, 0x0,
                                  "ServerHello.static, decrypted", HFILL}},
        {&f.noise_client_static, {"Client static key", "funxmpp.noise.client_static", FT_BYTES, BASE_NONE, nullptr, 0x0,
                                  "ClientFinish.static, decrypted: the client's long-lived noise key", HFILL}},
        {&f.noise_certificate, {"Certificate chain", "funxmpp.noise.certificate", FT_BYTES, BASE_NONE, nullptr, 0x0,
                                "ServerHello.payload, decrypted (a CertChain protobuf)", HFILL}},
        {&f.noise_client_payload, {"Client payload", "funxmpp.noise.client_payload", FT_BYTES, BASE_NONE, nullptr, 0x0,
                                   "ClientFinish.payload, decrypted (a ClientPayload protobuf)", HFILL}},
        {&f.noise_cert, {"Certificate", "funxmpp.noise.cert", FT_NONE, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.noise_cert_serial, {"Serial", "funxmpp.noise.cert.serial", FT_UINT64, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
        {&f.noise_cert_issuer_serial, {"Issuer serial", "funxmpp.noise.cert.issuer_serial", FT_UINT64, BASE_DEC, nullptr,
                                       0x0, "0: signed by WhatsApp's root key", HFILL}},
        {&f.noise_cert_key, {"Key", "funxmpp.noise.cert.key", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.noise_cert_not_before, {"Not before", "funxmpp.noise.cert.not_before", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC,
                                    nullptr, 0x0, nullptr, HFILL}},
        {&f.noise_cert_not_after, {"Not after", "funxmpp.noise.cert.not_after", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC,
                                   nullptr, 0x0, nullptr, HFILL}},
        {&f.noise_cert_signature, {"Signature", "funxmpp.noise.cert.signature", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr,
                                   HFILL}},
        {&f.noise_cert_leaf_matches, {"Leaf key is the server's static key", "funxmpp.noise.cert.leaf_matches",
                                      FT_BOOLEAN, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&f.noise_client_username, {"Username", "funxmpp.noise.client.username", FT_UINT64, BASE_DEC, nullptr, 0x0,
                                    "The account's phone number", HFILL}},
        {&f.noise_client_push_name, {"Push name", "funxmpp.noise.client.push_name", FT_STRING, BASE_NONE, nullptr, 0x0,
                                     nullptr, HFILL}},
        {&f.noise_client_passive, {"Passive", "funxmpp.noise.client.passive", FT_BOOLEAN, BASE_NONE, nullptr, 0x0, nullptr,
                                   HFILL}},
        {&f.noise_client_platform, {"User agent platform", "funxmpp.noise.client.platform", FT_UINT64,
                                    BASE_DEC | BASE_VAL64_STRING, VALS64(kClientPlatforms), 0x0, nullptr, HFILL}},
        {&f.noise_client_app_version, {"App version", "funxmpp.noise.client.app_version", FT_STRING, BASE_NONE, nullptr,
                                       0x0, nullptr, HFILL}},
        {&f.noise_client_connect_type, {"Connect type", "funxmpp.noise.client.connect_type", FT_UINT64,
                                        BASE_DEC | BASE_VAL64_STRING, VALS64(kConnectTypes), 0x0, nullptr, HFILL}},
        {&f.noise_client_connect_reason, {"Connect reason", "funxmpp.noise.client.connect_reason", FT_UINT64,
                                          BASE_DEC | BASE_VAL64_STRING, VALS64(kConnectReasons), 0x0, nullptr, HFILL}},
        {&f.noise_client_device, {"Device", "funxmpp.noise.client.device", FT_UINT64, BASE_DEC, nullptr, 0x0, nullptr,
                                  HFILL}},
        {&f.noise_undecoded, {"Undecoded", "funxmpp.noise.undecoded", FT_BYTES, BASE_NONE, nullptr, 0x0,
                              "Bytes of a stream that cannot be followed", HFILL}},
    };
    static int *ett[] = {&f.ett_funxmpp, &f.ett_prologue, &f.ett_frame, &f.ett_flags, &f.ett_element,
                         &f.ett_attr,    &f.ett_jid,      &f.ett_auth,  &f.ett_noise, &f.ett_noise_message};

    // funxmpp.attr.<name>, one per known attribute (names and abbreviations are literals of
    // the table: Wireshark keeps the pointers).
    static hf_register_info named[kKnownAttributeCount];
    for (std::size_t i = 0; i < kKnownAttributeCount; ++i) {
        hf_named[i] = -1;
        named[i] = {&hf_named[i], {kKnownAttributes[i].name, kKnownAttributes[i].field, FT_STRING, BASE_NONE, nullptr,
                                   0x0, nullptr, HFILL}};
    }

    using K = DecodeErrorKind;
    static ei_register_info ei[] = {
        {&f.ei_decode[int(K::Truncated)], {"funxmpp.malformed.truncated", PI_MALFORMED, PI_ERROR, "The frame ends inside a node", EXPFILL}},
        {&f.ei_decode[int(K::EmptyNode)], {"funxmpp.malformed.empty_node", PI_MALFORMED, PI_ERROR, "List size 0 where a node was expected", EXPFILL}},
        {&f.ei_decode[int(K::InvalidLeadByte)], {"funxmpp.malformed.invalid_byte", PI_MALFORMED, PI_ERROR, "Byte not valid here for this version", EXPFILL}},
        {&f.ei_decode[int(K::UnknownToken)], {"funxmpp.malformed.unknown_token", PI_MALFORMED, PI_ERROR, "Token unknown to this version's dictionary", EXPFILL}},
        {&f.ei_decode[int(K::InvalidNibble)], {"funxmpp.malformed.invalid_nibble", PI_MALFORMED, PI_ERROR, "Invalid packed string", EXPFILL}},
        {&f.ei_decode[int(K::NullTag)], {"funxmpp.malformed.null_tag", PI_MALFORMED, PI_ERROR, "Node tag is the null string", EXPFILL}},
        {&f.ei_decode[int(K::NestedJid)], {"funxmpp.malformed.nested_jid", PI_MALFORMED, PI_ERROR, "JID pair inside a JID pair", EXPFILL}},
        {&f.ei_decode[int(K::DepthLimit)], {"funxmpp.malformed.depth_limit", PI_MALFORMED, PI_ERROR, "Nesting deeper than the limit", EXPFILL}},
        {&f.ei_decode[int(K::TrailingBytes)], {"funxmpp.malformed.trailing_bytes", PI_MALFORMED, PI_ERROR, "Bytes after the frame's node", EXPFILL}},
        {&f.ei_zero_length, {"funxmpp.malformed.zero_length", PI_MALFORMED, PI_ERROR, "Frame of length 0", EXPFILL}},
        {&f.ei_reserved_flag, {"funxmpp.frame.reserved_flag", PI_PROTOCOL, PI_WARN, "Reserved flag 0x2 set", EXPFILL}},
        {&f.ei_encrypted, {"funxmpp.encrypted", PI_UNDECODED, PI_NOTE, "Encrypted payload, not decrypted", EXPFILL}},
        {&f.ei_decompression, {"funxmpp.decompression_failed", PI_MALFORMED, PI_ERROR, "Compressed payload does not inflate", EXPFILL}},
        {&f.ei_inflate_damaged, {"funxmpp.decompression_damaged", PI_MALFORMED, PI_WARN, "Compressed payload is not a whole zlib stream", EXPFILL}},
        {&f.ei_no_password, {"funxmpp.auth.no_password", PI_UNDECODED, PI_WARN, "No password for this phone: the session stays encrypted", EXPFILL}},
        {&f.ei_no_nonce, {"funxmpp.auth.no_nonce", PI_UNDECODED, PI_WARN, "Fast re-login with no known nonce", EXPFILL}},
        {&f.ei_wrong_password, {"funxmpp.auth.wrong_password", PI_DECRYPTION, PI_WARN, "The login blob does not decrypt with this password and nonce", EXPFILL}},
        {&f.ei_mac_mismatch, {"funxmpp.mac.mismatch", PI_DECRYPTION, PI_WARN, "MAC mismatch: wrong key or a lost segment; this direction stops decrypting", EXPFILL}},
        {&f.ei_invalid_entry, {"funxmpp.auth.invalid_password_entry", PI_UNDECODED, PI_WARN, "The passwords table's password for this phone is not base64", EXPFILL}},
        {&f.ei_crypto_refused, {"funxmpp.auth.crypto_refused", PI_DECRYPTION, PI_WARN, "libgcrypt refused the session's crypto (FIPS mode?)", EXPFILL}},
        {&f.ei_internal, {"funxmpp.internal_error", PI_UNDECODED, PI_ERROR, "Out of memory decoding this frame", EXPFILL}},
        {&f.ei_noise_malformed, {"funxmpp.malformed.handshake", PI_MALFORMED, PI_ERROR, "Handshake message is not a valid protobuf", EXPFILL}},
        {&f.ei_noise_wire_type, {"funxmpp.malformed.wire_type", PI_MALFORMED, PI_ERROR, "Handshake field of the wrong wire type", EXPFILL}},
        {&f.ei_noise_key_size, {"funxmpp.malformed.key_size", PI_MALFORMED, PI_ERROR, "Key of the wrong size", EXPFILL}},
        {&f.ei_noise_short_frame, {"funxmpp.malformed.short_frame", PI_MALFORMED, PI_ERROR, "Transport frame shorter than its 16-byte tag", EXPFILL}},
        {&f.ei_noise_routing, {"funxmpp.malformed.routing_info", PI_MALFORMED, PI_ERROR, "Routing info too long: the stream cannot be followed", EXPFILL}},
        {&f.ei_noise_no_prologue, {"funxmpp.malformed.no_prologue", PI_MALFORMED, PI_ERROR, "No \"WA\" prologue after the routing prefix", EXPFILL}},
        {&f.ei_noise_not_handshake, {"funxmpp.malformed.not_handshake", PI_MALFORMED, PI_ERROR, "Not the handshake message due here", EXPFILL}},
        {&f.ei_noise_unknown_field, {"funxmpp.noise.unnamed_field", PI_PROTOCOL, PI_NOTE, "Handshake field the spec does not name", EXPFILL}},
        {&f.ei_noise_extended, {"funxmpp.noise.extended", PI_PROTOCOL, PI_WARN, "Post-quantum or extended handshake field: the key schedule of the classic XX may not apply", EXPFILL}},
        {&f.ei_noise_unknown_version, {"funxmpp.noise.unknown_version", PI_PROTOCOL, PI_WARN, "Successor version with no known node dictionary", EXPFILL}},
        {&f.ei_noise_lost, {"funxmpp.noise.lost", PI_UNDECODED, PI_WARN, "The stream cannot be followed from here", EXPFILL}},
        {&f.ei_noise_cut_short, {"funxmpp.noise.cut_short", PI_UNDECODED, PI_WARN, "Frame cut short by the capture", EXPFILL}},
        {&f.ei_noise_tag_mismatch, {"funxmpp.noise.tag_mismatch", PI_DECRYPTION, PI_WARN, "AES-GCM tag mismatch", EXPFILL}},
        {&f.ei_noise_no_dictionary, {"funxmpp.noise.no_dictionary", PI_UNDECODED, PI_NOTE, "No node dictionary for this version", EXPFILL}},
        {&f.ei_noise_empty_plaintext, {"funxmpp.malformed.empty_plaintext", PI_MALFORMED, PI_ERROR, "Decrypted frame without a flags byte", EXPFILL}},
        {&f.ei_noise_unknown_flags, {"funxmpp.noise.unknown_flags", PI_PROTOCOL, PI_WARN, "Flag bits other than 0x02 (zlib) set", EXPFILL}},
        {&f.ei_noise_not_opened, {"funxmpp.noise.not_opened", PI_DECRYPTION, PI_WARN, "The key log's WA_NOISE_CLIENT line does not open this handshake", EXPFILL}},
        {&f.ei_noise_cert_mismatch, {"funxmpp.noise.cert_mismatch", PI_SECURITY, PI_WARN, "The leaf certificate's key is not the server's static key", EXPFILL}},
        {&f.ei_noise_resynchronised, {"funxmpp.noise.resynchronised", PI_SEQUENCE, PI_NOTE, "Frames lost before this one: found again by its tag", EXPFILL}},
        {&f.ei_noise_encrypted, {"funxmpp.noise.encrypted", PI_UNDECODED, PI_NOTE, "Encrypted transport frame, no key", EXPFILL}},
        {&f.ei_stopped, {"funxmpp.decryption_stopped", PI_UNDECODED, PI_NOTE, "Not decrypted: an earlier frame of this direction failed", EXPFILL}},
    };

    proto_register_field_array(f.proto, hf, array_length(hf));
    proto_register_field_array(f.proto, named, array_length(named));
    proto_register_field_array(f.proto, noise_hf, array_length(noise_hf));
    register_noise_message_fields();
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(f.proto);
    expert_register_field_array(expert, ei, array_length(ei));
    register_e2e_fields(f.proto, expert);
    register_media_transfer(f.proto, expert);
}

}  // namespace funxmpp::ws
