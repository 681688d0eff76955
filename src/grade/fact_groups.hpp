#pragma once
// The fact catalogue is the concatenation of these groups, one file each.

#include <span>

#include "grade/fact.hpp"

namespace mqscan::grade {

std::span<const FactInfo> capture_facts();
std::span<const FactInfo> mqtt_facts();
std::span<const FactInfo> tls_facts();
std::span<const FactInfo> certificate_facts();
std::span<const FactInfo> cleartext_facts();

// A count as a fact, with what the capture lacks when it is 0.
FactValue count_fact(std::uint64_t count, std::string none_detail);

}  // namespace mqscan::grade
