#include "analysis/session_ending.hpp"

#include <array>

namespace mqscan {

SessionEnding tcp_ending(const ConnectionSummary& connection) {
    const DirectionStats& client = connection.stats(Direction::ToServer);
    const DirectionStats& broker = connection.stats(Direction::ToClient);
    struct Close {
        std::uint64_t frame;
        Timestamp time;
        SessionEnd how;
    };
    const std::array<Close, 4> closes{{
        {client.rst_frame, client.rst_time, SessionEnd::ClientReset},
        {client.fin_frame, client.fin_time, SessionEnd::ClientClosed},
        {broker.rst_frame, broker.rst_time, SessionEnd::BrokerReset},
        {broker.fin_frame, broker.fin_time, SessionEnd::BrokerClosed},
    }};
    const Close* first = nullptr;
    for (const Close& c : closes)
        if (c.frame != 0 && (first == nullptr || c.frame < first->frame)) first = &c;
    if (first != nullptr) return SessionEnding{first->how, std::nullopt, first->frame, first->time};
    const bool dropped = connection.end_reason == EndReason::IdleTimeout ||
                         connection.end_reason == EndReason::Evicted ||
                         connection.end_reason == EndReason::PortReused;
    return SessionEnding{dropped ? SessionEnd::Unknown : SessionEnd::Open, std::nullopt, 0, {}};
}

}  // namespace mqscan
