// SPDX-License-Identifier: GPL-2.0-or-later
// The registration HTTP API of spec section 6, without Wireshark: which URIs are its
// endpoints, their parameters (percent-decoded) and the one-line summaries of requests.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace funxmpp {

struct Endpoint {
    std::string path;  // "/v2/code", "/v1/register.php", ...
    std::string name;  // "code", "register", "exist"
};

// The endpoint a request URI (absolute or a path, with or without query) goes to.
std::optional<Endpoint> registration_endpoint(std::string_view uri);

using Parameters = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded: '&'-separated name=value, %XX and '+' decoded.
Parameters parse_form(std::string_view text);

// The query of a URI (after '?'), parsed.
Parameters query_parameters(std::string_view uri);

const std::string *find_parameter(const Parameters &p, std::string_view name);

// "code request +34 600000001 via sms", "register request +34 600000001 code 123456",
// "exist request +34 600000001".
std::string request_summary(const Endpoint &e, const Parameters &p);

// A JSON answer's fields that the summary and the password hand-off read (spec 6.3).
struct Answer {
    std::optional<std::string> status, reason, login, pw;
};

// "register answer: ok, password of 34600000001", "code answer: fail (too_recent)".
std::string answer_summary(const Endpoint &e, const Answer &a);

// Whether the answer hands over the account password of `login` (status ok, with a login).
bool answer_discloses_password(const Answer &a);

}  // namespace funxmpp
