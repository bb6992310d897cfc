// SPDX-License-Identifier: GPL-2.0-or-later
#include "registration/registration.hpp"

#include "codec/text.hpp"

namespace funxmpp {

std::optional<Endpoint> registration_endpoint(std::string_view uri)
{
    std::string_view path = uri.substr(0, uri.find('?'));
    if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
        auto slash = path.find('/', scheme + 3);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    static const char *const kNames[] = {"code", "register", "exist"};
    for (const char *name : kNames) {
        for (const std::string &candidate : {std::string("/v2/") + name, std::string("/v1/") + name + ".php"})
            if (path == candidate)
                return Endpoint{candidate, name};
    }
    return std::nullopt;
}

namespace {

std::string percent_decode(std::string_view s)
{
    auto hex = hex_digit_value;
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) << 4 | hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

}  // namespace

Parameters parse_form(std::string_view text)
{
    Parameters out;
    while (!text.empty()) {
        std::string_view pair = text.substr(0, text.find('&'));
        text.remove_prefix(pair.size() < text.size() ? pair.size() + 1 : text.size());
        if (pair.empty())
            continue;
        auto eq = pair.find('=');
        out.emplace_back(percent_decode(pair.substr(0, eq)),
                         eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1)));
    }
    return out;
}

Parameters query_parameters(std::string_view uri)
{
    auto q = uri.find('?');
    return q == std::string_view::npos ? Parameters{} : parse_form(uri.substr(q + 1));
}

const std::string *find_parameter(const Parameters &p, std::string_view name)
{
    for (const auto &[k, v] : p)
        if (k == name)
            return &v;
    return nullptr;
}

std::string request_summary(const Endpoint &e, const Parameters &p)
{
    std::string s = e.name + " request";
    const std::string *cc = find_parameter(p, "cc"), *in = find_parameter(p, "in");
    if (cc != nullptr || in != nullptr)
        s += " +" + (cc ? *cc : std::string("?")) + " " + (in ? *in : std::string("?"));
    if (const std::string *method = find_parameter(p, "method"); method != nullptr && e.name == "code")
        s += " via " + *method;
    if (const std::string *code = find_parameter(p, "code"); code != nullptr && e.name == "register")
        s += " code " + *code;
    return s;
}

std::string answer_summary(const Endpoint &e, const Answer &a)
{
    std::string s = e.name + " answer: " + (a.status ? *a.status : std::string("?"));
    if (a.reason)
        s += " (" + *a.reason + ")";
    if (a.pw && a.login)
        s += ", password of " + *a.login;
    return s;
}

bool answer_discloses_password(const Answer &a)
{
    return a.pw && a.login && !a.login->empty() && a.status && *a.status == "ok";
}

}  // namespace funxmpp
