#include "lab/engine/client_id_generator.hpp"

#include <array>

namespace mqscan::lab {
namespace {

char hex_digit(std::uint64_t nibble) { return "0123456789ABCDEF"[nibble & 0xf]; }

}  // namespace

std::string ClientIdGenerator::next() {
    const std::array<std::uint64_t, 2> random = {random_.next(), random_.next()};
    std::string id = prefix_;
    std::size_t digits = 0;
    for (std::size_t i = 0; i < 16; ++i) {
        const std::uint64_t byte = random[i / 8] >> (8 * (i % 8));
        // mosquitto writes each byte's low nibble first.
        id += hex_digit(byte);
        id += hex_digit(byte >> 4);
        digits += 2;
        if (digits == 8 || digits == 13 || digits == 18 || digits == 23) {
            id += '-';
            ++digits;
        }
    }
    return id;
}

}  // namespace mqscan::lab
