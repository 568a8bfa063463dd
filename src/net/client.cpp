#include "cairn/net/client.hpp"

#include "engine.hpp"
#include "outcome.hpp"

namespace cairn::net {

Client::Client(ClientOptions options) : m_mode(options.mode) {
    // Offline: no thread, no libcurl, no handle of any kind; submit() refuses everything.
    if (m_mode != NetworkMode::offline)
        m_engine = std::make_unique<Engine>(std::move(options));
}

Client::~Client() = default;

std::future<Response> Client::submit(Request request) {
    if (!m_engine) {
        std::promise<Response> refused;
        refused.set_exception(std::make_exception_ptr(detail::offline_error(request.url)));
        return refused.get_future();
    }
    return m_engine->submit(std::move(request));
}

Response Client::fetch(Request request) {
    return submit(std::move(request)).get();
}

NetworkMode Client::mode() const {
    return m_mode;
}

ClientStatistics Client::statistics() const {
    return m_engine ? m_engine->statistics() : ClientStatistics{};
}

} // namespace cairn::net
