// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/encoder.hpp"

#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "codec/framing.hpp"

namespace funxmpp {

namespace {

constexpr std::size_t kMaxPackedChars = 127;  // writers pack strings shorter than 128

// How a string would be written as a token: lead byte and, for secondary tokens, index.
struct TokenCode {
    std::uint8_t lead;
    bool two_bytes;
    std::uint8_t index;
};

using TokenIndex = std::unordered_map<std::string_view, TokenCode>;

// Reverse dictionary of a dialect, built once (the encoder is not on any hot path).
const TokenIndex &token_index(const Dialect &d)
{
    static std::mutex mutex;
    static std::map<const Dialect *, TokenIndex> indexes;
    std::lock_guard<std::mutex> lock(mutex);
    auto [it, inserted] = indexes.try_emplace(&d);
    if (!inserted)
        return it->second;
    TokenIndex &index = it->second;
    for (unsigned b = d.token_min; b <= d.token_max; ++b) {
        std::string_view s = d.tokens->primary_at(static_cast<std::uint8_t>(b));
        if (!s.empty())
            index.try_emplace(s, TokenCode{static_cast<std::uint8_t>(b), false, 0});
    }
    if (d.secondary != SecondaryTokens::None) {
        std::size_t pages = d.secondary == SecondaryTokens::Escape ? 1 : 4;
        for (std::size_t flat = 0; flat < d.tokens->secondary_size && flat < pages * 256; ++flat) {
            std::string_view s = d.tokens->secondary_at(flat);
            if (!s.empty())
                index.try_emplace(s, TokenCode{static_cast<std::uint8_t>(0xEC + flat / 256), true,
                                               static_cast<std::uint8_t>(flat % 256)});
        }
    }
    return index;
}

enum class Role { Name, Value, JidUser, JidServer };

class Writer {
public:
    Writer(const Dialect &d, const EncodeOptions &o) : d_(d), options_(o), tokens_(token_index(d)) {}

    void node(const Node &n);
    std::string out;

private:
    void u8(unsigned v) { out.push_back(static_cast<char>(v & 0xFF)); }
    void list_header(std::size_t n);
    void string(std::string_view s, Role role);
    bool try_pack(std::string_view s);
    bool md_jid(std::string_view user, std::string_view server);
    void u16(unsigned v)
    {
        u8(v >> 8);
        u8(v);
    }
    void bytes(std::string_view s);

    const Dialect &d_;
    const EncodeOptions &options_;
    const TokenIndex &tokens_;
};

void Writer::list_header(std::size_t n)
{
    if (n == 0) {
        u8(0x00);
    } else if (n < 256) {
        u8(0xF8);
        u8(static_cast<unsigned>(n));
    } else if (n <= 0xFFFF) {
        u8(0xF9);
        u8(static_cast<unsigned>(n >> 8));
        u8(static_cast<unsigned>(n));
    } else {
        throw std::invalid_argument("list of more than 65535 items");
    }
}

void Writer::bytes(std::string_view s)
{
    const std::size_t n = s.size();
    if (n < 256) {
        u8(0xFC);
        u8(static_cast<unsigned>(n));
    } else if (n <= (d_.binary20 ? 0x0FFFFFu : 0xFFFFFFu)) {
        u8(0xFD);
        u8(static_cast<unsigned>(n >> 16));
        u8(static_cast<unsigned>(n >> 8));
        u8(static_cast<unsigned>(n));
    } else if (d_.lead_fe == LeadFE::Binary32 && n <= 0x7FFFFFFFu) {
        u8(0xFE);
        for (int shift = 24; shift >= 0; shift -= 8)
            u8(static_cast<unsigned>(n >> shift));
    } else {
        throw std::invalid_argument("binary too long for WA " + d_.version.to_string());
    }
    out.append(s);
}

// Nibble-packing for digits, '-' and '.'; hex-packing for digits and 'A'-'F' (spec 3.4).
bool Writer::try_pack(std::string_view s)
{
    if (!options_.pack_strings || s.empty() || s.size() > kMaxPackedChars)
        return false;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        return c == '-' ? 0xA : c == '.' ? 0xB : -1;
    };
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    };
    int (*map)(char) = nullptr;
    std::uint8_t lead = 0;
    auto all = [&](int (*f)(char)) {
        for (char c : s)
            if (f(c) < 0)
                return false;
        return true;
    };
    if (d_.nibble_packed && all(nibble)) {
        map = nibble;
        lead = 0xFF;
    } else if (d_.hex_packed && all(hex)) {
        map = hex;
        lead = 0xFB;
    } else {
        return false;
    }
    const bool odd = s.size() % 2 == 1;
    const std::size_t n = (s.size() + 1) / 2;
    u8(lead);
    u8(static_cast<unsigned>((odd ? 0x80 : 0) | n));
    for (std::size_t i = 0; i < n; ++i) {
        int hi = map(s[2 * i]);
        int lo = 2 * i + 1 < s.size() ? map(s[2 * i + 1]) : 0xF;  // writers pad with 0xF
        u8(static_cast<unsigned>(hi << 4 | lo));
    }
    return true;
}

// A decimal number of at most `max`, or -1.
long number(std::string_view s, long max)
{
    if (s.empty() || s.size() > 5)
        return -1;
    long n = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return -1;
        n = n * 10 + (c - '0');
    }
    return n <= max ? n : -1;
}

// The successor's JID forms, as whatsmeow and Baileys write them (SUCCESSOR 1.5):
// user[.agent]:device@(s.whatsapp.net|lid) or any user@hosted[.lid] as AD_JID,
// user:device@msgr as FB_JID, integrator-user:device@interop as INTEROP_JID. False: a JID pair.
bool Writer::md_jid(std::string_view user, std::string_view server)
{
    long device = -1;
    if (std::size_t colon = user.rfind(':'); colon != std::string_view::npos) {
        device = number(user.substr(colon + 1), 0xFFFF);
        if (device >= 0)
            user = user.substr(0, colon);
    }
    if (server == "msgr" && device >= 0) {
        u8(0xF6);
        string(user, Role::JidUser);
        u16(static_cast<unsigned>(device));
        string(server, Role::JidServer);
        return true;
    }
    if (server == "interop" && device >= 0) {
        const std::size_t dash = user.find('-');
        const long integrator = dash == std::string_view::npos ? -1 : number(user.substr(0, dash), 0xFFFF);
        if (integrator < 0)
            return false;
        u8(0xF5);
        string(user.substr(dash + 1), Role::JidUser);
        u16(static_cast<unsigned>(device));
        u16(static_cast<unsigned>(integrator));
        string(server, Role::JidServer);
        return true;
    }
    static constexpr std::string_view kServers[] = {"s.whatsapp.net", "lid", "hosted", "hosted.lid"};
    static constexpr unsigned kDomains[] = {0, 1, 128, 129};
    for (std::size_t i = 0; i < 4; ++i) {
        if (server != kServers[i])
            continue;
        long agent = -1;
        if (std::size_t dot = user.rfind('.'); i == 0 && dot != std::string_view::npos) {
            agent = number(user.substr(dot + 1), 0xFF);
            if (agent == 0 || agent == 1 || agent == 128 || agent == 129)
                agent = -1;  // those bytes name servers, not agents
            if (agent >= 0)
                user = user.substr(0, dot);
        }
        if (device > 0xFF || (device < 0 && agent < 0 && i < 2))
            return false;  // a plain user@s.whatsapp.net (or lid) is a JID pair
        u8(0xF7);
        u8(agent >= 0 ? static_cast<unsigned>(agent) : kDomains[i]);
        u8(device >= 0 ? static_cast<unsigned>(device) : 0);
        string(user, Role::JidUser);
        return true;
    }
    return false;
}

void Writer::string(std::string_view s, Role role)
{
    if (auto it = tokens_.find(s); it != tokens_.end()) {
        u8(it->second.lead);
        if (it->second.two_bytes)
            u8(it->second.index);
        return;
    }
    if (role == Role::Name || role == Role::Value) {
        std::size_t at = s.find('@');
        if (at != std::string_view::npos && at >= 1) {
            if (d_.md_jids && md_jid(s.substr(0, at), s.substr(at + 1)))
                return;
            u8(0xFA);
            string(s.substr(0, at), Role::JidUser);
            string(s.substr(at + 1), Role::JidServer);
            return;
        }
    }
    if ((role == Role::Value || role == Role::JidUser) && try_pack(s))
        return;
    bytes(s);
}

void Writer::node(const Node &n)
{
    const bool content = n.content != Node::Content::None;
    list_header(1 + 2 * n.attributes.size() + (content ? 1 : 0));
    if (n.kind != Node::Kind::Element && !d_.stream_tags)
        throw std::invalid_argument("the successor's node format has no stream start or end");
    switch (n.kind) {
    case Node::Kind::StreamStart: u8(0x01); break;
    case Node::Kind::StreamEnd: u8(0x02); break;
    case Node::Kind::Element:
        if (n.tag.empty())
            throw std::invalid_argument("element with an empty tag");
        string(n.tag, Role::Name);
    }
    for (const auto &[k, v] : n.attributes) {
        string(k, Role::Name);
        string(v, Role::Value);
    }
    if (n.content == Node::Content::Children) {
        list_header(n.children.size());
        for (const Node &c : n.children)
            node(c);
    } else if (n.content == Node::Content::Data) {
        bytes(n.data);
    }
}

}  // namespace

std::string encode_node(const Dialect &dialect, const Node &node, const EncodeOptions &options)
{
    Writer w(dialect, options);
    w.node(node);
    return std::move(w.out);
}

std::string encode_frame(const Dialect &dialect, std::uint8_t flags, std::string_view payload)
{
    std::string out;
    const std::size_t n = payload.size();
    if (dialect.header_size == 2) {
        if (n > 0xFFFF || flags != 0)
            throw std::invalid_argument("2-byte frame headers carry no flags and at most 65535 bytes");
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n));
    } else {
        if (n > kMaxFrameLength || flags > 0xF)
            throw std::invalid_argument("frame longer than 20 bits or flags beyond a nibble");
        out.push_back(static_cast<char>(flags << 4 | n >> 16));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n));
    }
    out.append(payload);
    return out;
}

std::string encode_prologue(Version version)
{
    return std::string{'W', 'A', static_cast<char>(version.major), static_cast<char>(version.minor)};
}

}  // namespace funxmpp
