// SPDX-License-Identifier: GPL-2.0-or-later
// The attributes known by name: each has a display-filter field of its own
// (funxmpp.attr.<name>), and some have a part in the Info summary or in a login (spec 5).
// One table, read by the summary, the login scan and the dissector's field registration.
#pragma once

#include <cstddef>
#include <string_view>

namespace funxmpp {

enum class AttributeRole : unsigned char {
    None,
    Peer,            // to / from: named in the summary
    Type,            // type: named in the summary
    LoginUser,       // <auth user=...>: the account that logs in
    LoginMechanism,  // <auth mechanism=...>: WAUTH-1 or WAUTH-2
};

struct KnownAttribute {
    const char *name;   // "to"
    const char *field;  // "funxmpp.attr.to" (a literal: Wireshark keeps the pointer)
    AttributeRole role;
};

#define FUNXMPP_ATTR(name, role) {#name, "funxmpp.attr." #name, AttributeRole::role},
inline constexpr KnownAttribute kKnownAttributes[] = {
    FUNXMPP_ATTR(id, None) FUNXMPP_ATTR(to, Peer) FUNXMPP_ATTR(from, Peer) FUNXMPP_ATTR(type, Type)
    FUNXMPP_ATTR(t, None) FUNXMPP_ATTR(xmlns, None) FUNXMPP_ATTR(participant, None) FUNXMPP_ATTR(notify, None)
    FUNXMPP_ATTR(user, LoginUser) FUNXMPP_ATTR(mechanism, LoginMechanism) FUNXMPP_ATTR(resource, None)
    FUNXMPP_ATTR(name, None) FUNXMPP_ATTR(jid, None) FUNXMPP_ATTR(class, None) FUNXMPP_ATTR(status, None)
    FUNXMPP_ATTR(kind, None) FUNXMPP_ATTR(passive, None) FUNXMPP_ATTR(offline, None) FUNXMPP_ATTR(count, None)
    FUNXMPP_ATTR(subject, None) FUNXMPP_ATTR(creation, None) FUNXMPP_ATTR(expiration, None)
    FUNXMPP_ATTR(props, None) FUNXMPP_ATTR(url, None) FUNXMPP_ATTR(file, None) FUNXMPP_ATTR(size, None)
    FUNXMPP_ATTR(mimetype, None) FUNXMPP_ATTR(hash, None) FUNXMPP_ATTR(encoding, None)
    FUNXMPP_ATTR(caption, None) FUNXMPP_ATTR(action, None) FUNXMPP_ATTR(reason, None) FUNXMPP_ATTR(code, None)
    FUNXMPP_ATTR(version, None) FUNXMPP_ATTR(creator, None) FUNXMPP_ATTR(s_t, None) FUNXMPP_ATTR(s_o, None)
    FUNXMPP_ATTR(platform, None) FUNXMPP_ATTR(value, None) FUNXMPP_ATTR(category, None)
};
#undef FUNXMPP_ATTR
inline constexpr std::size_t kKnownAttributeCount = sizeof kKnownAttributes / sizeof kKnownAttributes[0];

// Index of `name` in kKnownAttributes, or -1.
int known_attribute(std::string_view name);

// The role of an attribute called `name` (None for names not in the table).
AttributeRole attribute_role(std::string_view name);

}  // namespace funxmpp
