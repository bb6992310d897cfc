// SPDX-License-Identifier: GPL-2.0-or-later
#include "funxmpp/session/session.hpp"

#include "codec/attributes.hpp"
#include "codec/decoder.hpp"

namespace funxmpp {

bool may_move_login(std::string_view tag)
{
    return tag == "auth" || tag == "response" || tag == "challenge" || tag == "success";
}

void LoginStanzaCollector::node_begin(const NodeBegin &n)
{
    if (depth_++ == 0 && n.tag.str.encoding != Encoding::StreamStart && n.tag.str.encoding != Encoding::StreamEnd)
        out_.tag = n.tag.text();
}

void LoginStanzaCollector::attribute(const Value &k, const Value &v)
{
    if (depth_ != 1 || k.is_jid())
        return;
    switch (attribute_role(k.str.bytes)) {
    case AttributeRole::LoginUser: out_.user = v.text(); break;
    case AttributeRole::LoginMechanism: out_.mechanism = v.text(); break;
    default: break;
    }
}

void LoginStanzaCollector::data(const Value &v)
{
    if (depth_ == 1) {
        out_.content = v.text();
        out_.has_data = true;
    }
}

ConnectionSession::ConnectionSession(Version version, CaptureMemory &memory, CredentialLookup lookup)
    : version_(version), dialect_(dialect_for(version)), memory_(memory), lookup_(std::move(lookup)),
      mechanism_(version.major == 1 ? mechanism_for_minor(version.minor) : std::nullopt)
{
}

void ConnectionSession::login(LoginReport &r, const std::string &phone, const std::string &nonce,
                              const std::string &blob)
{
    r.login = true;
    r.phone = phone;
    r.mechanism = *mechanism_;
    cipher_[0].reset();
    cipher_[1].reset();
    stopped_[0] = stopped_[1] = false;
    std::optional<Credentials> creds = lookup_(phone);
    if (!creds) {
        r.problem = LoginProblem::NoPassword;
        return;
    }
    r.password_source = creds->source;
    if (creds->password_invalid) {
        r.problem = LoginProblem::InvalidEntry;
        return;
    }
    std::string use_nonce = nonce;
    if (r.fast && use_nonce.empty())
        use_nonce = creds->nonce;
    if (use_nonce.empty()) {
        r.problem = LoginProblem::NoNonce;
        return;
    }
    r.nonce = use_nonce;
    r.keys = derive_keys(*mechanism_, creds->password, use_nonce);
    auto client = r.keys.count > 0 ? std::make_unique<DirectionCipher>(r.keys, DirectionCipher::Side::Client) : nullptr;
    if (client == nullptr || !client->usable()) {
        r.problem = LoginProblem::CryptoRefused;
        return;
    }
    r.keys_derived = true;
    DirectionCipher::Opened opened = client->open_blob(blob);
    r.blob_valid = opened.mac_valid && blob_plaintext_matches(opened.plaintext, phone, use_nonce);
    if (!r.blob_valid) {
        r.problem = LoginProblem::WrongPassword;
        return;
    }
    cipher_[0] = std::move(client);
    cipher_[1] = std::make_unique<DirectionCipher>(r.keys, DirectionCipher::Side::Server);
}

LoginReport ConnectionSession::observe(Direction dir, const std::uint8_t *stanza, std::size_t size)
{
    LoginStanza facts;
    if (dialect_ == nullptr || !may_move_login(top_level_tag(*dialect_, stanza, size)))
        return LoginReport{};
    LoginStanzaCollector collector(facts);
    if (!decode_payload(*dialect_, stanza, size, collector).ok())
        return LoginReport{};
    return observe(dir, facts);
}

LoginReport ConnectionSession::observe(Direction dir, const LoginStanza &facts)
{
    LoginReport r;
    if (dialect_ == nullptr || !may_move_login(facts.tag))
        return r;
    if (facts.mechanism == "WAUTH-1")
        mechanism_ = AuthMechanism::Wauth1;
    else if (facts.mechanism == "WAUTH-2")
        mechanism_ = AuthMechanism::Wauth2;

    if (dir == Direction::ClientToServer) {
        if (facts.tag == "auth") {
            phone_ = facts.user;
            if (facts.has_data && !facts.content.empty() && mechanism_) {
                // Fast re-login: the nonce of this account's last <success> in the capture.
                r.fast = true;
                auto it = memory_.next_nonce.find(phone_);
                const std::string nonce = it != memory_.next_nonce.end() ? it->second : std::string();
                r.nonce_from_earlier_session = !nonce.empty();
                login(r, phone_, nonce, facts.content);
            }
        } else if (facts.tag == "response" && facts.has_data && mechanism_ && !phone_.empty()) {
            login(r, phone_, challenge_nonce_, facts.content);
        }
    } else {
        if (facts.tag == "challenge" && facts.has_data) {
            // A fresh challenge (also the answer to a rejected fast-login blob): the keys
            // come from the <response> to it.
            challenge_nonce_ = facts.content;
            cipher_[0].reset();
            cipher_[1].reset();
        } else if (facts.tag == "success" && facts.has_data && !phone_.empty()) {
            memory_.next_nonce[phone_] = facts.content;
        }
    }
    return r;
}

DecryptResult ConnectionSession::decrypt(Direction dir, const std::uint8_t *payload, std::size_t size)
{
    DecryptResult r;
    const int d = static_cast<int>(dir);
    if (stopped_[d]) {
        r.status = DecryptStatus::StoppedEarlier;
        return r;
    }
    if (!cipher_[d]) {
        r.status = DecryptStatus::NoKeys;
        return r;
    }
    DirectionCipher::Opened o = cipher_[d]->open_frame(std::string_view(reinterpret_cast<const char *>(payload), size));
    if (!o.mac_valid) {
        stopped_[d] = true;
        r.status = DecryptStatus::MacMismatch;
        return r;
    }
    r.status = DecryptStatus::Decrypted;
    r.plaintext = std::move(o.plaintext);
    return r;
}

}  // namespace funxmpp
