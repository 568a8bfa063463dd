#include "packument_decoder.hpp"

#include "cairn/core/thread_name.hpp"
#include "cairn/protocol/npm/registry_request.hpp"
#include "cairn/version/version.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

namespace cairn::registry::detail {

namespace npm = protocol::npm;

namespace {

// Releases by Version::listed_before, equals in document order, those that are not
// versions last: the order a resolution sorts a package's releases into
// (ops/npm_metadata.cpp), which then finds them sorted when it reads them from the cache.
// Registries list releases as they were published, backports after later majors: 876 of
// the large bench project's 987 packuments were out of order, and sorting 69,707 releases
// on each warm resolution took 3% of its time.
void order_by_version(npm::Packument& packument) {
    auto& releases = packument.releases;
    std::vector<std::optional<version::Version>> versions;
    versions.reserve(releases.size());
    for (const auto& release : releases)
        versions.push_back(version::Version::parse(release.version, version::ParseMode::loose));
    auto before = [&](std::size_t a, std::size_t b) {
        const auto& va = versions[a];
        const auto& vb = versions[b];
        if (!va || !vb)
            return va.has_value() && !vb.has_value();
        return va->listed_before(*vb);
    };
    std::vector<std::size_t> order(releases.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (std::is_sorted(order.begin(), order.end(), before))
        return;
    std::stable_sort(order.begin(), order.end(), before);
    // Moved into place cycle by cycle (a second vector of releases faulted in new pages).
    for (std::size_t start = 0; start < order.size(); ++start) {
        if (order[start] == start)
            continue;
        npm::PackumentRelease held = std::move(releases[start]);
        std::size_t at = start;
        while (order[at] != start) {
            std::size_t from = order[at];
            releases[at] = std::move(releases[from]);
            order[at] = at;
            at = from;
        }
        releases[at] = std::move(held);
        order[at] = at;
    }
}

} // namespace

DecodedPackument decode_packument(net::Response response, const std::string& name,
                                  npm::PackumentParser& parser, BufferPool* bodies) {
    std::shared_ptr<const npm::CompactPackument> packument;
    std::optional<store::CachedDocument> row;
    std::exception_ptr invalid;
    bool absent = response.status == 404 || response.status == 410;
    if (!absent && !response.not_modified) {
        try {
            npm::Packument parsed =
                parser.parse(response.body, name, response.effective_url.redacted());
            order_by_version(parsed);
            row = npm::cached_packument(parsed, response, 0);
            packument = std::make_shared<const npm::CompactPackument>(std::move(row->body));
            row->body.clear(); // the bytes are the packument's (DecodedPackument::row)
        } catch (...) {
            row.reset();
            invalid = std::current_exception();
        }
        // The document is read: its memory goes now, or serves the next one.
        if (bodies)
            bodies->give(std::move(response.body));
        std::string().swap(response.body);
    }
    return DecodedPackument{std::move(response), std::move(packument), std::move(row), invalid};
}

PackumentDecoder::~PackumentDecoder() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

std::future<DecodedPackument> PackumentDecoder::fetch(net::Client& client, net::Request request,
                                                      std::string name) {
    auto promise = std::make_shared<std::promise<DecodedPackument>>();
    std::future<DecodedPackument> decoded = promise->get_future();
    request.body_buffers = m_bodies;
    client.submit_then(std::move(request),
                       [this, promise, name = std::move(name)](std::future<net::Response> settled) {
                           // On the network thread: take the answer out (a move) and queue it.
                           // Nothing may escape to the network thread: what fails here is the
                           // request's error.
                           try {
                               Task task{{}, {}, promise, name};
                               try {
                                   task.response = settled.get();
                               } catch (...) {
                                   task.error = std::current_exception();
                               }
                               post(std::move(task));
                           } catch (...) {
                               promise->set_exception(std::current_exception());
                           }
                       });
    return decoded;
}

void PackumentDecoder::settle(Task& task, npm::PackumentParser& parser) {
    try {
        if (task.error)
            std::rethrow_exception(task.error);
        task.promise->set_value(
            decode_packument(std::move(*task.response), task.name, parser, m_bodies.get()));
    } catch (...) {
        task.promise->set_exception(std::current_exception());
    }
    std::lock_guard lock(m_mutex);
    m_settled.push_back(task.name);
}

std::vector<std::string> PackumentDecoder::take_settled() {
    std::vector<std::string> out;
    std::lock_guard lock(m_mutex);
    out.swap(m_settled);
    return out;
}

void PackumentDecoder::post(Task task) {
    try {
        std::lock_guard lock(m_mutex);
        if (!m_thread.joinable())
            m_thread = std::thread([this] {
                name_this_thread("cairn-decode");
                run();
            });
        m_tasks.push_back(std::move(task));
        ++m_events;
    } catch (...) {
        // No thread or no room: the answer is read right here rather than never (with a
        // parser of its own: the others may be busy).
        npm::PackumentParser parser;
        settle(task, parser);
        return;
    }
    m_wake.notify_one();
    m_news.notify_all();
}

void PackumentDecoder::run() {
    for (;;) {
        Task task;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || !m_tasks.empty(); });
            if (m_tasks.empty())
                return; // stopping, with nothing left to read
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
        }
        settle(task, m_parser);
        {
            std::lock_guard lock(m_mutex);
            ++m_events;
        }
        m_news.notify_all();
    }
}

bool PackumentDecoder::help_locked(std::unique_lock<std::mutex>& lock) {
    auto small = std::find_if(m_tasks.begin(), m_tasks.end(), [](const Task& task) {
        return !task.response || task.response->body.size() <= helper_limit;
    });
    if (small == m_tasks.end())
        return false;
    Task task = std::move(*small);
    m_tasks.erase(small);
    lock.unlock();
    settle(task, m_helper_parser);
    return true;
}

bool PackumentDecoder::help() {
    std::unique_lock lock(m_mutex);
    return help_locked(lock);
}

bool PackumentDecoder::help_or_wait(std::chrono::milliseconds at_most) {
    std::unique_lock lock(m_mutex);
    if (help_locked(lock))
        return true;
    std::uint64_t events = m_events;
    return m_news.wait_for(lock, at_most, [&] { return m_events != events; });
}

} // namespace cairn::registry::detail
