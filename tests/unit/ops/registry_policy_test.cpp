// A registry's search.timeout from real config files becomes the client's RetryPolicy.
#include "support/temp_dir.hpp"
#include "support/testdata.hpp"

#include "cairn/ops/registry_policy.hpp"

#include <gtest/gtest.h>

namespace cairn::ops {
namespace {

registry::RegistryModel model(const test::TempDir& tmp, std::string_view text) {
    test::write_file(tmp / "project/r.json5", text);
    config::ConfigLocations l;
    l.project_dir = tmp / "project";
    auto config = config::LayeredConfig::load(
        l, [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
    return registry::read_registry_model(config);
}

TEST(RegistryPolicy, TimeoutSettingsBecomeTheRetryPolicy) {
    test::TempDir tmp;
    auto m = model(tmp, R"({formats: {npm: {authorities: {pub: {registries: {
        slow: {protocol: "npm", url: "https://a.example/",
               search: {timeout: {time: "00:00:45", action: "fail", maximumRetries: 0}}},
        flaky: {protocol: "npm", url: "https://b.example/",
                search: {timeout: {time: "2s", action: "retry", maximumRetries: 7}}},
        next: {protocol: "npm", url: "https://c.example/",
               search: {timeout: {action: "continue"}}},
        plain: {protocol: "npm", url: "https://d.example/"}}}}}}})");
    const auto& registries = m.formats.at(0).authorities.at(0).registries;
    auto find = [&](std::string_view name) {
        for (const auto& r : registries)
            if (r.name == name)
                return retry_policy(r);
        ADD_FAILURE() << "no registry " << name;
        return net::RetryPolicy{};
    };
    auto slow = find("slow");
    EXPECT_EQ(slow.timeout, std::chrono::seconds(45));
    EXPECT_EQ(slow.on_timeout, net::RetryPolicy::OnTimeout::fail);
    EXPECT_EQ(slow.maximum_retries, 0);
    auto flaky = find("flaky");
    EXPECT_EQ(flaky.timeout, std::chrono::seconds(2));
    EXPECT_EQ(flaky.on_timeout, net::RetryPolicy::OnTimeout::retry);
    EXPECT_EQ(flaky.maximum_retries, 7);
    EXPECT_EQ(find("next").on_timeout, net::RetryPolicy::OnTimeout::continue_search);
    auto plain = find("plain"); // DESIGN defaults: 30 s, retry, 3 retries
    EXPECT_EQ(plain.timeout, std::chrono::seconds(30));
    EXPECT_EQ(plain.on_timeout, net::RetryPolicy::OnTimeout::retry);
    EXPECT_EQ(plain.maximum_retries, 3);
}

} // namespace
} // namespace cairn::ops
