// SPDX-License-Identifier: GPL-2.0-or-later
// Protocol wareg: WhatsApp's registration API (spec 6) as Wireshark's HTTP dissector sees
// it, cleartext or TLS-decrypted. A postdissector that reads HTTP's fields (request URI,
// body, request/response links), decodes the requests and summarises the JSON answers, and
// hands a disclosed password to the FunXMPP logins later in the capture.
#include "ws_compat.h"

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/proto_data.h>
#include <wsutil/wsjson.h>

#include <cmath>
#include <cstring>
#include <string>

#include "capture_state.hpp"
#include "codec/text.hpp"
#include "registration/registration.hpp"

namespace funxmpp::ws {

namespace {

int proto_wareg = -1;
int hf_endpoint = -1, hf_cc = -1, hf_in = -1, hf_phone = -1, hf_id = -1, hf_method = -1, hf_code = -1,
    hf_token = -1, hf_lg = -1, hf_lc = -1, hf_mcc = -1, hf_mnc = -1, hf_sim_mcc = -1, hf_sim_mnc = -1,
    hf_param = -1, hf_status = -1, hf_reason = -1, hf_login = -1, hf_type = -1, hf_expiration = -1,
    hf_retry_after = -1, hf_kind = -1, hf_pw = -1, hf_request_in = -1, hf_response_in = -1, hf_pw_handed = -1;
int ett_wareg = -1;
expert_field ei_password = EI_INIT;

// HTTP's fields, read from the tree (found at handoff).
int hf_http_uri = -1, hf_http_body = -1, hf_http_response_for = -1, hf_http_request_in = -1,
    hf_http_response_in = -1, hf_http_response = -1;

dissector_handle_t wareg_handle;

field_info *first_field(proto_tree *tree, int hf)
{
    if (hf < 0)
        return nullptr;
    GPtrArray *a = proto_get_finfo_ptr_array(tree, hf);
    return a != nullptr && a->len > 0 ? static_cast<field_info *>(g_ptr_array_index(a, 0)) : nullptr;
}

// An HTTP field as text. The body (http.file_data) is a string up to 4.0 and bytes since 4.2,
// so the type decides: bytes are read where the field lies in the packet (NUL-terminated copy
// in the packet's scope); any other type is not text. Asking a field for a value of another
// type aborts tshark.
const char *string_of(packet_info *pinfo, field_info *fi)
{
    if (fi == nullptr)
        return nullptr;
    if (FT_IS_STRING(fi->hfinfo->type))
        return fvalue_get_string(FUNXMPP_FI_VALUE(fi));
    if (fi->hfinfo->type != FT_BYTES || fi->ds_tvb == nullptr || fi->start < 0 || fi->length < 0 ||
        !tvb_bytes_exist(fi->ds_tvb, fi->start, fi->length))
        return nullptr;
    auto *text = static_cast<char *>(wmem_alloc(pinfo->pool, static_cast<std::size_t>(fi->length) + 1));
    tvb_memcpy(fi->ds_tvb, text, fi->start, static_cast<std::size_t>(fi->length));
    text[fi->length] = '\0';
    return text;
}

// The summary replaces HTTP's Info text: HTTP fenced it off, and since 4.2 what carried HTTP
// (TLS, say) may have left the columns read-only.
void set_columns(packet_info *pinfo, const char *summary)
{
    col_set_writable(pinfo->cinfo, -1, true);
    col_set_writable(pinfo->cinfo, COL_PROTOCOL, true);
    col_set_writable(pinfo->cinfo, COL_INFO, true);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "WAREG");
    col_clear_fence(pinfo->cinfo, COL_INFO);
    col_add_str(pinfo->cinfo, COL_INFO, summary);
}

// The request's parameters, named fields for the known ones (spec 6.2).
void add_parameters(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int start, int length, const Parameters &params)
{
    struct Named {
        const char *name;
        int *hf;
    };
    const Named kNamed[] = {{"cc", &hf_cc},       {"in", &hf_in},   {"method", &hf_method},   {"code", &hf_code},
                            {"token", &hf_token}, {"lg", &hf_lg},   {"lc", &hf_lc},           {"mcc", &hf_mcc},
                            {"mnc", &hf_mnc},     {"sim_mcc", &hf_sim_mcc}, {"sim_mnc", &hf_sim_mnc}};
    for (const auto &[name, value] : params) {
        if (name == "id") {
            // The identity: raw bytes once percent-decoded (20 random bytes, or a 32-char md5 hex).
            proto_tree_add_bytes_with_length(tree, hf_id, tvb, start, length,
                                             reinterpret_cast<const guint8 *>(value.data()),
                                             static_cast<gint>(value.size()));
            continue;
        }
        int hf = -1;
        for (const Named &n : kNamed)
            if (name == n.name)
                hf = *n.hf;
        const char *v = wmem_strdup(pinfo->pool, value.c_str());
        if (hf != -1)
            proto_tree_add_string(tree, hf, tvb, start, length, v);
        else
            proto_tree_add_string_format_value(tree, hf_param, tvb, start, length,
                                               wmem_strdup_printf(pinfo->pool, "%s=%s", name.c_str(), v), "%s = %s",
                                               name.c_str(), v);
    }
    const std::string *cc = find_parameter(params, "cc"), *in = find_parameter(params, "in");
    if (cc != nullptr && in != nullptr)
        proto_item_set_generated(
            proto_tree_add_string(tree, hf_phone, tvb, start, length, wmem_strdup_printf(pinfo->pool, "%s%s", cc->c_str(), in->c_str())));
}

void dissect_request(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, field_info *uri_fi, const Endpoint &e)
{
    const char *uri = string_of(pinfo, uri_fi);
    char summary[256];
    Parameters params;
    {   // C++ temporaries live only here.
        params = query_parameters(uri);
        if (params.empty() && e.path.size() > 4 && e.path.compare(e.path.size() - 4, 4, ".php") == 0)
            if (const char *body = string_of(pinfo, first_field(tree, hf_http_body)))
                params = parse_form(body);  // v1: POSTed form
        std::snprintf(summary, sizeof summary, "%s", request_summary(e, params).c_str());
    }
    tvbuff_t *src = uri_fi->ds_tvb != nullptr ? uri_fi->ds_tvb : tvb;
    proto_item *ti = proto_tree_add_item(tree, proto_wareg, src, uri_fi->start, uri_fi->length, ENC_NA);
    proto_item_append_text(ti, ", %s", summary);
    proto_tree *wt = proto_item_add_subtree(ti, ett_wareg);
    proto_tree_add_string(wt, hf_endpoint, src, uri_fi->start, uri_fi->length, wmem_strdup(pinfo->pool, e.path.c_str()));
    add_parameters(wt, pinfo, src, uri_fi->start, uri_fi->length, params);
    if (field_info *resp = first_field(tree, hf_http_response_in))
        proto_item_set_generated(proto_tree_add_uint(wt, hf_response_in, src, 0, 0, fvalue_get_uinteger(FUNXMPP_FI_VALUE(resp))));
    set_columns(pinfo, summary);
}

void dissect_answer(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, field_info *body_fi, const Endpoint &e)
{
    const char *body = string_of(pinfo, body_fi);
    if (body == nullptr || !json_validate(reinterpret_cast<const guint8 *>(body), std::strlen(body)))
        return;
    char *buf = wmem_strdup(pinfo->pool, body);
    int count = json_parse(buf, nullptr, 0);
    if (count <= 0)
        return;
    auto *tokens = static_cast<jsmntok_t *>(wmem_alloc_array(pinfo->pool, jsmntok_t, count));
    if (json_parse(buf, tokens, static_cast<unsigned>(count)) <= 0 || tokens[0].type != JSMN_OBJECT)
        return;
    // json_get_string decodes in place: each lookup on its own copy.
    auto get = [&](const char *name) -> const char * {
        char *copy = wmem_strdup(pinfo->pool, body);
        json_parse(copy, tokens, static_cast<unsigned>(count));
        return json_get_string(copy, tokens, name);
    };
    auto number = [&](const char *name, double &out) {
        char *copy = wmem_strdup(pinfo->pool, body);
        json_parse(copy, tokens, static_cast<unsigned>(count));
        return json_get_double(copy, tokens, name, &out) != FALSE;
    };

    tvbuff_t *src = body_fi->ds_tvb != nullptr ? body_fi->ds_tvb : tvb;
    const int start = body_fi->start, length = body_fi->length;
    const char *status = get("status");
    proto_item *ti = proto_tree_add_item(tree, proto_wareg, src, start, length, ENC_NA);
    const char *summary = wmem_strdup_printf(pinfo->pool, "%s answer: %s", e.name.c_str(), status ? status : "?");
    proto_tree *wt = proto_item_add_subtree(ti, ett_wareg);
    proto_tree_add_string(wt, hf_endpoint, src, start, length, wmem_strdup(pinfo->pool, e.path.c_str()));
    if (field_info *req = first_field(tree, hf_http_request_in))
        proto_item_set_generated(proto_tree_add_uint(wt, hf_request_in, src, 0, 0, fvalue_get_uinteger(FUNXMPP_FI_VALUE(req))));

    const struct {
        const char *name;
        int hf;
    } kStrings[] = {{"status", hf_status}, {"reason", hf_reason}, {"login", hf_login}, {"type", hf_type},
                    {"kind", hf_kind},     {"method", hf_method}};
    for (const auto &k : kStrings)
        if (const char *v = get(k.name))
            proto_tree_add_string(wt, k.hf, src, start, length, v);
    if (const char *reason = get("reason"))
        summary = wmem_strdup_printf(pinfo->pool, "%s (%s)", summary, reason);
    double v;
    if (number("retry_after", v) && v >= 0 && v < 4294967296.0)
        proto_tree_add_uint(wt, hf_retry_after, src, start, length, static_cast<guint32>(v));
    if (number("expiration", v) && v >= 0) {
        nstime_t t;
        t.secs = static_cast<time_t>(v);
        t.nsecs = 0;
        proto_tree_add_time(wt, hf_expiration, src, start, length, &t);
    }
    const char *login = get("login");
    if (const char *pw = get("pw")) {
        proto_item *pi = proto_tree_add_string(wt, hf_pw, src, start, length, pw);
        expert_add_info(pinfo, pi, &ei_password);
        if (login != nullptr && status != nullptr && std::strcmp(status, "ok") == 0) {
            if (!PINFO_FD_VISITED(pinfo))
                remember_registration_password(login, pw, pinfo->num);
            proto_item_set_generated(proto_tree_add_string(wt, hf_pw_handed, src, start, length, login));
        }
        if (login != nullptr)
            summary = wmem_strdup_printf(pinfo->pool, "%s, password of %s", summary, login);
    }
    proto_item_append_text(ti, ", %s", summary);
    set_columns(pinfo, summary);
}

// A string field may have no value (4.4 leaves some generated HTTP items empty in a first
// pass that shows nothing): no URI, no endpoint.
std::optional<Endpoint> endpoint_of(const char *uri)
{
    return uri != nullptr ? registration_endpoint(uri) : std::nullopt;
}

int dissect_wareg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *)
{
    if (tree == nullptr)
        return 0;
    // A response names its request's URI: http.response_for.uri up to 4.0, a generated
    // http.request.uri since (so http.request.uri alone does not make a request).
    if (first_field(tree, hf_http_response) != nullptr) {
        field_info *for_uri = first_field(tree, hf_http_response_for);
        std::optional<Endpoint> e =
            endpoint_of(string_of(pinfo, for_uri != nullptr ? for_uri : first_field(tree, hf_http_uri)));
        field_info *body = first_field(tree, hf_http_body);
        if (e && body != nullptr)
            dissect_answer(tvb, pinfo, tree, body, *e);
        return 0;
    }
    if (field_info *uri = first_field(tree, hf_http_uri)) {
        std::optional<Endpoint> e = endpoint_of(string_of(pinfo, uri));
        if (e)
            dissect_request(tvb, pinfo, tree, uri, *e);
    }
    return 0;
}

}  // namespace

void proto_register_wareg()
{
    static hf_register_info hf[] = {
        {&hf_endpoint, {"Endpoint", "wareg.endpoint", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_cc, {"Country code", "wareg.cc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_in, {"National number", "wareg.in", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_phone, {"Phone", "wareg.phone", FT_STRING, BASE_NONE, nullptr, 0x0, "cc followed by in", HFILL}},
        {&hf_id, {"Identity", "wareg.id", FT_BYTES, BASE_NONE, nullptr, 0x0, "Device identity, percent-decoded", HFILL}},
        {&hf_method, {"Method", "wareg.method", FT_STRING, BASE_NONE, nullptr, 0x0, "sms or voice", HFILL}},
        {&hf_code, {"Code", "wareg.code", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_token, {"Token", "wareg.token", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_lg, {"Language", "wareg.lg", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_lc, {"Locale country", "wareg.lc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_mcc, {"MCC", "wareg.mcc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_mnc, {"MNC", "wareg.mnc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_sim_mcc, {"SIM MCC", "wareg.sim_mcc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_sim_mnc, {"SIM MNC", "wareg.sim_mnc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_param, {"Parameter", "wareg.param", FT_STRING, BASE_NONE, nullptr, 0x0, "Any other parameter, name=value", HFILL}},
        {&hf_status, {"Status", "wareg.status", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_reason, {"Reason", "wareg.reason", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&hf_login, {"Login", "wareg.login", FT_STRING, BASE_NONE, nullptr, 0x0, "The XMPP user (cc and in)", HFILL}},
        {&hf_type, {"Type", "wareg.type", FT_STRING, BASE_NONE, nullptr, 0x0, "new or existing", HFILL}},
        {&hf_expiration, {"Expiration", "wareg.expiration", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, nullptr, 0x0, nullptr, HFILL}},
        {&hf_retry_after, {"Retry after (s)", "wareg.retry_after", FT_UINT32, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
        {&hf_kind, {"Kind", "wareg.kind", FT_STRING, BASE_NONE, nullptr, 0x0, "free or paid", HFILL}},
        {&hf_pw, {"Password (secret)", "wareg.pw", FT_STRING, BASE_NONE, nullptr, 0x0,
                  "The account password: it decrypts this account's FunXMPP sessions", HFILL}},
        {&hf_pw_handed, {"Password used for the FunXMPP logins of", "wareg.pw_used_for", FT_STRING, BASE_NONE, nullptr,
                         0x0, nullptr, HFILL}},
        {&hf_request_in, {"Request in", "wareg.request_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, nullptr, HFILL}},
        {&hf_response_in, {"Answer in", "wareg.answer_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, nullptr, HFILL}},
    };
    static int *ett[] = {&ett_wareg};
    static ei_register_info ei[] = {
        {&ei_password, {"wareg.password_disclosed", PI_SECURITY, PI_NOTE, "The answer carries the account password", EXPFILL}},
    };
    proto_wareg = proto_register_protocol("WhatsApp registration API", "WAREG", "wareg");
    proto_register_field_array(proto_wareg, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_wareg), ei, array_length(ei));
    wareg_handle = register_dissector("wareg", dissect_wareg, proto_wareg);
}

void proto_reg_handoff_wareg()
{
    hf_http_uri = proto_registrar_get_id_byname("http.request.uri");
    hf_http_body = proto_registrar_get_id_byname("http.file_data");
    hf_http_response_for = proto_registrar_get_id_byname("http.response_for.uri");
    hf_http_request_in = proto_registrar_get_id_byname("http.request_in");
    hf_http_response_in = proto_registrar_get_id_byname("http.response_in");
    hf_http_response = proto_registrar_get_id_byname("http.response");
    register_postdissector(wareg_handle);
    GArray *wanted = g_array_new(FALSE, FALSE, sizeof(int));
    for (int hf : {hf_http_uri, hf_http_body, hf_http_response_for, hf_http_request_in, hf_http_response_in,
                   hf_http_response})
        if (hf != -1)
            g_array_append_val(wanted, hf);
    set_postdissector_wanted_hfids(wareg_handle, wanted);
}

}  // namespace funxmpp::ws
