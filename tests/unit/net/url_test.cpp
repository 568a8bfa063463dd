#include "cairn/core/error.hpp"
#include "cairn/net/url.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace cairn::net {
namespace {

TEST(Url, ParsesAndNormalises) {
    Url url = Url::parse("HTTPS://Registry.Example:443/a/./b/../c?x=1#frag");
    EXPECT_EQ(url.scheme(), "https");
    EXPECT_EQ(url.host(), "registry.example");
    EXPECT_EQ(url.port(), 443);
    EXPECT_TRUE(url.default_port());
    EXPECT_EQ(url.path(), "/a/c");
    EXPECT_EQ(url.query(), "x=1");
    EXPECT_EQ(url.text(), "https://registry.example/a/c?x=1");
    EXPECT_EQ(url.origin(), "https://registry.example:443");
    EXPECT_EQ(Url::parse("http://127.0.0.1:8080").path(), "/");
    EXPECT_EQ(Url::parse("http://h/%2e%2E/x/%2e/y").path(), "/x/y");
    EXPECT_EQ(Url::parse("http://[::1]:81/p").host(), "[::1]");
}

TEST(Url, RejectsWhatIsNotAnHttpUrl) {
    for (const char* text :
         {"ftp://h/", "file:///etc/passwd", "http://", "http:///x", "h/x", "http://h:0/",
          "http://h:65536/", "http://h:12a/", "http://h/a b", "http://h\\x/", "http://[::1/"})
        EXPECT_FALSE(Url::try_parse(text)) << text;
    try {
        Url::parse("ftp://user:hunter2@h/");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), Code::usage);
        EXPECT_EQ(error.message(), "not an http or https URL: ftp://***@h/");
    }
}

TEST(Url, RedactsCredentials) {
    Url url = Url::parse("https://me:hunter2@h.example/p?token=abc&page=2&X-Amz-Signature=s");
    EXPECT_EQ(url.username(), "me");
    EXPECT_EQ(url.password(), "hunter2");
    EXPECT_EQ(url.redacted(), "https://***@h.example/p?token=***&page=2&X-Amz-Signature=***");
    EXPECT_EQ(url.text(), "https://h.example/p?token=abc&page=2&X-Amz-Signature=s");
    std::ostringstream out;
    out << url;
    EXPECT_EQ(out.str(), url.redacted());
    EXPECT_EQ(Url::parse("http://a%40b:p%3Aw@h/").password(), "p:w");
    EXPECT_EQ(Url::parse("http://a%40b:p%3Aw@h/").username(), "a@b");
}

TEST(Url, ResolvesRedirectLocations) {
    Url base = Url::parse("https://user:pw@h.example:8443/a/b/c?q=1");
    EXPECT_EQ(base.resolve("d")->text(), "https://h.example:8443/a/b/d");
    EXPECT_EQ(base.resolve("../d?x")->text(), "https://h.example:8443/a/d?x");
    EXPECT_EQ(base.resolve("/root")->text(), "https://h.example:8443/root");
    EXPECT_EQ(base.resolve("?only")->text(), "https://h.example:8443/a/b/c?only");
    EXPECT_EQ(base.resolve("//other.example/x")->text(), "https://other.example/x");
    EXPECT_EQ(base.resolve("http://other.example:81/y#f")->text(), "http://other.example:81/y");
    EXPECT_FALSE(base.resolve("/d")->has_userinfo());
    EXPECT_FALSE(base.resolve("ftp://x/"));
    EXPECT_FALSE(base.resolve("javascript:alert(1)"));
}

TEST(Url, ComparesOrigins) {
    Url a = Url::parse("https://h.example/x");
    EXPECT_TRUE(a.same_origin(Url::parse("https://H.example:443/y")));
    EXPECT_FALSE(a.same_origin(Url::parse("http://h.example/x")));
    EXPECT_FALSE(a.same_origin(Url::parse("https://h.example:444/x")));
    EXPECT_FALSE(a.same_origin(Url::parse("https://h.example.evil/x")));
}

} // namespace
} // namespace cairn::net
