// The names the reports print for the analyses' enumerations.
#include "mqscan/delivery_report.hpp"
#include "mqscan/keepalive_report.hpp"
#include "mqscan/qos_report.hpp"
#include "mqscan/session_report.hpp"

namespace mqscan {

std::string_view to_string(Transport t) {
    switch (t) {
        case Transport::Cleartext: return "cleartext";
        case Transport::Tls: return "tls";
        case Transport::Undecided: return "undecided";
    }
    return "unknown";
}

std::string_view to_string(SessionEnd e) {
    switch (e) {
        case SessionEnd::ClientDisconnect: return "client_disconnect";
        case SessionEnd::BrokerDisconnect: return "broker_disconnect";
        case SessionEnd::KeepaliveExpired: return "keepalive_expired";
        case SessionEnd::ClientClosed: return "client_closed";
        case SessionEnd::BrokerClosed: return "broker_closed";
        case SessionEnd::ClientReset: return "client_reset";
        case SessionEnd::BrokerReset: return "broker_reset";
        case SessionEnd::Open: return "open";
        case SessionEnd::Unknown: return "unknown";
    }
    return "unknown";
}

std::string_view to_string(FlowStatus s) {
    switch (s) {
        case FlowStatus::Complete: return "complete";
        case FlowStatus::Incomplete: return "incomplete";
        case FlowStatus::Refused: return "refused";
    }
    return "unknown";
}

std::string_view to_string(KeepaliveVerdict v) {
    switch (v) {
        case KeepaliveVerdict::Respected: return "respected";
        case KeepaliveVerdict::Late: return "late";
        case KeepaliveVerdict::Exceeded: return "exceeded";
        case KeepaliveVerdict::Disabled: return "disabled";
        case KeepaliveVerdict::Unknown: return "unknown";
    }
    return "unknown";
}

std::string_view to_string(RetainedKind k) {
    switch (k) {
        case RetainedKind::Set: return "set";
        case RetainedKind::Cleared: return "cleared";
        case RetainedKind::Delivered: return "delivered";
    }
    return "unknown";
}

std::string_view to_string(DeliverySource s) {
    switch (s) {
        case DeliverySource::Publish: return "publish";
        case DeliverySource::Retained: return "retained";
        case DeliverySource::Will: return "will";
    }
    return "unknown";
}

}  // namespace mqscan
