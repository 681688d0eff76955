#include "lab/net/impairments.hpp"

#include <stdexcept>
#include <string>

namespace mqscan::lab::net {
namespace {

void check_probability(double value, const char* name) {
    if (!(value >= 0 && value <= 1))
        throw std::invalid_argument(std::string(name) + " must be a probability in [0, 1]");
}

}  // namespace

void validate(const Impairments& impairments) {
    check_probability(impairments.loss, "loss");
    check_probability(impairments.reorder, "reorder");
    check_probability(impairments.duplicate, "duplicate");
    if (impairments.loss == 1) throw std::invalid_argument("a loss of 1 lets nothing through");
}

Fate draw_fate(const Impairments& impairments, Prng& prng, bool may_hold) {
    Fate fate;
    fate.lost = prng.chance(impairments.loss);
    if (fate.lost) return fate;
    fate.duplicated = prng.chance(impairments.duplicate);
    fate.held = may_hold && prng.chance(impairments.reorder);
    return fate;
}

}  // namespace mqscan::lab::net
