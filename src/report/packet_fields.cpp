#include "report/packet_fields.hpp"

#include <fmt/format.h>

namespace mqscan {

std::string packet_id_field(const mqtt::Packet& p) {
    return p.packet_id ? fmt::format(" id={}", *p.packet_id) : "";
}

std::string reason_code_field(const mqtt::Packet& p) {
    return p.reason_code ? fmt::format(" rc={}", *p.reason_code) : "";
}

std::string reason_codes_field(const mqtt::Packet& p) {
    return p.reason_codes.empty() ? "" : fmt::format(" codes {}", fmt::join(p.reason_codes, ","));
}

std::string filters_field(const mqtt::Packet& p) {
    std::string out = packet_id_field(p);
    for (const mqtt::Subscription& s : p.subscriptions) out += fmt::format(" '{}' q{}", s.filter, s.qos);
    for (const std::string& f : p.unsubscribe_filters) out += fmt::format(" '{}'", f);
    return out;
}

}  // namespace mqscan
