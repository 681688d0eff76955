#include "lab/net/network_event.hpp"

namespace mqscan::lab::net {

std::string_view to_string(NetworkEventKind kind) {
    switch (kind) {
        case NetworkEventKind::Established: return "established";
        case NetworkEventKind::Accepted: return "accepted";
        case NetworkEventKind::Data: return "data";
        case NetworkEventKind::PeerClosed: return "peer closed";
        case NetworkEventKind::Reset: return "reset";
    }
    return "?";
}

}  // namespace mqscan::lab::net
