#pragma once
// The identifiers the broker gives clients that connect with an empty one
// [MQTT-3.1.3-6], shaped like mosquitto 2.0's (src/handle_connect.c,
// client_id_gen): a prefix, then 16 random bytes as 36 upper-case hex digits
// and dashes, "auto-D04D4552-4752-D54B-83A5-8FA338AFBC9C". The bytes come from
// a seeded generator: the same seed gives the same identifiers.

#include <cstdint>
#include <string>

#include "lab/net/prng.hpp"

namespace mqscan::lab {

class ClientIdGenerator {
public:
    ClientIdGenerator(std::uint64_t seed, std::string prefix) : random_(seed), prefix_(std::move(prefix)) {}

    std::string next();

private:
    net::Prng random_;
    std::string prefix_;
};

}  // namespace mqscan::lab
