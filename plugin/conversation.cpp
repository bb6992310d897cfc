// SPDX-License-Identifier: GPL-2.0-or-later
#include "conversation.hpp"

#include <epan/conversation.h>
#include <epan/proto_data.h>

#include <cstring>
#include <memory>
#include <vector>

#include "capture_state.hpp"
#include "fields.hpp"
#include "funxmpp/secrets.hpp"

namespace funxmpp::ws {

// Login and cipher state lives in C++ objects for the life of the capture file; the
// conversation holds a plain pointer. Freed by the cleanup routine when the file closes.
namespace {

std::vector<std::unique_ptr<ConnectionSession>> sessions;
CaptureMemory capture_memory;

}  // namespace

ws_bool pref_registration_passwords = true;

void cleanup_sessions()
{
    sessions.clear();
    capture_memory = CaptureMemory{};
}

namespace {

// The passwords table first, then (if allowed) what registration answers disclosed.
std::optional<Credentials> lookup_credentials(const std::string &phone)
{
    if (std::optional<Credentials> c = lookup_password(phone))
        return c;
    if (pref_registration_passwords) {
        auto it = capture_memory.registered.find(phone);
        if (it != capture_memory.registered.end())
            return it->second;
    }
    return std::nullopt;
}

}  // namespace

ConnectionSession *session_of(ConversationState *st)
{
    if (st->session == nullptr) {
        sessions.push_back(std::make_unique<ConnectionSession>(st->dialect->version, capture_memory, lookup_credentials));
        st->session = sessions.back().get();
    }
    return st->session;
}

// ---- What the first pass learnt about a frame, for every later pass -----------------------

FrameFacts *frame_facts(packet_info *pinfo, StreamPosition position, bool create)
{
    auto *f = static_cast<FrameFacts *>(p_get_proto_data(wmem_file_scope(), pinfo, fields.proto, position));
    if (f == nullptr && create) {
        f = wmem_new0(wmem_file_scope(), FrameFacts);
        p_add_proto_data(wmem_file_scope(), pinfo, fields.proto, position, f);
    }
    return f;
}

const LoginFacts *keep_login(const LoginReport &r)
{
    auto *l = wmem_new0(wmem_file_scope(), LoginFacts);
    l->fast = r.fast;
    l->keys_derived = r.keys_derived;
    l->blob_valid = r.blob_valid;
    l->nonce_from_earlier_session = r.nonce_from_earlier_session;
    l->problem = r.problem;
    l->mechanism = r.mechanism;
    l->key_count = static_cast<guint8>(r.keys_derived ? r.keys.count : 0);
    for (std::size_t i = 0; i < l->key_count; ++i)
        std::memcpy(l->keys[i], r.keys.k[i].data(), kKeySize);
    l->phone = wmem_strdup(wmem_file_scope(), r.phone.c_str());
    l->password_source = wmem_strdup(wmem_file_scope(), r.password_source.c_str());
    l->nonce = static_cast<const guint8 *>(wmem_memdup(wmem_file_scope(), r.nonce.data(), r.nonce.size()));
    l->nonce_length = static_cast<guint32>(r.nonce.size());
    return l;
}

ConversationState *conversation_state(packet_info *pinfo, bool create)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    auto *st = static_cast<ConversationState *>(conversation_get_proto_data(conv, fields.proto));
    if (st == nullptr && create) {
        st = wmem_new0(wmem_file_scope(), ConversationState);
        conversation_add_proto_data(conv, fields.proto, st);
    }
    return st;
}

NoiseConnection *start_noise(ConversationState *st, packet_info *pinfo, bool over_websocket)
{
    auto *nc = wmem_new0(wmem_file_scope(), NoiseConnection);
    nc->over_websocket = over_websocket;
    for (NoiseDirection &d : nc->dir)
        d.phase = noise::Phase::Frames;
    nc->dir[kClientToServer].phase = noise::Phase::ClientStart;
    st->noise = nc;
    set_client(st, &pinfo->src, pinfo->srcport);
    return nc;
}

void set_client(ConversationState *st, const address *addr, guint32 port)
{
    copy_address_wmem(wmem_file_scope(), &st->client_addr, addr);
    st->client_port = port;
    st->client_known = true;
}

int direction(ConversationState *st, packet_info *pinfo, const range_t *server_ports)
{
    if (!st->client_known) {
        // Mid-stream: the client is the side talking to a server port.
        bool to_server = value_is_in_range(server_ports, pinfo->destport) ||
                         (!value_is_in_range(server_ports, pinfo->srcport) && pinfo->srcport > pinfo->destport);
        if (to_server)
            set_client(st, &pinfo->src, pinfo->srcport);
        else
            set_client(st, &pinfo->dst, pinfo->destport);
    }
    return addresses_equal(&pinfo->src, &st->client_addr) && pinfo->srcport == st->client_port ? kClientToServer
                                                                                                : kServerToClient;
}

void remember_registration_password(const std::string &phone, const std::string &password_base64, guint32 frame)
{
    std::optional<std::string> password = base64_decode(password_base64);
    if (!password || phone.empty())
        return;
    capture_memory.registered[phone] =
        Credentials{*password, std::string(), "registration answer in frame " + std::to_string(frame)};
}

}  // namespace funxmpp::ws
