// libcurl, libarchive, ISA-L and libcrypto are loaded on first use: not before, once after,
// with a clear error when a library or a function is missing, and with every kind of
// variadic curl option passed through unchanged.
#include "cairn/core/digest.hpp"
#include "cairn/core/error.hpp"
#include "cairn/lazy/shared_library.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

namespace cairn::lazy {
namespace {

// What was loaded before main(): the tests may run in one process, in any order, and
// loading libcurl brings libcrypto with it.
const bool k_curl_at_start = is_loaded(libcurl.soname);
const bool k_archive_at_start = is_loaded(libarchive.soname);
const bool k_crypto_at_start = is_loaded(libcrypto.soname);
const bool k_isal_at_start = is_loaded(libisal.soname);

std::size_t ignore_body(char*, std::size_t size, std::size_t count, void*) {
    return size * count;
}

TEST(Lazy, CurlIsLoadedByItsFirstCallOnly) {
    // Nothing in this program has called libcurl yet (the tests run in file order, and
    // the program is not linked against it).
    EXPECT_FALSE(k_curl_at_start) << libcurl.soname << " was loaded at start";
    curl_slist* list = curl_slist_append(nullptr, "Accept: */*");
    ASSERT_NE(list, nullptr);
    EXPECT_STREQ(list->data, "Accept: */*");
    curl_slist_free_all(list);
    EXPECT_TRUE(is_loaded(libcurl.soname));
}

TEST(Lazy, ArchiveIsLoadedByItsFirstCallOnly) {
    EXPECT_FALSE(k_archive_at_start) << libarchive.soname << " was loaded at start";
    archive* reader = archive_read_new();
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(archive_read_support_format_tar(reader), ARCHIVE_OK);
    EXPECT_EQ(archive_read_free(reader), ARCHIVE_OK);
    EXPECT_TRUE(is_loaded(libarchive.soname));
}

TEST(Lazy, IsalIsLoadedByItsFirstCallOnly) {
    EXPECT_FALSE(k_isal_at_start) << libisal.soname << " was loaded at start";
    // A gzip member of "hi" (one stored deflate block).
    unsigned char gz[] = {0x1f, 0x8b, 8,   0,   0,    0,    0,    0,    0, 0xff, 1, 2, 0,
                          0xfd, 0xff, 'h', 'i', 0xac, 0x2a, 0x93, 0xd8, 2, 0,    0, 0};
    auto state = std::make_unique<inflate_state>();
    isal_inflate_init(state.get());
    state->crc_flag = ISAL_GZIP;
    state->next_in = gz;
    state->avail_in = sizeof gz;
    unsigned char out[8] = {};
    state->next_out = out;
    state->avail_out = sizeof out;
    EXPECT_EQ(isal_inflate(state.get()), ISAL_DECOMP_OK);
    EXPECT_EQ(state->block_state, ISAL_BLOCK_FINISH);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(out), sizeof out - state->avail_out), "hi");
    EXPECT_TRUE(is_loaded(libisal.soname));
}

TEST(Lazy, CryptoIsLoadedByTheFirstDigestOnly) {
    EXPECT_FALSE(k_crypto_at_start) << libcrypto.soname << " was loaded at start";
    Hasher hasher(DigestAlgorithm::sha256);
    hasher.update(std::string_view("abc"));
    EXPECT_EQ(hasher.finish().hex(),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_TRUE(is_loaded(libcrypto.soname));
}

TEST(Lazy, EveryKindOfCurlOptionIsPassedThrough) {
    ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    CURL* easy = curl_easy_init();
    ASSERT_NE(easy, nullptr);
    EXPECT_EQ(curl_easy_setopt(easy, CURLOPT_VERBOSE, 0L), CURLE_OK);                 // long
    EXPECT_EQ(curl_easy_setopt(easy, CURLOPT_URL, "http://127.0.0.1:1/"), CURLE_OK);  // string
    EXPECT_EQ(curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &ignore_body), CURLE_OK); // function
    EXPECT_EQ(curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t{1} << 40),
              CURLE_OK); // off_t
    // A value curl checks: a redirect limit below -1 is refused, so the long arrived.
    EXPECT_EQ(curl_easy_setopt(easy, CURLOPT_MAXREDIRS, -2L), CURLE_BAD_FUNCTION_ARGUMENT);
    long code = -1;
    EXPECT_EQ(curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
    EXPECT_EQ(code, 0);
    EXPECT_STREQ(curl_easy_strerror(CURLE_OK), "No error");
    curl_easy_cleanup(easy);

    CURLM* multi = curl_multi_init();
    ASSERT_NE(multi, nullptr);
    EXPECT_EQ(curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 4L), CURLM_OK);
    EXPECT_EQ(curl_multi_cleanup(multi), CURLM_OK);
}

TEST(Lazy, ReleasingNothingLoadsNothing) {
    // What a destructor does after a failed start: nothing is loaded, nothing throws. (ctest
    // runs each test in its own process, where none of the three is loaded yet.)
    const SharedLibrary* libraries[] = {&libcrypto, &libcurl, &libarchive};
    std::vector<const SharedLibrary*> absent;
    for (const SharedLibrary* library : libraries)
        if (!is_loaded(library->soname))
            absent.push_back(library);
    EVP_MD_CTX_free(nullptr);
    EVP_PKEY_free(nullptr);
    curl_easy_cleanup(nullptr);
    curl_slist_free_all(nullptr);
    EXPECT_EQ(archive_read_free(nullptr), ARCHIVE_OK);
    archive_entry_free(nullptr);
    for (const SharedLibrary* library : absent)
        EXPECT_FALSE(is_loaded(library->soname))
            << library->soname << " was loaded to free nothing";
}

TEST(Lazy, AMissingLibraryIsAClearError) {
    SharedLibrary missing{"libcairn-no-such-library.so.7", "cairn-no-such-package"};
    try {
        symbol(missing, "anything");
        FAIL() << "loaded a library that does not exist";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::io);
        EXPECT_EQ(e.message(), "cannot load the shared library libcairn-no-such-library.so.7");
        ASSERT_FALSE(e.causes().empty());
        EXPECT_NE(e.causes().front().find("libcairn-no-such-library.so.7"), std::string::npos)
            << e.causes().front();
        ASSERT_FALSE(e.hints().empty());
        EXPECT_NE(e.hints().front().find("apt-get install cairn-no-such-package"),
                  std::string::npos)
            << e.hints().front();
    }
}

TEST(Lazy, AMissingFunctionIsAClearError) {
    try {
        symbol(libcurl, "curl_no_such_function");
        FAIL() << "found a function that does not exist";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::io);
        EXPECT_EQ(e.message(), std::string("the shared library ") + libcurl.soname +
                                   " has no function curl_no_such_function");
    }
}

} // namespace
} // namespace cairn::lazy
