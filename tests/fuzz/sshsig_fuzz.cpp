// The trust module's parsers of untrusted input on arbitrary bytes: SSH public keys, SSHSIG
// (armored and raw), canonical JSON and signed envelopes. Each either succeeds or throws
// cairn::Error with Code::integrity; anything else (a crash, a sanitizer report, another
// exception) is a bug. What parses must round-trip: canonical JSON is idempotent, a parsed
// signature re-armors to the same blob.
#include "cairn/core/error.hpp"
#include "cairn/trust/canonical_json.hpp"
#include "cairn/trust/chain.hpp"
#include "cairn/trust/signed_document.hpp"
#include "cairn/trust/ssh_key.hpp"
#include "cairn/trust/sshsig.hpp"

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace {

void expect_integrity_or_success(const std::function<void()>& f) {
    try {
        f();
    } catch (const cairn::Error& error) {
        if (error.code() != cairn::Code::integrity)
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cairn::trust;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::span<const std::uint8_t> bytes(data, size);

    expect_integrity_or_success([&] {
        auto key = PublicKey::parse(text);
        if (!(PublicKey::parse(key.openssh()) == key))
            std::abort();
    });
    auto check_signature = [](const SshSignature& signature) {
        auto again = SshSignature::parse_armored(signature.armored());
        if (!std::equal(again.blob().begin(), again.blob().end(), signature.blob().begin(),
                        signature.blob().end()))
            std::abort();
        verify(signature, "message");
    };
    expect_integrity_or_success([&] { check_signature(SshSignature::parse_blob(bytes)); });
    expect_integrity_or_success([&] { check_signature(SshSignature::parse_armored(text)); });
    expect_integrity_or_success([&] {
        auto canonical = canonicalize_json(text);
        if (canonicalize_json(canonical) != canonical || !is_canonical_json(canonical))
            std::abort();
    });
    expect_integrity_or_success([&] {
        auto document = SignedDocument::parse(text);
        if (SignedDocument::parse(document.to_json()).payload() != document.payload())
            std::abort();
        (void)verify_document_signers(text);
    });
    expect_integrity_or_success([&] { (void)ChainLink::from_payload(text); });
    return 0;
}
