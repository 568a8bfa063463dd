#include "cairn/trust/signed_document.hpp"

#include "json_value.hpp"

#include "cairn/core/error.hpp"
#include "cairn/core/text.hpp"
#include "cairn/trust/canonical_json.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cairn::trust {

namespace {

using nlohmann::json;

Error invalid(std::string_view why) {
    return Error(Code::integrity, fmt::format("invalid signed document: {}", why));
}

const json& member(const json& object, std::string_view key, std::string_view where) {
    auto it = object.find(key);
    if (it == object.end())
        throw invalid(fmt::format("{} has no {} field", where, text::quote(key)));
    return *it;
}

std::string join_fingerprints(const std::vector<Fingerprint>& list) {
    std::vector<std::string> texts;
    for (const auto& fp : list)
        texts.push_back(fp.text());
    return texts.empty() ? std::string("none") : text::join(texts, ", ");
}

} // namespace

SignedDocument::SignedDocument(std::string payload, std::vector<DocumentSignature> signatures)
    : m_payload(std::move(payload)), m_signatures(std::move(signatures)) {}

SignedDocument SignedDocument::parse(std::string_view envelope) {
    json root = detail::parse_strict_json(envelope);
    if (!root.is_object())
        throw invalid("the envelope is not a JSON object");
    for (const auto& [key, value] : root.items()) {
        if (key != "format" && key != "payload" && key != "signatures")
            throw invalid(fmt::format("unknown field {} in the envelope", text::quote(key)));
    }
    const json& format = member(root, "format", "the envelope");
    if (!format.is_string() || format.get<std::string>() != k_envelope_format)
        throw invalid(fmt::format("format is {}, not \"{}\"", format.dump(), k_envelope_format));
    const json& payload = member(root, "payload", "the envelope");
    if (!payload.is_string())
        throw invalid("payload is not a string");
    std::string payload_text = payload.get<std::string>();
    json parsed = detail::parse_strict_json(payload_text);
    if (!parsed.is_object())
        throw invalid("the payload is not a JSON object");
    if (detail::dump_canonical_json(parsed) != payload_text)
        throw invalid("the payload is not in canonical form (sorted keys, no whitespace, "
                      "minimal escapes)");
    const json& signatures = member(root, "signatures", "the envelope");
    if (!signatures.is_array())
        throw invalid("signatures is not an array");
    if (signatures.empty())
        throw invalid("there are no signatures");
    std::vector<DocumentSignature> parsed_signatures;
    for (std::size_t i = 0; i < signatures.size(); ++i) {
        const json& entry = signatures[i];
        auto where = fmt::format("signature {}", i + 1);
        if (!entry.is_object() || entry.size() != 2)
            throw invalid(fmt::format("{} is not an object with keyid and sig", where));
        const json& keyid = member(entry, "keyid", where);
        const json& sig = member(entry, "sig", where);
        if (!keyid.is_string() || !sig.is_string())
            throw invalid(fmt::format("{}: keyid and sig must be strings", where));
        auto fingerprint = Fingerprint::parse(keyid.get<std::string>());
        auto signature = SshSignature::parse_base64(sig.get<std::string>());
        if (signature.public_key().fingerprint() != fingerprint)
            throw invalid(fmt::format("{}: keyid {} does not name the signing key {}", where,
                                      fingerprint.text(),
                                      signature.public_key().fingerprint().text()));
        for (const auto& earlier : parsed_signatures) {
            if (earlier.keyid == fingerprint)
                throw invalid(
                    fmt::format("{} is the second signature by {}", where, fingerprint.text()));
        }
        parsed_signatures.push_back({std::move(fingerprint), std::move(signature)});
    }
    return SignedDocument(std::move(payload_text), std::move(parsed_signatures));
}

std::string SignedDocument::to_json() const {
    json root = json::object();
    root["format"] = k_envelope_format;
    root["payload"] = m_payload;
    json signatures = json::array();
    for (const auto& entry : m_signatures)
        signatures.push_back({{"keyid", entry.keyid.text()}, {"sig", entry.signature.base64()}});
    root["signatures"] = std::move(signatures);
    return detail::dump_canonical_json(root);
}

std::string sign_document(std::string_view payload_json, const SignOptions& options) {
    json parsed = detail::parse_strict_json(payload_json);
    if (!parsed.is_object())
        throw invalid("the payload is not a JSON object");
    std::string payload = detail::dump_canonical_json(parsed);
    auto signature = sign_with_ssh_keygen(payload, options);
    // A signer whose key or tool misbehaves is caught here, not by the first reader.
    verify(signature, payload, options.signature_namespace);
    json root = json::object();
    root["format"] = k_envelope_format;
    root["payload"] = payload;
    root["signatures"] = json::array(
        {{{"keyid", signature.public_key().fingerprint().text()}, {"sig", signature.base64()}}});
    return detail::dump_canonical_json(root);
}

std::string sign_document(std::string_view payload_json, const std::filesystem::path& key_path) {
    SignOptions options;
    options.key_path = key_path;
    return sign_document(payload_json, options);
}

std::string add_signature(std::string_view envelope, const SignOptions& options) {
    auto document = SignedDocument::parse(envelope);
    auto signature = sign_with_ssh_keygen(document.payload(), options);
    verify(signature, document.payload(), options.signature_namespace);
    json root = detail::parse_strict_json(envelope);
    for (const auto& entry : document.signatures()) {
        if (entry.keyid == signature.public_key().fingerprint())
            throw invalid(fmt::format("the document is already signed by {}", entry.keyid.text()));
    }
    root["signatures"].push_back(
        {{"keyid", signature.public_key().fingerprint().text()}, {"sig", signature.base64()}});
    return detail::dump_canonical_json(root);
}

VerifiedDocument verify_document(std::string_view envelope,
                                 std::span<const PublicKey> trusted_keys) {
    auto document = SignedDocument::parse(envelope);
    VerifiedDocument result{document.payload(), {}};
    std::vector<Fingerprint> present;
    for (const auto& entry : document.signatures()) {
        present.push_back(entry.keyid);
        auto trusted = std::find_if(trusted_keys.begin(), trusted_keys.end(),
                                    [&](const auto& k) { return k.fingerprint() == entry.keyid; });
        if (trusted == trusted_keys.end())
            continue;
        verify(entry.signature, document.payload(), *trusted, k_index_namespace);
        result.signers.push_back(entry.keyid);
    }
    if (result.signers.empty()) {
        std::vector<Fingerprint> trusted;
        for (const auto& key : trusted_keys)
            trusted.push_back(key.fingerprint());
        throw Error(Code::integrity,
                    fmt::format("not signed by a trusted key: signed by {}; trusted: {}",
                                join_fingerprints(present), join_fingerprints(trusted)));
    }
    return result;
}

VerifiedDocument verify_document_signers(std::string_view envelope) {
    auto document = SignedDocument::parse(envelope);
    VerifiedDocument result{document.payload(), {}};
    for (const auto& entry : document.signatures()) {
        verify(entry.signature, document.payload(), k_index_namespace);
        result.signers.push_back(entry.keyid);
    }
    return result;
}

} // namespace cairn::trust
