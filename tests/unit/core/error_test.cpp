#include "cairn/core/error.hpp"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(Error, FormatsMessageCausesContextAndHints) {
    Error error(Code::integrity, "integrity check failed for npm:debug@4.3.7");
    error.caused_by("sha512 of the archive is 9f2c, the registry said 1a7b")
        .while_("fetching from mirror \"corp\"")
        .hint("remove the mirror");
    EXPECT_EQ(format_plain(error),
              "error: integrity check failed for npm:debug@4.3.7\n"
              "  caused by: sha512 of the archive is 9f2c, the registry said 1a7b\n"
              "  while: fetching from mirror \"corp\"\n"
              "hint: remove the mirror\n");
    EXPECT_EQ(code_name(error.code()), "integrity");
    EXPECT_EQ(exit_status(error.code()), 6);
}

TEST(Error, EveryCodeHasANameAndANonZeroExitStatus) {
    for (int c = 0; c <= static_cast<int>(Code::internal); ++c) {
        Code code = static_cast<Code>(c);
        EXPECT_FALSE(code_name(code).empty());
        EXPECT_NE(exit_status(code), 0);
        EXPECT_NE(exit_status(code), 1) << "1 is reserved for 'no match' answers";
    }
}

} // namespace
} // namespace cairn
