// SPDX-License-Identifier: GPL-2.0-or-later
// The login and cipher state of a connection, fed the way the dissector feeds it.
#include <gtest/gtest.h>

#include "codec/encoder.hpp"
#include "funxmpp/session/session.hpp"
#include "helpers.hpp"

using namespace funxmpp;

namespace {

const std::string kPassword = *base64_decode("AQIDBAUGBwgJCgsMDQ4PEBESExQ=");
const std::string kPhone = "4915112345678";

struct Fixture {
    Version version{1, 6};
    const Dialect &d = *dialect_for(version);
    CaptureMemory memory;
    std::optional<Credentials> creds = Credentials{kPassword, "", "test"};
    ConnectionSession session{version, memory, [this](const std::string &phone) {
                                  return phone == kPhone ? creds : std::nullopt;
                              }};

    LoginReport observe(Direction dir, const Node &n)
    {
        std::string b = encode_node(d, n);
        return session.observe(dir, reinterpret_cast<const std::uint8_t *>(b.data()), b.size());
    }
    DecryptResult decrypt(Direction dir, const std::string &payload)
    {
        return session.decrypt(dir, reinterpret_cast<const std::uint8_t *>(payload.data()), payload.size());
    }
    // A client that logs in for real, as the generator does.
    std::string blob(const std::string &nonce, DirectionCipher &client)
    {
        return client.seal_blob(kPhone + nonce + "1452300001");
    }
};

TEST(Session, ChallengeResponseThenBothDirections)
{
    Fixture f;
    const std::string nonce(20, '\xa0');
    SessionKeys keys = derive_keys(AuthMechanism::Wauth2, kPassword, nonce);
    DirectionCipher client(keys, DirectionCipher::Side::Client), server(keys, DirectionCipher::Side::Server);

    EXPECT_FALSE(f.observe(Direction::ClientToServer, Node::element("auth").attr("mechanism", "WAUTH-2").attr("user", kPhone)).login);
    f.observe(Direction::ServerToClient, Node::element("challenge").text(nonce));
    LoginReport r = f.observe(Direction::ClientToServer, Node::element("response").text(f.blob(nonce, client)));
    EXPECT_TRUE(r.login);
    EXPECT_TRUE(r.blob_valid);
    EXPECT_EQ(r.problem, LoginProblem::None);
    EXPECT_EQ(r.nonce, nonce);
    EXPECT_EQ(r.keys.k, keys.k);

    for (int i = 0; i < 3; ++i) {
        DecryptResult s = f.decrypt(Direction::ServerToClient, server.seal_frame("server " + std::to_string(i)));
        EXPECT_EQ(s.status, DecryptStatus::Decrypted);
        EXPECT_EQ(s.plaintext, "server " + std::to_string(i));
        DecryptResult c = f.decrypt(Direction::ClientToServer, client.seal_frame("client " + std::to_string(i)));
        EXPECT_EQ(c.status, DecryptStatus::Decrypted);
    }
}

TEST(Session, WrongOrMissingPasswordDecryptsNothing)
{
    const std::string nonce(20, '\x01');
    SessionKeys keys = derive_keys(AuthMechanism::Wauth2, kPassword, nonce);
    for (bool have_password : {true, false}) {
        Fixture f;
        f.creds = have_password ? std::optional<Credentials>(Credentials{"wrong", "", "test"}) : std::nullopt;
        DirectionCipher client(keys, DirectionCipher::Side::Client), server(keys, DirectionCipher::Side::Server);
        f.observe(Direction::ClientToServer, Node::element("auth").attr("user", kPhone));
        f.observe(Direction::ServerToClient, Node::element("challenge").text(nonce));
        LoginReport r = f.observe(Direction::ClientToServer, Node::element("response").text(f.blob(nonce, client)));
        EXPECT_EQ(r.problem, have_password ? LoginProblem::WrongPassword : LoginProblem::NoPassword);
        EXPECT_EQ(f.decrypt(Direction::ServerToClient, server.seal_frame("x")).status, DecryptStatus::NoKeys);
    }
}

TEST(Session, MacMismatchStopsOnlyThatDirection)
{
    Fixture f;
    const std::string nonce(20, '\x02');
    SessionKeys keys = derive_keys(AuthMechanism::Wauth2, kPassword, nonce);
    DirectionCipher client(keys, DirectionCipher::Side::Client), server(keys, DirectionCipher::Side::Server);
    f.observe(Direction::ClientToServer, Node::element("auth").attr("user", kPhone));
    f.observe(Direction::ServerToClient, Node::element("challenge").text(nonce));
    f.observe(Direction::ClientToServer, Node::element("response").text(f.blob(nonce, client)));
    server.seal_frame("lost in the network");
    EXPECT_EQ(f.decrypt(Direction::ServerToClient, server.seal_frame("a")).status, DecryptStatus::MacMismatch);
    EXPECT_EQ(f.decrypt(Direction::ServerToClient, server.seal_frame("b")).status, DecryptStatus::StoppedEarlier);
    EXPECT_EQ(f.decrypt(Direction::ClientToServer, client.seal_frame("c")).status, DecryptStatus::Decrypted);
}

TEST(Session, FastReloginUsesTheNonceOfAnEarlierConnection)
{
    Fixture first;
    const std::string nonce(20, '\x03'), next(20, '\x04');
    SessionKeys keys = derive_keys(AuthMechanism::Wauth2, kPassword, nonce);
    DirectionCipher client(keys, DirectionCipher::Side::Client), server(keys, DirectionCipher::Side::Server);
    first.observe(Direction::ClientToServer, Node::element("auth").attr("user", kPhone));
    first.observe(Direction::ServerToClient, Node::element("challenge").text(nonce));
    first.observe(Direction::ClientToServer, Node::element("response").text(first.blob(nonce, client)));
    DecryptResult success = first.decrypt(Direction::ServerToClient,
                                          server.seal_frame(encode_node(first.d, Node::element("success").text(next))));
    ASSERT_EQ(success.status, DecryptStatus::Decrypted);
    first.observe(Direction::ServerToClient, Node::element("success").text(next));

    // A second connection in the same capture: no challenge, the blob in <auth>.
    ConnectionSession second(first.version, first.memory, [&](const std::string &) { return first.creds; });
    SessionKeys keys2 = derive_keys(AuthMechanism::Wauth2, kPassword, next);
    DirectionCipher client2(keys2, DirectionCipher::Side::Client);
    std::string auth = encode_node(first.d, Node::element("auth").attr("mechanism", "WAUTH-2").attr("user", kPhone).text(first.blob(next, client2)));
    LoginReport r = second.observe(Direction::ClientToServer, reinterpret_cast<const std::uint8_t *>(auth.data()), auth.size());
    EXPECT_TRUE(r.fast);
    EXPECT_TRUE(r.nonce_from_earlier_session);
    EXPECT_TRUE(r.blob_valid);
}

TEST(Session, FastReloginWithoutAnyNonceSaysSo)
{
    Fixture f;
    DirectionCipher client(derive_keys(AuthMechanism::Wauth2, kPassword, "n"), DirectionCipher::Side::Client);
    LoginReport r = f.observe(Direction::ClientToServer,
                              Node::element("auth").attr("mechanism", "WAUTH-2").attr("user", kPhone).text(f.blob("n", client)));
    EXPECT_TRUE(r.fast);
    EXPECT_EQ(r.problem, LoginProblem::NoNonce);
}

}  // namespace
