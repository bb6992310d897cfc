// SPDX-License-Identifier: GPL-2.0-or-later
#include "funxmpp/secrets.hpp"

#include <epan/uat.h>

#include <cstring>

#include "codec/crypto.hpp"
#include "codec/text.hpp"

namespace funxmpp::ws {

namespace {

struct PasswordEntry {
    char *phone;
    char *password;
    char *nonce;
};

PasswordEntry *entries = nullptr;
guint entry_count = 0;

UAT_CSTRING_CB_DEF(funxmpp_passwords, phone, PasswordEntry)
UAT_CSTRING_CB_DEF(funxmpp_passwords, password, PasswordEntry)
UAT_CSTRING_CB_DEF(funxmpp_passwords, nonce, PasswordEntry)

void *copy_entry(void *dest, const void *source, size_t)
{
    auto *d = static_cast<PasswordEntry *>(dest);
    const auto *s = static_cast<const PasswordEntry *>(source);
    d->phone = g_strdup(s->phone);
    d->password = g_strdup(s->password);
    d->nonce = g_strdup(s->nonce);
    return d;
}

void free_entry(void *record)
{
    auto *e = static_cast<PasswordEntry *>(record);
    g_free(e->phone);
    g_free(e->password);
    g_free(e->nonce);
}

// "+34 600 000 001" and "34600000001" name the same account: digits only.
std::string digits_of(const char *phone)
{
    std::string d;
    for (const char *p = phone; p != nullptr && *p != '\0'; ++p)
        if (*p >= '0' && *p <= '9')
            d += *p;
    return d;
}

ws_bool check_entry(void *record, char **error)
{
    const auto *e = static_cast<const PasswordEntry *>(record);
    const char *phone = e->phone != nullptr ? e->phone : "";
    if (digits_of(phone).empty() || std::strspn(phone, "0123456789+ -") != std::strlen(phone)) {
        *error = g_strdup_printf("phone \"%s\": digits with country code, e.g. 34600000001", phone);
        return false;
    }
    // A password that is not base64, or a nonce that is not hex, is kept: the login that
    // needs it says so with an expert item, and the rest of the capture still decodes.
    return true;
}

}  // namespace

void register_passwords_table(module_t *module)
{
    static uat_field_t fields[] = {
        UAT_FLD_CSTRING(funxmpp_passwords, phone, "Phone", "Phone number with country code, digits only"),
        UAT_FLD_CSTRING(funxmpp_passwords, password, "Password",
                        "The account password in base64, as returned by the registration API"),
        UAT_FLD_CSTRING(funxmpp_passwords, nonce, "Nonce (hex)",
                        "Optional: the nonce of a fast re-login whose earlier session is not in the capture"),
        UAT_END_FIELDS};
    uat_t *uat = uat_new("FunXMPP passwords", sizeof(PasswordEntry), "funxmpp_passwords", TRUE, &entries,
                         &entry_count, UAT_AFFECTS_DISSECTION, nullptr, copy_entry, check_entry, free_entry, nullptr,
                         nullptr, fields);
    prefs_register_uat_preference(module, "passwords", "Account passwords",
                                  "Passwords (and optional nonces) that decrypt the sessions of these phones", uat);
}

std::optional<Credentials> lookup_password(const std::string &phone)
{
    for (guint i = 0; i < entry_count; ++i) {
        const PasswordEntry &e = entries[i];
        if (e.phone == nullptr || digits_of(e.phone) != phone)
            continue;
        std::optional<std::string> password = base64_decode(e.password != nullptr ? e.password : "");
        Credentials c;
        c.password = password.value_or(std::string());
        c.password_invalid = !password || c.password.empty();
        if (e.nonce != nullptr && *e.nonce != '\0')
            c.nonce = parse_hex(e.nonce).value_or(std::string());
        c.source = "passwords table";
        return c;
    }
    return std::nullopt;
}

}  // namespace funxmpp::ws
