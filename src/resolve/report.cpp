#include "cairn/resolve/report.hpp"

#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace cairn::resolve {

namespace {

// Writes the derivation as numbered English lines, following the error reporting part
// of Dart pub's doc/solver.md: a linear chain reads as "Because ..., X. And because ...,
// Y."; a derived fact used twice, or concluding a separate branch, gets a line number
// that later lines refer to.
class Reporter {
public:
    Reporter(const DerivationTree& tree, const ReportOptions& options)
        : m_tree(tree), m_options(options), m_derivations(tree.nodes.size(), 0) {}

    std::string run() {
        const auto& root = m_tree.nodes[m_tree.root];
        if (root.is_external()) {
            write(m_tree.root, "Because " + describe(m_tree.root) + ", version solving failed.",
                  false);
        } else {
            count_derivations(m_tree.root);
            visit(m_tree.root, false);
        }
        return render();
    }

private:
    const DerivationNode& node(std::size_t index) const { return m_tree.nodes[index]; }
    const Derived* derived(std::size_t index) const {
        return std::get_if<Derived>(&node(index).cause);
    }
    bool is_root(const std::string& package) const { return package == m_tree.root_package; }

    void count_derivations(std::size_t index) {
        if (m_derivations[index]++ > 0)
            return;
        if (const auto* causes = derived(index)) {
            count_derivations(causes->conflict);
            count_derivations(causes->other);
        }
    }

    std::string versions(const std::string& package, const version::VersionSet& set) const {
        if (m_options.format_versions)
            return m_options.format_versions(package, set);
        return set.is_full() ? "any" : set.to_string();
    }

    // "foo ^1.0.0"; "every version of foo" for all versions when `every` is set; the
    // root by its name alone.
    std::string terse(const std::string& package, const version::VersionSet& set,
                      bool every) const {
        if (is_root(package))
            return package;
        if (every && set.is_full())
            return "every version of " + package;
        return package + " " + versions(package, set);
    }
    // A package term inside a sentence: the name alone when it allows every version.
    std::string named(const Term& term) const {
        if (term.positive && is_root(term.package))
            return term.package;
        if (term.versions.is_full())
            return term.package;
        return term.package + " " + versions(term.package, term.versions);
    }

    static std::string join(const std::vector<std::string>& parts, const std::string& word) {
        std::string out;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i > 0)
                out += " " + word + " ";
            out += parts[i];
        }
        return out;
    }

    std::string describe_dependency(const DependencyFact& fact) const {
        const std::string depender = terse(fact.depender, fact.depender_versions, true);
        const std::string target = fact.dependency + " " + versions(fact.dependency, fact.range);
        switch (fact.kind) {
        case DependencyKind::dev:
            return depender + " depends on " + target + " for development";
        case DependencyKind::override:
            return depender + " overrides " + fact.dependency + " to " +
                   versions(fact.dependency, fact.range);
        case DependencyKind::normal:
            break;
        }
        return depender + " depends on " + target;
    }

    std::string describe(std::size_t index) const {
        const auto& n = node(index);
        if (const auto* fact = std::get_if<RootFact>(&n.cause))
            return fact->package + " is " + fact->version.to_string();
        if (const auto* fact = std::get_if<DependencyFact>(&n.cause))
            return describe_dependency(*fact);
        if (const auto* fact = std::get_if<NoVersionsFact>(&n.cause)) {
            std::string text;
            const char* usable = fact->skipped.empty() ? "" : "usable ";
            if (fact->range.is_full())
                text = std::string("there are no ") + usable + "versions of " + fact->package;
            else
                text = std::string("no ") + usable + "versions of " + fact->package + " match " +
                       versions(fact->package, fact->range);
            if (!fact->skipped.empty()) {
                std::vector<std::string> notes;
                for (const auto& skipped : fact->skipped)
                    notes.push_back(skipped.version.to_string() + " is " +
                                    std::string(availability_name(skipped.availability)));
                text += " (" + join(notes, "and") + ")";
            }
            return text;
        }
        if (const auto* fact = std::get_if<UnavailableFact>(&n.cause))
            return "the dependencies of " + terse(fact->package, fact->versions, true) +
                   " are unknown";
        return describe_terms(n.terms);
    }

    std::string describe_terms(const std::vector<Term>& terms) const {
        if (terms.empty() || (terms.size() == 1 && terms[0].positive && is_root(terms[0].package)))
            return "version solving failed";
        if (terms.size() == 1) {
            const auto& term = terms[0];
            return named(term) + (term.positive ? " is forbidden" : " is required");
        }
        std::vector<std::string> positive;
        std::vector<std::string> negative;
        const Term* single_positive = nullptr;
        for (const auto& term : terms) {
            if (term.positive) {
                positive.push_back(named(term));
                single_positive = &term;
            } else {
                negative.push_back(named(term));
            }
        }
        if (!positive.empty() && !negative.empty()) {
            if (positive.size() == 1)
                return terse(single_positive->package, single_positive->versions, true) +
                       " requires " + join(negative, "or");
            return "if " + join(positive, "and") + " then " + join(negative, "or");
        }
        if (!positive.empty()) {
            if (positive.size() == 2)
                return positive[0] + " is incompatible with " + positive[1];
            return join(positive, "and") + " are incompatible";
        }
        return "either " + join(negative, "or") + " is required";
    }

    // Two causes in one clause, merged where the facts allow: "a depends on both b and c",
    // "a depends on b which depends on c".
    std::string describe_pair(std::size_t first, std::size_t second, std::optional<int> first_line,
                              std::optional<int> second_line) const {
        const auto* a = std::get_if<DependencyFact>(&node(first).cause);
        const auto* b = std::get_if<DependencyFact>(&node(second).cause);
        if (a && b && a->kind == DependencyKind::normal && b->kind == DependencyKind::normal) {
            if (a->depender == b->depender && a->depender_versions == b->depender_versions) {
                return terse(a->depender, a->depender_versions, true) + " depends on both " +
                       a->dependency + " " + versions(a->dependency, a->range) + " and " +
                       b->dependency + " " + versions(b->dependency, b->range);
            }
            for (int swap = 0; swap < 2; ++swap) {
                const auto* x = swap ? b : a;
                const auto* y = swap ? a : b;
                if (x->dependency == y->depender && x->range.is_subset_of(y->depender_versions))
                    return describe_dependency(*x) + " which depends on " + y->dependency + " " +
                           versions(y->dependency, y->range);
            }
        }
        std::string text = describe(first);
        if (first_line)
            text += " (" + std::to_string(*first_line) + ")";
        text += " and " + describe(second);
        if (second_line)
            text += " (" + std::to_string(*second_line) + ")";
        return text;
    }

    std::optional<int> line_of(std::size_t index) const {
        auto found = m_line_numbers.find(index);
        if (found == m_line_numbers.end())
            return std::nullopt;
        return found->second;
    }

    void write(std::size_t index, std::string message, bool numbered) {
        if (numbered) {
            const int number = static_cast<int>(m_line_numbers.size()) + 1;
            m_line_numbers[index] = number;
            m_lines.emplace_back(std::move(message), number);
        } else {
            m_lines.emplace_back(std::move(message), std::nullopt);
        }
    }

    bool is_collapsible(std::size_t index) const {
        if (m_derivations[index] > 1)
            return false;
        const auto* causes = derived(index);
        if (!causes)
            return false;
        const bool conflict_derived = derived(causes->conflict) != nullptr;
        const bool other_derived = derived(causes->other) != nullptr;
        if (conflict_derived == other_derived)
            return false;
        return !line_of(conflict_derived ? causes->conflict : causes->other);
    }

    void visit(std::size_t index, bool conclusion) {
        const bool numbered = conclusion || m_derivations[index] > 1;
        const std::string conjunction = numbered || index == m_tree.root ? "So," : "And";
        const std::string fact = describe(index);
        const auto& causes = *derived(index);
        const bool conflict_derived = derived(causes.conflict) != nullptr;
        const bool other_derived = derived(causes.other) != nullptr;

        if (conflict_derived && other_derived) {
            const auto conflict_line = line_of(causes.conflict);
            const auto other_line = line_of(causes.other);
            if (conflict_line && other_line) {
                write(index,
                      "Because " +
                          describe_pair(causes.conflict, causes.other, conflict_line, other_line) +
                          ", " + fact + ".",
                      numbered);
            } else if (conflict_line || other_line) {
                const std::size_t with_line = conflict_line ? causes.conflict : causes.other;
                const std::size_t without_line = conflict_line ? causes.other : causes.conflict;
                visit(without_line, false);
                write(index,
                      conjunction + " because " + describe(with_line) + " (" +
                          std::to_string(*line_of(with_line)) + "), " + fact + ".",
                      numbered);
            } else {
                const bool single_conflict = is_single_line(causes.conflict);
                const bool single_other = is_single_line(causes.other);
                if (single_conflict || single_other) {
                    const std::size_t first = single_other ? causes.conflict : causes.other;
                    const std::size_t second = single_other ? causes.other : causes.conflict;
                    visit(first, false);
                    visit(second, false);
                    write(index, "Thus, " + fact + ".", numbered);
                } else {
                    visit(causes.conflict, true);
                    m_lines.emplace_back("", std::nullopt);
                    visit(causes.other, false);
                    write(index,
                          conjunction + " because " + describe(causes.conflict) + " (" +
                              std::to_string(*line_of(causes.conflict)) + "), " + fact + ".",
                          numbered);
                }
            }
        } else if (conflict_derived || other_derived) {
            const std::size_t derived_cause = conflict_derived ? causes.conflict : causes.other;
            const std::size_t external = conflict_derived ? causes.other : causes.conflict;
            if (const auto line = line_of(derived_cause)) {
                write(index,
                      "Because " + describe_pair(external, derived_cause, std::nullopt, line) +
                          ", " + fact + ".",
                      numbered);
            } else if (is_collapsible(derived_cause)) {
                const auto& inner = *derived(derived_cause);
                const bool inner_conflict_derived = derived(inner.conflict) != nullptr;
                const std::size_t inner_derived =
                    inner_conflict_derived ? inner.conflict : inner.other;
                const std::size_t inner_external =
                    inner_conflict_derived ? inner.other : inner.conflict;
                visit(inner_derived, false);
                write(index,
                      conjunction + " because " +
                          describe_pair(inner_external, external, std::nullopt, std::nullopt) +
                          ", " + fact + ".",
                      numbered);
            } else {
                visit(derived_cause, false);
                write(index, conjunction + " because " + describe(external) + ", " + fact + ".",
                      numbered);
            }
        } else {
            write(index,
                  "Because " +
                      describe_pair(causes.conflict, causes.other, std::nullopt, std::nullopt) +
                      ", " + fact + ".",
                  numbered);
        }
    }

    bool is_single_line(std::size_t index) const {
        const auto& causes = *derived(index);
        return !derived(causes.conflict) && !derived(causes.other);
    }

    std::string render() const {
        std::size_t padding = 0;
        if (!m_line_numbers.empty()) {
            int last = 0;
            for (const auto& [index, number] : m_line_numbers)
                last = std::max(last, number);
            padding = ("(" + std::to_string(last) + ") ").size();
        }
        std::string out;
        bool last_was_empty = false;
        for (const auto& [message, number] : m_lines) {
            if (message.empty()) {
                if (!last_was_empty)
                    out += '\n';
                last_was_empty = true;
                continue;
            }
            last_was_empty = false;
            std::string prefix;
            if (number) {
                prefix = "(" + std::to_string(*number) + ")";
            }
            prefix.resize(padding, ' ');
            out += prefix + message + '\n';
        }
        return out;
    }

    const DerivationTree& m_tree;
    const ReportOptions& m_options;
    std::vector<std::size_t> m_derivations;
    std::map<std::size_t, int> m_line_numbers;
    std::vector<std::pair<std::string, std::optional<int>>> m_lines;
};

} // namespace

std::string explain(const DerivationTree& tree, const ReportOptions& options) {
    if (tree.nodes.empty())
        return "version solving failed\n";
    return Reporter(tree, options).run();
}

} // namespace cairn::resolve
