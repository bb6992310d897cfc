// SPDX-License-Identifier: GPL-2.0-or-later
#include "e2e/envelope_view.hpp"

#include <cstring>
#include <string>

#include "cpp_scope.hpp"
#include "e2e/media_transfer.hpp"
#include "e2e/payload_decrypt.hpp"

namespace funxmpp::ws {

namespace {

using e2e::EnvelopeType;

struct E2eFields {
    int envelope = -1, type = -1, version = -1, message = -1;
    int ratchet_key = -1, counter = -1, previous_counter = -1, ciphertext = -1, mac = -1;
    int registration_id = -1, prekey_id = -1, signed_prekey_id = -1, base_key = -1, identity_key = -1;
    int sender_key_id = -1, iteration = -1, signature = -1;
    int decrypted = -1, key_source = -1, plaintext = -1, json = -1, text = -1, field = -1;
    int ett_envelope = -1, ett_message = -1, ett_payload = -1, ett_field = -1;
    expert_field ei_malformed = EI_INIT, ei_no_key = EI_INIT, ei_undecryptable = EI_INIT, ei_bad_message = EI_INIT,
                 ei_unknown_field = EI_INIT;
};
E2eFields hf;

void add_span(proto_tree *tree, int field, tvbuff_t *tvb, int base, const e2e::Span &s)
{
    if (s.present)
        proto_tree_add_item(tree, field, tvb, base + static_cast<int>(s.offset), static_cast<int>(s.length), ENC_NA);
}

void add_number(proto_tree *tree, int field, tvbuff_t *tvb, int base, const e2e::Number &n)
{
    if (n.present)
        proto_tree_add_uint64(tree, field, tvb, base + static_cast<int>(n.offset), static_cast<int>(n.length), n.value);
}

// A msg's fields (a msg envelope, or the one inside a pkmsg).
void add_msg_fields(proto_tree *tree, tvbuff_t *tvb, int base, const e2e::Envelope &e)
{
    add_span(tree, hf.ratchet_key, tvb, base, e.ratchet_key);
    add_number(tree, hf.counter, tvb, base, e.counter);
    add_number(tree, hf.previous_counter, tvb, base, e.previous_counter);
    add_span(tree, hf.ciphertext, tvb, base, e.ciphertext);
    add_span(tree, hf.mac, tvb, base, e.mac);
}

// A media message's JPEG thumbnail, shown by Wireshark's JPEG dissector (the GUI shows the picture).
void add_thumbnail(proto_tree *tree, tvbuff_t *plain, const e2e::ProtoItem &i, packet_info *pinfo)
{
    static dissector_handle_t jpeg = find_dissector("image-jfif");
    if (jpeg != nullptr)
        show_picture(jpeg, tvb_new_subset_length(plain, static_cast<int>(i.value_offset), static_cast<int>(i.value_length)),
                     pinfo, tree);
}

}  // namespace

void add_protobuf_fields(proto_tree *t, tvbuff_t *plain, packet_info *pinfo, const e2e::DecodedMessage &d, const char *what)
{
    proto_tree *open[e2e::kMaxProtoDepth + 1] = {t};
    for (const e2e::ProtoItem &i : d.items) {
        if (i.depth > e2e::kMaxProtoDepth)
            continue;
        proto_tree *parent = open[i.depth];
        proto_item *item = proto_tree_add_none_format(parent, hf.field, plain, static_cast<int>(i.offset),
                                                      static_cast<int>(i.length), "%s", i.label.c_str());
        if (i.message && i.depth < e2e::kMaxProtoDepth)
            open[i.depth + 1] = proto_item_add_subtree(item, hf.ett_field);
        if (i.unknown)
            expert_add_info(pinfo, item, &hf.ei_unknown_field);
        if (i.name == "jpegThumbnail" && i.value_length > 0)
            add_thumbnail(proto_item_add_subtree(item, hf.ett_field), plain, i, pinfo);
    }
    if (d.items_not_kept > 0)
        proto_tree_add_none_format(t, hf.field, plain, 0, 0, "… %zu more fields not shown", d.items_not_kept);
    // A Message Baileys could not read gets no JSON and no text: nothing is guessed.
    if (d.error != protobuf::Error::None) {
        const int at = static_cast<int>(d.error_offset);
        proto_tree_add_expert_format(t, pinfo, &hf.ei_bad_message, plain, at, tvb_reported_length_remaining(plain, at),
                                     "The %s protobuf does not parse at byte %d: %s", what, at, protobuf::error_text(d.error));
    } else if (d.too_deep) {
        proto_tree_add_expert_format(t, pinfo, &hf.ei_bad_message, plain, 0, 0,
                                     "The %s nests deeper than %u messages: not read beyond", what, e2e::kMaxProtoDepth);
    } else if (d.misread) {
        proto_tree_add_expert_format(t, pinfo, &hf.ei_bad_message, plain, 0, 0,
                                     "A field's wire type, or its packed values, do not fit its type in WAProto.proto");
    }
}

namespace {

// The Message field by field (nested messages as subtrees), the files it names (`decrypted`: an
// end-to-end one; a channel's files are not encrypted), its JSON and its texts.
void add_message(proto_tree *t, tvbuff_t *plain, packet_info *pinfo, const e2e::DecodedMessage &d, bool decrypted)
{
    add_protobuf_fields(t, plain, pinfo, d, "Message");
    if (!d.ok())
        return;
    if (decrypted)
        add_media_links(t, plain, pinfo, d);
    for (const std::string &text : d.texts)
        proto_tree_add_string(t, hf.text, plain, 0, 0, text.c_str());
    proto_item_set_generated(proto_tree_add_string(t, hf.json, plain, 0, 0, d.json.c_str()));
}

void add_key_source(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, int at, int length, guint32 line)
{
    proto_item_set_generated(proto_tree_add_string(
        t, hf.key_source, tvb, at, length, wmem_strdup_printf(pinfo->pool, "WA_SIGNAL_KEY (key log line %u)", line)));
}

// The payload opened with the key log (DESIGN 2.8), or why not.
void add_payload(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, int offset, const e2e::Span &ciphertext)
{
    const int at = offset + static_cast<int>(ciphertext.offset), length = static_cast<int>(ciphertext.length);
    const PayloadOutcome o = open_signal_payload(pinfo, tvb_get_ptr(tvb, at, length), ciphertext.length);
    proto_item_set_generated(proto_tree_add_boolean(t, hf.decrypted, tvb, at, length, o.status == PayloadOutcome::Opened));
    switch (o.status) {
    case PayloadOutcome::NoKeyLog:
        proto_tree_add_expert_format(t, pinfo, &hf.ei_no_key, tvb, at, length, "Not decrypted: %s", o.why);
        return;
    case PayloadOutcome::NoLine:
        proto_tree_add_expert_format(t, pinfo, &hf.ei_no_key, tvb, at, length,
                                     "Not decrypted: no WA_SIGNAL_KEY line in the key log names this payload "
                                     "(by the SHA-256 of its ciphertext)");
        return;
    case PayloadOutcome::Fault:
        add_key_source(t, tvb, pinfo, at, length, o.line_number);
        proto_tree_add_expert_format(t, pinfo, &hf.ei_undecryptable, tvb, at, length,
                                     "The WA_SIGNAL_KEY line %u does not open this payload: %s", o.line_number,
                                     e2e::payload_fault_text(o.fault));
        return;
    case PayloadOutcome::Opened:
        break;
    }
    add_key_source(t, tvb, pinfo, at, length, o.line_number);
    tvbuff_t *plain = tvb_new_child_real_data(tvb, o.message, static_cast<guint>(o.message_length),
                                              static_cast<gint>(o.message_length));
    add_new_data_source(pinfo, plain, "Decrypted Signal payload");
    proto_item *whole = proto_tree_add_item(t, hf.plaintext, plain, 0, -1, ENC_NA);
    add_message(proto_item_add_subtree(whole, hf.ett_payload), plain, pinfo, *o.decoded, true);
}

}  // namespace

void register_e2e_fields(int proto, expert_module_t *expert)
{
    static hf_register_info fields[] = {
        {&hf.envelope, {"Signal envelope", "funxmpp.e2e", FT_NONE, BASE_NONE, nullptr, 0x0,
                        "An end-to-end encrypted payload: the content of an <enc> node", HFILL}},
        {&hf.type, {"Type", "funxmpp.e2e.type", FT_STRING, BASE_NONE, nullptr, 0x0,
                    "msg (a Signal session's message), pkmsg (one that opens a session) or skmsg (a group's)",
                    HFILL}},
        {&hf.version, {"Version", "funxmpp.e2e.version", FT_UINT8, BASE_HEX, nullptr, 0x0,
                       "0x33: Signal protocol version 3", HFILL}},
        {&hf.message, {"Message", "funxmpp.e2e.message", FT_NONE, BASE_NONE, nullptr, 0x0,
                       "The msg envelope a pkmsg carries", HFILL}},
        {&hf.ratchet_key, {"Ratchet key", "funxmpp.e2e.ratchet_key", FT_BYTES, BASE_NONE, nullptr, 0x0,
                           "The sender's ratchet public key (0x05 and a Curve25519 key)", HFILL}},
        {&hf.counter, {"Counter", "funxmpp.e2e.counter", FT_UINT64, BASE_DEC, nullptr, 0x0,
                       "Number of the message in its sending chain", HFILL}},
        {&hf.previous_counter, {"Previous counter", "funxmpp.e2e.previous_counter", FT_UINT64, BASE_DEC, nullptr, 0x0,
                                "Length of the sender's previous sending chain", HFILL}},
        {&hf.ciphertext, {"Ciphertext", "funxmpp.e2e.ciphertext", FT_BYTES, BASE_NONE, nullptr, 0x0,
                          "AES-256-CBC ciphertext of the padded Message protobuf", HFILL}},
        {&hf.mac, {"MAC", "funxmpp.e2e.mac", FT_BYTES, BASE_NONE, nullptr, 0x0,
                   "The first 8 bytes of the message's HMAC-SHA256", HFILL}},
        {&hf.registration_id, {"Registration ID", "funxmpp.e2e.registration_id", FT_UINT64, BASE_DEC, nullptr, 0x0,
                               "The sender's registration id", HFILL}},
        {&hf.prekey_id, {"Prekey ID", "funxmpp.e2e.prekey_id", FT_UINT64, BASE_DEC, nullptr, 0x0,
                         "The recipient's one-time prekey used to open the session", HFILL}},
        {&hf.signed_prekey_id, {"Signed prekey ID", "funxmpp.e2e.signed_prekey_id", FT_UINT64, BASE_DEC, nullptr, 0x0,
                                "The recipient's signed prekey used to open the session", HFILL}},
        {&hf.base_key, {"Base key", "funxmpp.e2e.base_key", FT_BYTES, BASE_NONE, nullptr, 0x0,
                        "The sender's base public key for the session", HFILL}},
        {&hf.identity_key, {"Identity key", "funxmpp.e2e.identity_key", FT_BYTES, BASE_NONE, nullptr, 0x0,
                            "The sender's identity public key", HFILL}},
        {&hf.sender_key_id, {"Sender key ID", "funxmpp.e2e.sender_key_id", FT_UINT64, BASE_DEC, nullptr, 0x0,
                             "Which of the sender's group keys", HFILL}},
        {&hf.iteration, {"Iteration", "funxmpp.e2e.iteration", FT_UINT64, BASE_DEC, nullptr, 0x0,
                         "Number of the message in the sender key's chain", HFILL}},
        {&hf.signature, {"Signature", "funxmpp.e2e.signature", FT_BYTES, BASE_NONE, nullptr, 0x0,
                         "The sender's signature of the group message", HFILL}},
        {&hf.decrypted, {"Decrypted", "funxmpp.e2e.decrypted", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
                         "The payload opened with a WA_SIGNAL_KEY line of the key log", HFILL}},
        {&hf.key_source, {"Key source", "funxmpp.e2e.key_source", FT_STRING, BASE_NONE, nullptr, 0x0,
                          "Which key log line holds the payload's key", HFILL}},
        {&hf.plaintext, {"Message protobuf", "funxmpp.e2e.plaintext", FT_BYTES, BASE_NONE, nullptr, 0x0,
                         "The decrypted payload without its padding: a Message protobuf", HFILL}},
        {&hf.field, {"Message field", "funxmpp.e2e.field", FT_NONE, BASE_NONE, nullptr, 0x0,
                     "A field of the Message, named as in WAProto.proto", HFILL}},
        {&hf.json, {"JSON", "funxmpp.e2e.json", FT_STRING, BASE_NONE, nullptr, 0x0,
                    "The Message as JSON, as Baileys' proto.Message.toJSON() prints it", HFILL}},
        {&hf.text, {"Text", "funxmpp.e2e.text", FT_STRING, BASE_NONE, nullptr, 0x0,
                    "What the message says: its text, or a caption", HFILL}},
    };
    static int *ett[] = {&hf.ett_envelope, &hf.ett_message, &hf.ett_payload, &hf.ett_field};
    static ei_register_info ei[] = {
        {&hf.ei_malformed, {"funxmpp.e2e.malformed", PI_MALFORMED, PI_ERROR, "Malformed Signal envelope", EXPFILL}},
        {&hf.ei_no_key, {"funxmpp.e2e.no_key", PI_UNDECODED, PI_NOTE, "End-to-end payload not decrypted", EXPFILL}},
        {&hf.ei_undecryptable, {"funxmpp.e2e.undecryptable", PI_DECRYPTION, PI_WARN,
                                "End-to-end payload does not open with its key", EXPFILL}},
        {&hf.ei_bad_message, {"funxmpp.e2e.bad_message", PI_MALFORMED, PI_ERROR,
                              "The decrypted Message protobuf does not parse", EXPFILL}},
        {&hf.ei_unknown_field, {"funxmpp.e2e.unknown_field", PI_UNDECODED, PI_NOTE,
                                "A Message field WAProto.proto does not name (left out of the JSON)", EXPFILL}},
    };
    proto_register_field_array(proto, fields, array_length(fields));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert, ei, array_length(ei));
}

bool e2e_fields_referenced(proto_tree *tree)
{
    for (int field : {hf.envelope, hf.type, hf.version, hf.message, hf.ratchet_key, hf.counter, hf.previous_counter,
                      hf.ciphertext, hf.mac, hf.registration_id, hf.prekey_id, hf.signed_prekey_id, hf.base_key,
                      hf.identity_key, hf.sender_key_id, hf.iteration, hf.signature, hf.decrypted, hf.key_source,
                      hf.plaintext, hf.field, hf.json, hf.text, hf.ei_malformed.hf, hf.ei_no_key.hf,
                      hf.ei_undecryptable.hf, hf.ei_bad_message.hf, hf.ei_unknown_field.hf})
        if (proto_field_is_referenced(tree, field))
            return true;
    return media_links_referenced(tree);
}

void add_envelope_not_bytes(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, int offset, int length, EnvelopeType type)
{
    proto_tree_add_expert_format(tree, pinfo, &hf.ei_malformed, tvb, offset, length,
                                 "Malformed Signal %s envelope: the <enc> content is not bytes", e2e::envelope_type_name(type));
}

namespace {

// What a read Message says: its first text cut for a column, its JSON if wanted (only if
// Baileys could read it).
EnvelopeSays says_of(const e2e::DecodedMessage &d, packet_info *pinfo, bool want_json)
{
    EnvelopeSays says{nullptr, nullptr};
    if (!d.ok())
        return says;
    if (want_json)
        says.json = wmem_strdup(pinfo->pool, d.json.c_str());
    if (d.texts.empty())
        return says;
    const std::string &text = d.texts.front();
    constexpr std::size_t kColumnText = 80;
    std::size_t cut = text.size() <= kColumnText ? text.size() : kColumnText;
    while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;  // not inside a UTF-8 sequence
    says.text = wmem_strdup_printf(pinfo->pool, "%.*s%s", static_cast<int>(cut), text.c_str(), cut < text.size() ? "…" : "");
    return says;
}

}  // namespace

EnvelopeSays plaintext_says(tvbuff_t *tvb, int offset, int size, packet_info *pinfo, bool want_json)
{
    const e2e::DecodedMessage *d = read_plain_message(tvb_get_ptr(tvb, offset, size), static_cast<std::size_t>(size));
    return d != nullptr ? says_of(*d, pinfo, want_json) : EnvelopeSays{nullptr, nullptr};
}

void add_plaintext(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, int offset, int size)
{
    const e2e::DecodedMessage *d = read_plain_message(tvb_get_ptr(tvb, offset, size), static_cast<std::size_t>(size));
    proto_item *whole = proto_tree_add_item(tree, hf.plaintext, tvb, offset, size, ENC_NA);
    proto_item_append_text(whole, " (in the clear)");
    proto_tree *t = proto_item_add_subtree(whole, hf.ett_payload);
    proto_item_set_generated(proto_tree_add_string(t, hf.type, tvb, offset, 0, "plaintext"));
    if (d != nullptr)
        add_message(t, tvb_new_subset_length(tvb, offset, size), pinfo, *d, false);
}

EnvelopeSays envelope_says(tvbuff_t *tvb, int offset, int size, EnvelopeType type, packet_info *pinfo, bool want_json)
{
    EnvelopeSays says{nullptr, nullptr};
    const e2e::Envelope e = e2e::parse_envelope(type, tvb_get_ptr(tvb, offset, size), static_cast<std::size_t>(size));
    if (!e.ok())
        return says;
    const int at = offset + static_cast<int>(e.ciphertext.offset);
    const PayloadOutcome o = open_signal_payload(pinfo, tvb_get_ptr(tvb, at, static_cast<int>(e.ciphertext.length)), e.ciphertext.length);
    return o.status == PayloadOutcome::Opened ? says_of(*o.decoded, pinfo, want_json) : says;
}

void add_envelope(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, int offset, int size, EnvelopeType type)
{
    const guint8 *bytes = tvb_get_ptr(tvb, offset, size);
    const e2e::Envelope e = e2e::parse_envelope(type, bytes, static_cast<std::size_t>(size));
    const char *name = e2e::envelope_type_name(type);
    proto_item *top = proto_tree_add_item(tree, hf.envelope, tvb, offset, size, ENC_NA);
    proto_item_append_text(top, " (%s)", name);
    proto_tree *t = proto_item_add_subtree(top, hf.ett_envelope);
    proto_item_set_generated(proto_tree_add_string(t, hf.type, tvb, offset, 0, name));
    if (size > 0)
        proto_tree_add_item(t, hf.version, tvb, offset, 1, ENC_NA);
    switch (type) {
    case EnvelopeType::Msg:
        add_msg_fields(t, tvb, offset, e);
        break;
    case EnvelopeType::PreKeyMsg:
        add_number(t, hf.registration_id, tvb, offset, e.registration_id);
        add_number(t, hf.prekey_id, tvb, offset, e.prekey_id);
        add_number(t, hf.signed_prekey_id, tvb, offset, e.signed_prekey_id);
        add_span(t, hf.base_key, tvb, offset, e.base_key);
        add_span(t, hf.identity_key, tvb, offset, e.identity_key);
        if (e.inner.present) {
            const int inner = offset + static_cast<int>(e.inner.offset);
            proto_item *m = proto_tree_add_item(t, hf.message, tvb, inner, static_cast<int>(e.inner.length), ENC_NA);
            proto_item_append_text(m, " (msg)");
            proto_tree *mt = proto_item_add_subtree(m, hf.ett_message);
            if (e.inner.length > 0)
                proto_tree_add_item(mt, hf.version, tvb, inner, 1, ENC_NA);
            add_msg_fields(mt, tvb, offset, e);
        }
        break;
    case EnvelopeType::SenderKeyMsg:
        add_number(t, hf.sender_key_id, tvb, offset, e.sender_key_id);
        add_number(t, hf.iteration, tvb, offset, e.iteration);
        add_span(t, hf.ciphertext, tvb, offset, e.ciphertext);
        add_span(t, hf.signature, tvb, offset, e.signature);
        break;
    }
    if (e.ok()) {
        add_payload(t, tvb, pinfo, offset, e.ciphertext);
        return;
    }
    char why[160] = "";
    cpp_scope([&] {
        const std::string text = e2e::describe_fault(e);
        std::strncpy(why, text.c_str(), sizeof why - 1);
    });
    const int at = static_cast<int>(e.fault_offset);
    proto_tree_add_expert_format(t, pinfo, &hf.ei_malformed, tvb, offset + at, size - at,
                                 "Malformed Signal %s envelope at byte %d: %s", name, at, why);
    proto_item_append_text(top, " [Malformed]");
}

}  // namespace funxmpp::ws
