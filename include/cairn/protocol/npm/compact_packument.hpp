#pragma once

#include "cairn/protocol/npm/packument.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A packument in its compact encoding (packument.hpp), read lazily: the document's bytes are
// checked once, every length of every release, when it is built; afterwards a release is
// decoded only when it is asked for. A warm resolution of a package with thousands of
// releases (typescript, @types/node) then costs one pass over its bytes and the handful of
// releases it picks, not a decoded copy of every one.
namespace cairn::protocol::npm {

class CompactPackument {
public:
    // Takes the encoded bytes. Throws cairn::Error(Code::cache_corrupt) for bytes that are
    // not a compact packument of a version this build reads.
    explicit CompactPackument(std::string bytes);
    // Encodes a parsed document.
    static CompactPackument of(const Packument& packument);

    const std::string& bytes() const { return m_bytes; }
    const std::string& name() const { return m_name; }
    const std::map<std::string, std::string>& dist_tags() const { return m_dist_tags; }
    const std::optional<std::string>& modified() const { return m_modified; }

    // Releases, in document order; `i` < size().
    std::size_t size() const { return m_slots.size(); }
    std::string_view version(std::size_t i) const;
    bool deprecated(std::size_t i) const { return m_slots[i].deprecated; }
    std::optional<std::string_view> published(std::size_t i) const; // time[version]
    std::string_view engines_node(std::size_t i) const;
    std::string_view integrity(std::size_t i) const; // dist.integrity, "" when absent
    std::string_view shasum(std::size_t i) const;    // dist.shasum, "" when absent
    PackumentRelease release(std::size_t i) const;

    // Every release decoded.
    Packument decode() const;

private:
    struct Span {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
    };
    struct Slot {
        std::uint32_t start = 0; // where the release's encoding begins
        Span version;
        Span published;
        Span engines_node;
        Span integrity;
        Span shasum;
        bool has_published = false;
        bool deprecated = false;
    };
    std::string_view view(Span span) const { return {m_bytes.data() + span.offset, span.length}; }

    std::string m_bytes;
    int m_format = 0;
    std::string m_name;
    std::map<std::string, std::string> m_dist_tags;
    std::optional<std::string> m_modified;
    std::vector<Slot> m_slots;
};

} // namespace cairn::protocol::npm
