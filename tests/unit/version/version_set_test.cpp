#include "cairn/version/version_set.hpp"

#include <gtest/gtest.h>

#include <random>

namespace cairn::version {

// gtest prints sets in failures through this (found by argument-dependent lookup).
void PrintTo(const VersionSet& set, std::ostream* os) {
    *os << set.to_string();
}

namespace {

Version v(std::string_view text) {
    return Version::parse_or_throw(text);
}

TEST(VersionSet, Printing) {
    EXPECT_EQ(VersionSet::full().to_string(), "*");
    EXPECT_EQ(VersionSet::empty().to_string(), "<empty>");
    auto set = VersionSet::between(v("1.0.0"), true, v("2.0.0"), false)
                   .union_with(VersionSet::exactly(v("3.0.0")));
    EXPECT_EQ(set.to_string(), ">=1.0.0 <2.0.0 || 3.0.0");
    EXPECT_EQ(VersionSet::greater_than(v("1.0.0")).to_string(), ">1.0.0");
    EXPECT_EQ(VersionSet::at_most(v("1.0.0")).to_string(), "<=1.0.0");
    EXPECT_EQ(VersionSet::exactly(v("3.0.0")).single_version()->to_string(), "3.0.0");
}

TEST(VersionSet, BoundsThatMeetAreOneBound) {
    EXPECT_EQ(VersionSet::greater_than(v("1.2.3")), VersionSet::at_least(v("1.2.4-0")));
    EXPECT_EQ(VersionSet::at_most(v("1.2.3-a")), VersionSet::less_than(v("1.2.3-a.0")));
    EXPECT_TRUE(VersionSet::at_least(Version::minimum()).is_full());
    EXPECT_TRUE(VersionSet::less_than(Version::minimum()).is_empty());
    // [1.0.0, 1.0.0] and (1.0.0, 2.0.0) touch: one interval.
    auto joined = VersionSet::exactly(v("1.0.0"))
                      .union_with(VersionSet::between(v("1.0.0"), false, v("2.0.0"), false));
    EXPECT_EQ(joined.intervals().size(), 1u);
    EXPECT_EQ(joined, VersionSet::between(v("1.0.0"), true, v("2.0.0"), false));
    // Nothing lies between 1.0.0 and 1.0.1-0, so these two also touch.
    auto touching = VersionSet::at_most(v("1.0.0")).union_with(VersionSet::at_least(v("1.0.1-0")));
    EXPECT_TRUE(touching.is_full());
    // But 1.0.0 and 1.0.1 leave a gap with 1.0.1's prereleases in it.
    auto gap = VersionSet::at_most(v("1.0.0")).union_with(VersionSet::at_least(v("1.0.1")));
    EXPECT_FALSE(gap.is_full());
    EXPECT_FALSE(gap.contains(v("1.0.1-alpha")));
    EXPECT_TRUE(gap.contains(v("1.0.1")));
}

TEST(VersionSet, NoPrereleasePolicyInside) {
    auto set = VersionSet::between(v("1.0.0"), true, v("2.0.0"), false);
    EXPECT_TRUE(set.contains(v("1.5.0-beta")));
    EXPECT_TRUE(set.contains(v("2.0.0-rc.1")));
    EXPECT_FALSE(set.contains(v("1.0.0-rc.1")));
}

// ---- Property tests: the algebra against brute-force membership ----------------------

class Universe {
public:
    Universe() {
        const std::vector<std::vector<std::string>> pres = {
            {}, {"0"}, {"1"}, {"alpha"}, {"alpha", "0"}, {"alpha", "1"}, {"beta"}, {"0", "0"}};
        for (std::uint64_t major = 0; major <= 2; ++major)
            for (std::uint64_t minor = 0; minor <= 2; ++minor)
                for (std::uint64_t patch = 0; patch <= 2; ++patch)
                    for (const auto& pre : pres) {
                        std::vector<Identifier> ids;
                        for (const auto& p : pre)
                            ids.push_back(*Identifier::parse(p));
                        m_versions.push_back(Version::from_parts(major, minor, patch, ids));
                    }
        std::sort(m_versions.begin(), m_versions.end());
    }
    const std::vector<Version>& versions() const { return m_versions; }

private:
    std::vector<Version> m_versions;
};

VersionSet random_set(std::mt19937_64& rng, const Universe& u) {
    auto pick = [&]() -> const Version& { return u.versions()[rng() % u.versions().size()]; };
    VersionSet set = VersionSet::empty();
    int pieces = static_cast<int>(rng() % 4);
    for (int i = 0; i < pieces; ++i) {
        switch (rng() % 8) {
        case 0:
            set = set.union_with(VersionSet::exactly(pick()));
            break;
        case 1:
            set = set.union_with(VersionSet::at_least(pick()));
            break;
        case 2:
            set = set.union_with(VersionSet::greater_than(pick()));
            break;
        case 3:
            set = set.union_with(VersionSet::at_most(pick()));
            break;
        case 4:
            set = set.union_with(VersionSet::less_than(pick()));
            break;
        case 5:
            set = set.union_with(VersionSet::full());
            break;
        default: {
            Version a = pick(), b = pick();
            set = set.union_with(VersionSet::between(a, rng() % 2, b, rng() % 2));
        }
        }
    }
    if (rng() % 5 == 0)
        set = set.complement();
    return set;
}

TEST(VersionSetProperties, AlgebraMatchesBruteForce) {
    Universe u;
    std::mt19937_64 rng(20240601);
    const int k_cases = 5000;
    for (int n = 0; n < k_cases; ++n) {
        VersionSet a = random_set(rng, u), b = random_set(rng, u), c = random_set(rng, u);
        SCOPED_TRACE("A = " + a.to_string() + ", B = " + b.to_string() + ", C = " + c.to_string());
        VersionSet a_or_b = a.union_with(b), a_and_b = a.intersect(b);
        VersionSet not_a = a.complement(), a_minus_b = a.difference(b);
        bool subset_brute = true, disjoint_brute = true;
        for (const Version& x : u.versions()) {
            bool in_a = a.contains(x), in_b = b.contains(x);
            ASSERT_EQ(a_or_b.contains(x), in_a || in_b) << x.to_string();
            ASSERT_EQ(a_and_b.contains(x), in_a && in_b) << x.to_string();
            ASSERT_EQ(not_a.contains(x), !in_a) << x.to_string();
            ASSERT_EQ(a_minus_b.contains(x), in_a && !in_b) << x.to_string();
            subset_brute = subset_brute && (!in_a || in_b);
            disjoint_brute = disjoint_brute && !(in_a && in_b);
        }
        // Laws.
        ASSERT_EQ(not_a.complement(), a);
        ASSERT_EQ(a_or_b.complement(), not_a.intersect(b.complement()));
        ASSERT_EQ(a_and_b.complement(), not_a.union_with(b.complement()));
        ASSERT_EQ(a.intersect(b.union_with(c)), a_and_b.union_with(a.intersect(c)));
        ASSERT_EQ(a.union_with(b.intersect(c)), a_or_b.intersect(a.union_with(c)));
        ASSERT_EQ(a_or_b, b.union_with(a));
        ASSERT_EQ(a_and_b, b.intersect(a));
        ASSERT_EQ(a.union_with(a), a);
        ASSERT_EQ(a.intersect(a), a);
        ASSERT_TRUE(a.union_with(not_a).is_full());
        ASSERT_TRUE(a.intersect(not_a).is_empty());
        ASSERT_EQ(a.is_subset_of(b), a_and_b == a);
        ASSERT_EQ(a.is_subset_of(b), a_minus_b.is_empty());
        ASSERT_EQ(a.is_subset_of(b), b.complement().is_subset_of(not_a));
        ASSERT_EQ(a.is_disjoint(b), a_and_b.is_empty());
        ASSERT_EQ(a.is_disjoint(b), a.is_subset_of(b.complement()));
        if (a.is_subset_of(b)) {
            ASSERT_TRUE(subset_brute);
        }
        if (a.is_disjoint(b)) {
            ASSERT_TRUE(disjoint_brute);
        }
        ASSERT_TRUE(a_and_b.is_subset_of(a));
        ASSERT_TRUE(a.is_subset_of(a_or_b));
        ASSERT_EQ(a.is_full(), a == VersionSet::full());
        ASSERT_EQ(a.is_empty(), a == VersionSet::empty());
        // Canonical form: intervals sorted, disjoint and not touching.
        const auto& iv = a.intervals();
        for (std::size_t k = 0; k + 1 < iv.size(); ++k) {
            ASSERT_TRUE(iv[k].upper && iv[k + 1].lower);
            // The gap between two neighbours is not empty: some version lies in it.
            const auto& hi = *iv[k].upper;
            const auto& lo = *iv[k + 1].lower;
            Version probe = hi.after ? hi.version.successor() : hi.version;
            ASSERT_FALSE(a.contains(probe)) << probe.to_string() << " should be in a gap";
            ASSERT_TRUE(probe < lo.version || (probe == lo.version && lo.after));
        }
    }
}

} // namespace
} // namespace cairn::version
