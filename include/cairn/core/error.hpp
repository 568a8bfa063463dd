#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace cairn {

// Stable error codes. Their snake_case names (code_name) appear in `--json` output and
// in docs/errors.md; never renumber or rename one that has shipped.
enum class Code {
    usage,            // bad command line
    config_parse,     // a config or manifest file is not valid JSON5
    config_conflict,  // two files of one level set one key to different values
    config_invalid,   // a value has the wrong type or shape
    config_variable,  // unknown or unset ${...} variable
    config_key,       // `config get/explain` of a key nothing sets
    manifest_invalid, // a package manifest (package.json, cairn.json5) is malformed
    version_parse,    // not a version or not a range
    no_solution,      // the resolver proved no set of versions works
    io,               // the filesystem refused something
    network,          // a registry could not be reached
    offline_miss,     // offline and the data is not cached
    truncated,        // a download ended before its announced length
    stalled,          // a download made no progress within the minimum-throughput window
    unauthorized,     // a registry refused the credentials (401/403)
    integrity,        // bytes do not match their digest or signature
    archive_escape,   // an archive entry or link would land outside its folder
    archive_limit,    // an archive exceeds a size, count, depth or ratio limit
    archive_invalid,  // an archive is malformed, ambiguous or holds special files
    cache_corrupt,    // a stored entry failed verification (it is quarantined)
    not_found,        // a registry has no such package or version
    unsupported,      // a feature cairn does not have (yet)
    lock_outdated,    // --frozen, and the lockfile does not match the manifest
    script_failed,    // a package's lifecycle script exited with an error
    internal,         // a bug in cairn
};

std::string_view code_name(Code code);

// The process exit status for an error of this code (docs/errors.md lists them).
int exit_status(Code code);

// The one exception type of libcairn. A message of one line; causes (the lower-level
// facts that explain it), a context chain added as the error travels up ("while loading
// ..."), and hints telling the user what to run.
class Error : public std::exception {
public:
    Error(Code code, std::string message);

    Code code() const noexcept { return m_code; }
    const std::string& message() const noexcept { return m_message; }
    const std::vector<std::string>& causes() const noexcept { return m_causes; }
    const std::vector<std::string>& context() const noexcept { return m_context; }
    const std::vector<std::string>& hints() const noexcept { return m_hints; }

    Error& caused_by(std::string cause) &;
    Error&& caused_by(std::string cause) &&;
    // Context is added innermost first: the first entry is the closest to the failure.
    Error& while_(std::string context) &;
    Error&& while_(std::string context) &&;
    Error& hint(std::string hint) &;
    Error&& hint(std::string hint) &&;

    // The message alone; renderers use the structured accessors.
    const char* what() const noexcept override { return m_message.c_str(); }

private:
    Code m_code;
    std::string m_message;
    std::vector<std::string> m_causes;
    std::vector<std::string> m_context;
    std::vector<std::string> m_hints;
};

// The error as plain text, one fact per line, in the style the CLI prints (no colour):
//   error: MESSAGE
//     caused by: ...
//     while: ...
//   hint: ...
std::string format_plain(const Error& error);

} // namespace cairn
