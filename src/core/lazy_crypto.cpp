// libcrypto's functions as cairn uses them, each loading libcrypto on first use
// (include/cairn/core/lazy_library.hpp). A call to a function missing here fails to link:
// add it below with the prototype from <openssl/evp.h>, which the compiler checks.
#include "cairn/core/lazy_library.hpp"

#include <openssl/evp.h>

namespace {

const cairn::lazy::SharedLibrary& k_crypto = cairn::lazy::libcrypto;

} // namespace

extern "C" {

EVP_MD_CTX* EVP_MD_CTX_new(void) {
    CAIRN_LAZY_REAL(k_crypto, EVP_MD_CTX_new);
    return real();
}

void EVP_MD_CTX_free(EVP_MD_CTX* ctx) {
    if (!ctx)
        return; // freeing nothing loads nothing (and cannot throw from a destructor)
    CAIRN_LAZY_REAL(k_crypto, EVP_MD_CTX_free);
    real(ctx);
}

const EVP_MD* EVP_sha1(void) {
    CAIRN_LAZY_REAL(k_crypto, EVP_sha1);
    return real();
}

const EVP_MD* EVP_sha256(void) {
    CAIRN_LAZY_REAL(k_crypto, EVP_sha256);
    return real();
}

const EVP_MD* EVP_sha512(void) {
    CAIRN_LAZY_REAL(k_crypto, EVP_sha512);
    return real();
}

int EVP_DigestInit_ex(EVP_MD_CTX* ctx, const EVP_MD* type, ENGINE* impl) {
    CAIRN_LAZY_REAL(k_crypto, EVP_DigestInit_ex);
    return real(ctx, type, impl);
}

int EVP_DigestUpdate(EVP_MD_CTX* ctx, const void* data, size_t count) {
    CAIRN_LAZY_REAL(k_crypto, EVP_DigestUpdate);
    return real(ctx, data, count);
}

int EVP_DigestFinal_ex(EVP_MD_CTX* ctx, unsigned char* md, unsigned int* size) {
    CAIRN_LAZY_REAL(k_crypto, EVP_DigestFinal_ex);
    return real(ctx, md, size);
}

EVP_PKEY* EVP_PKEY_new_raw_public_key(int type, ENGINE* engine, const unsigned char* key,
                                      size_t length) {
    CAIRN_LAZY_REAL(k_crypto, EVP_PKEY_new_raw_public_key);
    return real(type, engine, key, length);
}

void EVP_PKEY_free(EVP_PKEY* key) {
    if (!key)
        return;
    CAIRN_LAZY_REAL(k_crypto, EVP_PKEY_free);
    real(key);
}

int EVP_DigestVerifyInit(EVP_MD_CTX* ctx, EVP_PKEY_CTX** pctx, const EVP_MD* type, ENGINE* engine,
                         EVP_PKEY* key) {
    CAIRN_LAZY_REAL(k_crypto, EVP_DigestVerifyInit);
    return real(ctx, pctx, type, engine, key);
}

int EVP_DigestVerify(EVP_MD_CTX* ctx, const unsigned char* signature, size_t signature_length,
                     const unsigned char* data, size_t data_length) {
    CAIRN_LAZY_REAL(k_crypto, EVP_DigestVerify);
    return real(ctx, signature, signature_length, data, data_length);
}

} // extern "C"
