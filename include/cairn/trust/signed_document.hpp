#pragma once

#include "cairn/trust/ssh_key.hpp"
#include "cairn/trust/sshsig.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Signed documents (docs/cairn-index.md, "Signed envelope"):
//   {"format":"cairn-index/1","payload":"<canonical JSON text>",
//    "signatures":[{"keyid":"SHA256:...","sig":"<base64 SSHSIG blob>"}]}
// The payload is carried as a JSON string holding the exact signed bytes; signatures are
// SSHSIG in namespace "cairn-index" over those bytes.
namespace cairn::trust {

inline constexpr std::string_view k_envelope_format = "cairn-index/1";

struct DocumentSignature {
    Fingerprint keyid;
    SshSignature signature;
};

// A parsed envelope. Parsing checks the structure, that the payload is a canonical JSON
// object, and that each keyid names the key inside its signature; it verifies nothing.
class SignedDocument {
public:
    // Throws Error(Code::integrity) "invalid signed document: ..." or a canonical JSON or
    // SSHSIG error.
    static SignedDocument parse(std::string_view envelope);

    const std::string& payload() const noexcept { return m_payload; }
    const std::vector<DocumentSignature>& signatures() const noexcept { return m_signatures; }
    // The envelope as canonical JSON.
    std::string to_json() const;

private:
    SignedDocument(std::string payload, std::vector<DocumentSignature> signatures);

    std::string m_payload;
    std::vector<DocumentSignature> m_signatures;
};

// What a verification established: the exact payload bytes and the keys whose signatures
// over them verified.
struct VerifiedDocument {
    std::string payload;
    std::vector<Fingerprint> signers;
};

// Canonicalises `payload_json` and signs it with ssh-keygen (SignOptions::key_path);
// returns the envelope text. The payload must be a JSON object.
std::string sign_document(std::string_view payload_json, const SignOptions& options);
std::string sign_document(std::string_view payload_json, const std::filesystem::path& key_path);
// Adds one more signature (a co-signer) to an existing envelope.
std::string add_signature(std::string_view envelope, const SignOptions& options);

// Verifies the signatures made by `trusted_keys` (signatures by other keys are ignored) and
// returns the payload. Throws Error(Code::integrity) when a trusted key's signature does
// not verify, or when no trusted key signed.
VerifiedDocument verify_document(std::string_view envelope,
                                 std::span<const PublicKey> trusted_keys);

// Verifies every signature against the key it carries, for trust on first use: the caller
// decides with a TrustPolicy whether the signers are acceptable. Throws on any bad
// signature.
VerifiedDocument verify_document_signers(std::string_view envelope);

} // namespace cairn::trust
