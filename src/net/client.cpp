#include "cairn/net/client.hpp"

#include "engine.hpp"
#include "outcome.hpp"

namespace cairn::net {

Client::Client(ClientOptions options) : m_mode(options.mode), m_options(std::move(options)) {}

Client::~Client() = default;

Client::Engine& Client::engine() {
    // libcurl is loaded, and the network thread started, by the first request.
    std::lock_guard lock(m_start);
    if (!m_engine)
        m_engine = std::make_unique<Engine>(m_options);
    return *m_engine;
}

void Client::prepare() {
    if (m_mode == NetworkMode::offline)
        return;
    std::lock_guard lock(m_start);
    if (m_engine || m_preparing.joinable())
        return;
    try {
        m_preparing = std::jthread([this] {
            try {
                engine();
            } catch (...) {
                // the first request starts it again, and reports what fails
            }
        });
    } catch (const std::system_error&) {
        // no thread: the first request starts the engine, as without prepare()
    }
}

std::future<Response> Client::submit(Request request) {
    // Offline: no thread, no libcurl, no handle of any kind; everything is refused.
    if (m_mode == NetworkMode::offline) {
        std::promise<Response> refused;
        refused.set_exception(std::make_exception_ptr(detail::offline_error(request.url)));
        return refused.get_future();
    }
    return engine().submit(std::move(request));
}

void Client::submit_then(Request request, Settled then) {
    if (m_mode == NetworkMode::offline) {
        std::promise<Response> refused;
        refused.set_exception(std::make_exception_ptr(detail::offline_error(request.url)));
        then(refused.get_future());
        return;
    }
    engine().submit(std::move(request), std::move(then));
}

Response Client::fetch(Request request) {
    return submit(std::move(request)).get();
}

NetworkMode Client::mode() const {
    return m_mode;
}

ClientStatistics Client::statistics() const {
    std::lock_guard lock(m_start);
    return m_engine ? m_engine->statistics() : ClientStatistics{};
}

} // namespace cairn::net
