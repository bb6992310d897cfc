// SPDX-License-Identifier: GPL-2.0-or-later
// The registration API's endpoints, parameters and summaries (spec 6).
#include <gtest/gtest.h>

#include "registration/registration.hpp"

using namespace funxmpp;

namespace {

TEST(Registration, EndpointsOfBothApiVersions)
{
    EXPECT_EQ(registration_endpoint("/v2/code?cc=34")->name, "code");
    EXPECT_EQ(registration_endpoint("https://v.whatsapp.net/v2/register?x=1")->path, "/v2/register");
    EXPECT_EQ(registration_endpoint("/v2/exist")->name, "exist");
    EXPECT_EQ(registration_endpoint("http://r.whatsapp.net/v1/code.php")->name, "code");
    EXPECT_FALSE(registration_endpoint("/v2/codes"));
    EXPECT_FALSE(registration_endpoint("/v3/code"));
    EXPECT_FALSE(registration_endpoint("/index.html?/v2/code"));
    EXPECT_FALSE(registration_endpoint("https://v.whatsapp.net"));
}

TEST(Registration, FormDecoding)
{
    Parameters p = query_parameters("/v2/code?cc=34&in=600000001&id=%A0%0bq%00&reason=&lg=en+US&bad=%zz&flag");
    ASSERT_EQ(p.size(), 7u);
    EXPECT_EQ(*find_parameter(p, "cc"), "34");
    EXPECT_EQ(*find_parameter(p, "id"), std::string("\xa0\x0bq\x00", 4));
    EXPECT_EQ(*find_parameter(p, "reason"), "");
    EXPECT_EQ(*find_parameter(p, "lg"), "en US");
    EXPECT_EQ(*find_parameter(p, "bad"), "%zz");  // not an escape: kept as it is
    EXPECT_EQ(*find_parameter(p, "flag"), "");
    EXPECT_EQ(find_parameter(p, "method"), nullptr);
    EXPECT_TRUE(query_parameters("/v2/code").empty());
    EXPECT_EQ(*find_parameter(query_parameters("/x?a=%4"), "a"), "%4");  // truncated escape
}

TEST(Registration, Summaries)
{
    auto summary = [](const char *uri) { return request_summary(*registration_endpoint(uri), query_parameters(uri)); };
    EXPECT_EQ(summary("/v2/code?cc=34&in=600000001&method=sms"), "code request +34 600000001 via sms");
    EXPECT_EQ(summary("/v2/register?cc=34&in=600000001&code=123456"), "register request +34 600000001 code 123456");
    EXPECT_EQ(summary("/v2/exist?in=600000001"), "exist request +? 600000001");
    EXPECT_EQ(summary("/v2/exist"), "exist request");
}

TEST(Registration, AnswerSummariesAndPasswordHandOff)
{
    const Endpoint code = *registration_endpoint("/v2/code"), reg = *registration_endpoint("/v2/register");
    Answer sent;
    sent.status = "sent";
    EXPECT_EQ(answer_summary(code, sent), "code answer: sent");
    EXPECT_FALSE(answer_discloses_password(sent));
    Answer failed;
    failed.status = "fail";
    failed.reason = "too_recent";
    EXPECT_EQ(answer_summary(code, failed), "code answer: fail (too_recent)");
    Answer ok;
    ok.status = "ok";
    ok.login = "34600000001";
    ok.pw = "AQIDBAUGBwgJCgsMDQ4PEBESExQ=";
    EXPECT_EQ(answer_summary(reg, ok), "register answer: ok, password of 34600000001");
    EXPECT_TRUE(answer_discloses_password(ok));
    Answer odd = ok;
    odd.status = "fail";  // a password in a failed answer is shown, never used
    EXPECT_FALSE(answer_discloses_password(odd));
    EXPECT_EQ(answer_summary(reg, Answer{}), "register answer: ?");
}

}  // namespace
