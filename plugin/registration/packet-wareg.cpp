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

#include <cstring>
#include <string>

#include "capture_state.hpp"
#include "cpp_scope.hpp"
#include "registration/registration.hpp"

namespace funxmpp::ws {

namespace {

struct WaregFields {
    int proto = -1;
    int endpoint = -1, cc = -1, in = -1, phone = -1, id = -1, method = -1, code = -1, token = -1, lg = -1, lc = -1,
        mcc = -1, mnc = -1, sim_mcc = -1, sim_mnc = -1, param = -1, status = -1, reason = -1, login = -1,
        type = -1, expiration = -1, retry_after = -1, kind = -1, pw = -1, request_in = -1, response_in = -1,
        pw_handed = -1;
    int ett = -1;
    expert_field ei_password = EI_INIT;
    // HTTP's fields, read from the tree (found at handoff).
    int http_uri = -1, http_body = -1, http_response_for = -1, http_request_in = -1, http_response = -1;
};
WaregFields wf;

dissector_handle_t wareg_handle;

// ---- What a frame of the registration API said, kept for every pass ----------------------
//
// HTTP's fields can be read only in passes that primed them for postdissectors (tshark's first
// pass, the GUI's first pass), or where the whole tree is built: not in tshark's second pass,
// nor when a filter re-dissects. So what wareg learns is kept per frame, as plain data in
// wmem_file_scope, and every pass shows it from there.

struct WaregParam {
    const char *name, *value;
    guint32 value_length;  // the value may hold NUL bytes (the percent-decoded identity)
};

enum AnswerString { kStatus, kReason, kLogin, kType, kKind, kMethod, kAnswerStrings };
const char *const kAnswerStringNames[kAnswerStrings] = {"status", "reason", "login", "type", "kind", "method"};

struct WaregRecord {
    bool answer;
    const char *path, *summary;
    // A request: its parameters, and cc followed by in.
    guint32 param_count;
    const WaregParam *params;
    const char *phone;
    // An answer: its strings (nullptr when absent), the password, the numbers.
    const char *strings[kAnswerStrings];
    const char *pw;
    bool pw_handed, has_retry_after, has_expiration;
    guint32 retry_after;
    gint64 expiration;
    guint32 request_in, answer_in;  // frame numbers, 0 when unknown
};
FUNXMPP_PLAIN(WaregRecord);

wmem_map_t *records;  // frame number -> WaregRecord, reset with the capture file

WaregRecord *record_of(guint32 frame)
{
    return static_cast<WaregRecord *>(wmem_map_lookup(records, GUINT_TO_POINTER(frame)));
}

// The first occurrence of an HTTP field: from the primed arrays, else by walking a tree that
// is shown (the GUI's, -V), else nothing.
field_info *first_field(proto_tree *tree, int hf)
{
    if (hf < 0)
        return nullptr;
    GPtrArray *a = proto_get_finfo_ptr_array(tree, hf);
    if (a != nullptr && a->len > 0)
        return static_cast<field_info *>(g_ptr_array_index(a, 0));
    if (!PTREE_DATA(tree)->visible)
        return nullptr;
    GPtrArray *found = proto_find_first_finfo(tree, hf);  // a new array of at most one: ours to free
    field_info *fi = found->len > 0 ? static_cast<field_info *>(g_ptr_array_index(found, 0)) : nullptr;
    g_ptr_array_free(found, TRUE);
    return fi;
}

// An HTTP field as text. The body (http.file_data) is a string up to 4.0 and bytes since 4.2,
// so the type decides: bytes are read where the field lies in the packet (NUL-terminated copy
// in the packet's scope); any other type is not text. Asking a field for a value of another
// type aborts tshark. A string field may have no value (4.4 leaves some generated HTTP items
// empty in a first pass that shows nothing).
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

const char *keep(const std::string &s)
{
    return wmem_strndup(wmem_file_scope(), s.data(), s.size());
}

// A request's record, from its URI (and a v1 POST's form body). C++ temporaries live here only.
WaregRecord *learn_request(const char *uri, const char *body)
{
    auto *r = wmem_new0(wmem_file_scope(), WaregRecord);
    const bool ok = cpp_scope([&] {
        std::optional<Endpoint> e = registration_endpoint(uri);
        if (!e)
            return;
        Parameters params = query_parameters(uri);
        if (params.empty() && body != nullptr && e->path.size() > 4 && e->path.compare(e->path.size() - 4, 4, ".php") == 0)
            params = parse_form(body);  // v1: POSTed form
        r->path = keep(e->path);
        r->summary = keep(request_summary(*e, params));
        auto *kept = wmem_alloc_array(wmem_file_scope(), WaregParam, params.size());
        for (std::size_t i = 0; i < params.size(); ++i)
            kept[i] = WaregParam{keep(params[i].first), keep(params[i].second),
                                 static_cast<guint32>(params[i].second.size())};
        r->params = kept;
        r->param_count = static_cast<guint32>(params.size());
        const std::string *cc = find_parameter(params, "cc"), *in = find_parameter(params, "in");
        if (cc != nullptr && in != nullptr)
            r->phone = keep(*cc + *in);
    });
    return ok && r->path != nullptr ? r : nullptr;
}

// An answer's record, from its JSON body (wsjson: Wireshark's own parser).
WaregRecord *learn_answer(packet_info *pinfo, const char *path, const char *endpoint_name, const char *body)
{
    if (body == nullptr || !json_validate(reinterpret_cast<const guint8 *>(body), std::strlen(body)))
        return nullptr;
    char *buf = wmem_strdup(pinfo->pool, body);
    int count = json_parse(buf, nullptr, 0);
    if (count <= 0)
        return nullptr;
    auto *tokens = static_cast<jsmntok_t *>(wmem_alloc_array(pinfo->pool, jsmntok_t, count));
    if (json_parse(buf, tokens, static_cast<unsigned>(count)) <= 0 || tokens[0].type != JSMN_OBJECT)
        return nullptr;
    // json_get_string decodes in place: each lookup on its own copy.
    auto copy = [&]() {
        char *c = wmem_strdup(pinfo->pool, body);
        json_parse(c, tokens, static_cast<unsigned>(count));
        return c;
    };
    auto *r = wmem_new0(wmem_file_scope(), WaregRecord);
    r->answer = true;
    r->path = path;
    for (int i = 0; i < kAnswerStrings; ++i)
        if (const char *v = json_get_string(copy(), tokens, kAnswerStringNames[i]))
            r->strings[i] = wmem_strdup(wmem_file_scope(), v);
    if (const char *pw = json_get_string(copy(), tokens, "pw"))
        r->pw = wmem_strdup(wmem_file_scope(), pw);
    double v;
    if (json_get_double(copy(), tokens, "retry_after", &v) && v >= 0 && v < 4294967296.0) {
        r->has_retry_after = true;
        r->retry_after = static_cast<guint32>(v);
    }
    if (json_get_double(copy(), tokens, "expiration", &v) && v >= 0 && v < 1e15) {
        r->has_expiration = true;
        r->expiration = static_cast<gint64>(v);
    }
    const bool ok = cpp_scope([&] {
        Answer a;
        auto opt = [](const char *s) { return s != nullptr ? std::optional<std::string>(s) : std::nullopt; };
        a.status = opt(r->strings[kStatus]);
        a.reason = opt(r->strings[kReason]);
        a.login = opt(r->strings[kLogin]);
        a.pw = opt(r->pw);
        r->summary = keep(answer_summary(Endpoint{path, endpoint_name}, a));
        r->pw_handed = answer_discloses_password(a);
    });
    return ok ? r : nullptr;
}

// The name of an endpoint path ("/v2/register" -> "register"), for an answer whose request
// this pass cannot read.
const char *endpoint_name(const char *path)
{
    const char *name = nullptr;
    cpp_scope([&] {
        if (std::optional<Endpoint> e = registration_endpoint(path))
            name = keep(e->name);
    });
    return name;
}

// What this frame says, learnt the first time HTTP's fields can be read (normally the first
// pass; a later one when that pass could not read them).
WaregRecord *learn(packet_info *pinfo, proto_tree *tree)
{
    if (first_field(tree, wf.http_response) != nullptr) {
        // The request: ours, as learnt in its frame; else the URI HTTP names it by
        // (http.response_for.uri up to 4.0, a generated http.request.uri since).
        field_info *req = first_field(tree, wf.http_request_in);
        const guint32 request_in = req != nullptr ? fvalue_get_uinteger(FUNXMPP_FI_VALUE(req)) : 0;
        const WaregRecord *request = request_in != 0 ? record_of(request_in) : nullptr;
        const char *path = request != nullptr ? request->path : nullptr;
        if (path == nullptr) {
            field_info *for_uri = first_field(tree, wf.http_response_for);
            const char *uri = string_of(pinfo, for_uri != nullptr ? for_uri : first_field(tree, wf.http_uri));
            WaregRecord *named = uri != nullptr ? learn_request(uri, nullptr) : nullptr;
            path = named != nullptr ? named->path : nullptr;
        }
        const char *name = path != nullptr ? endpoint_name(path) : nullptr;
        if (name == nullptr)
            return nullptr;
        WaregRecord *r = learn_answer(pinfo, path, name, string_of(pinfo, first_field(tree, wf.http_body)));
        if (r == nullptr)
            return nullptr;
        r->request_in = request_in;
        if (WaregRecord *q = request_in != 0 ? record_of(request_in) : nullptr)
            q->answer_in = pinfo->num;
        if (r->pw_handed && !PINFO_FD_VISITED(pinfo)) {
            const char *login = r->strings[kLogin], *pw = r->pw;
            cpp_scope([&] { remember_registration_password(login, pw, pinfo->num); });
        }
        return r;
    }
    const char *uri = string_of(pinfo, first_field(tree, wf.http_uri));
    return uri != nullptr ? learn_request(uri, string_of(pinfo, first_field(tree, wf.http_body))) : nullptr;
}

// Where the items point: the HTTP field's bytes when this pass has them, else nowhere.
struct Location {
    tvbuff_t *tvb;
    int start, length;
};

Location location_of(tvbuff_t *tvb, proto_tree *tree, int hf)
{
    field_info *fi = first_field(tree, hf);
    if (fi == nullptr || fi->ds_tvb == nullptr)
        return Location{tvb, 0, 0};
    return Location{fi->ds_tvb, fi->start, fi->length};
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

void show_request(packet_info *pinfo, proto_tree *wt, const Location &at, const WaregRecord &r)
{
    struct Named {
        const char *name;
        int hf;
    };
    const Named kNamed[] = {{"cc", wf.cc},       {"in", wf.in},   {"method", wf.method},   {"code", wf.code},
                            {"token", wf.token}, {"lg", wf.lg},   {"lc", wf.lc},           {"mcc", wf.mcc},
                            {"mnc", wf.mnc},     {"sim_mcc", wf.sim_mcc}, {"sim_mnc", wf.sim_mnc}};
    for (guint32 i = 0; i < r.param_count; ++i) {
        const WaregParam &p = r.params[i];
        if (std::strcmp(p.name, "id") == 0) {
            // The identity: raw bytes once percent-decoded (20 random bytes, or a 32-char md5 hex).
            proto_tree_add_bytes_with_length(wt, wf.id, at.tvb, at.start, at.length,
                                             reinterpret_cast<const guint8 *>(p.value), static_cast<gint>(p.value_length));
            continue;
        }
        int hf = -1;
        for (const Named &n : kNamed)
            if (std::strcmp(p.name, n.name) == 0)
                hf = n.hf;
        if (hf != -1)
            proto_tree_add_string(wt, hf, at.tvb, at.start, at.length, p.value);
        else
            proto_tree_add_string_format_value(wt, wf.param, at.tvb, at.start, at.length,
                                               wmem_strdup_printf(pinfo->pool, "%s=%s", p.name, p.value),
                                               "%s = %s", p.name, p.value);
    }
    if (r.phone != nullptr)
        proto_item_set_generated(proto_tree_add_string(wt, wf.phone, at.tvb, at.start, at.length, r.phone));
    if (r.answer_in != 0)
        proto_item_set_generated(proto_tree_add_uint(wt, wf.response_in, at.tvb, 0, 0, r.answer_in));
}

void show_answer(packet_info *pinfo, proto_tree *wt, const Location &at, const WaregRecord &r)
{
    if (r.request_in != 0)
        proto_item_set_generated(proto_tree_add_uint(wt, wf.request_in, at.tvb, 0, 0, r.request_in));
    const int hfs[kAnswerStrings] = {wf.status, wf.reason, wf.login, wf.type, wf.kind, wf.method};
    for (int i = 0; i < kAnswerStrings; ++i)
        if (r.strings[i] != nullptr)
            proto_tree_add_string(wt, hfs[i], at.tvb, at.start, at.length, r.strings[i]);
    if (r.has_retry_after)
        proto_tree_add_uint(wt, wf.retry_after, at.tvb, at.start, at.length, r.retry_after);
    if (r.has_expiration) {
        nstime_t t;
        t.secs = static_cast<time_t>(r.expiration);
        t.nsecs = 0;
        proto_tree_add_time(wt, wf.expiration, at.tvb, at.start, at.length, &t);
    }
    if (r.pw != nullptr) {
        proto_item *pi = proto_tree_add_string(wt, wf.pw, at.tvb, at.start, at.length, r.pw);
        expert_add_info(pinfo, pi, &wf.ei_password);
        if (r.pw_handed)
            proto_item_set_generated(
                proto_tree_add_string(wt, wf.pw_handed, at.tvb, at.start, at.length, r.strings[kLogin]));
    }
}

int dissect_wareg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *)
{
    WaregRecord *r = record_of(pinfo->num);
    if (r == nullptr) {
        // Most frames carry no HTTP at all: a glance at the frame's layers spares walking their tree.
        if (tree == nullptr || !proto_is_frame_protocol(pinfo->layers, "http"))
            return 0;
        r = learn(pinfo, tree);  // HTTP's fields are read from the tree
        if (r == nullptr)
            return 0;
        wmem_map_insert(records, GUINT_TO_POINTER(pinfo->num), r);
    }
    set_columns(pinfo, r->summary);  // also in passes without a tree (the packet list alone)
    if (tree == nullptr)
        return 0;
    const Location at = location_of(tvb, tree, r->answer ? wf.http_body : wf.http_uri);
    proto_item *ti = proto_tree_add_item(tree, wf.proto, at.tvb, at.start, at.length, ENC_NA);
    proto_item_append_text(ti, ", %s", r->summary);
    proto_tree *wt = proto_item_add_subtree(ti, wf.ett);
    proto_tree_add_string(wt, wf.endpoint, at.tvb, at.start, at.length, r->path);
    if (r->answer)
        show_answer(pinfo, wt, at, *r);
    else
        show_request(pinfo, wt, at, *r);
    return 0;
}

}  // namespace

void proto_register_wareg()
{
    static hf_register_info hf[] = {
        {&wf.endpoint, {"Endpoint", "wareg.endpoint", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.cc, {"Country code", "wareg.cc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.in, {"National number", "wareg.in", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.phone, {"Phone", "wareg.phone", FT_STRING, BASE_NONE, nullptr, 0x0, "cc followed by in", HFILL}},
        {&wf.id, {"Identity", "wareg.id", FT_BYTES, BASE_NONE, nullptr, 0x0, "Device identity, percent-decoded", HFILL}},
        {&wf.method, {"Method", "wareg.method", FT_STRING, BASE_NONE, nullptr, 0x0, "sms or voice", HFILL}},
        {&wf.code, {"Code", "wareg.code", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.token, {"Token", "wareg.token", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.lg, {"Language", "wareg.lg", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.lc, {"Locale country", "wareg.lc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.mcc, {"MCC", "wareg.mcc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.mnc, {"MNC", "wareg.mnc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.sim_mcc, {"SIM MCC", "wareg.sim_mcc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.sim_mnc, {"SIM MNC", "wareg.sim_mnc", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.param, {"Parameter", "wareg.param", FT_STRING, BASE_NONE, nullptr, 0x0, "Any other parameter, name=value", HFILL}},
        {&wf.status, {"Status", "wareg.status", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.reason, {"Reason", "wareg.reason", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
        {&wf.login, {"Login", "wareg.login", FT_STRING, BASE_NONE, nullptr, 0x0, "The XMPP user (cc and in)", HFILL}},
        {&wf.type, {"Type", "wareg.type", FT_STRING, BASE_NONE, nullptr, 0x0, "new or existing", HFILL}},
        {&wf.expiration, {"Expiration", "wareg.expiration", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, nullptr, 0x0, nullptr, HFILL}},
        {&wf.retry_after, {"Retry after (s)", "wareg.retry_after", FT_UINT32, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
        {&wf.kind, {"Kind", "wareg.kind", FT_STRING, BASE_NONE, nullptr, 0x0, "free or paid", HFILL}},
        {&wf.pw, {"Password (secret)", "wareg.pw", FT_STRING, BASE_NONE, nullptr, 0x0,
                  "The account password: it decrypts this account's FunXMPP sessions", HFILL}},
        {&wf.pw_handed, {"Password used for the FunXMPP logins of", "wareg.pw_used_for", FT_STRING, BASE_NONE, nullptr,
                         0x0, nullptr, HFILL}},
        {&wf.request_in, {"Request in", "wareg.request_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, nullptr, HFILL}},
        {&wf.response_in, {"Answer in", "wareg.answer_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, nullptr, HFILL}},
    };
    static int *ett[] = {&wf.ett};
    static ei_register_info ei[] = {
        {&wf.ei_password, {"wareg.password_disclosed", PI_SECURITY, PI_NOTE, "The answer carries the account password", EXPFILL}},
    };
    wf.proto = proto_register_protocol("WhatsApp registration API", "WAREG", "wareg");
    proto_register_field_array(wf.proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(wf.proto), ei, array_length(ei));
    wareg_handle = register_dissector("wareg", dissect_wareg, wf.proto);
    records = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
}

void proto_reg_handoff_wareg()
{
    wf.http_uri = proto_registrar_get_id_byname("http.request.uri");
    wf.http_body = proto_registrar_get_id_byname("http.file_data");
    wf.http_response_for = proto_registrar_get_id_byname("http.response_for.uri");
    wf.http_request_in = proto_registrar_get_id_byname("http.request_in");
    wf.http_response = proto_registrar_get_id_byname("http.response");
    register_postdissector(wareg_handle);
    GArray *wanted = g_array_new(FALSE, FALSE, sizeof(int));
    for (int hf : {wf.http_uri, wf.http_body, wf.http_response_for, wf.http_request_in, wf.http_response})
        if (hf != -1)
            g_array_append_val(wanted, hf);
    set_postdissector_wanted_hfids(wareg_handle, wanted);
}

}  // namespace funxmpp::ws
