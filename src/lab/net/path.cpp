#include "lab/net/path.hpp"

#include <algorithm>

namespace mqscan::lab::net {

std::vector<Delivery> Path::send(Timestamp now, Packet packet, Prng& prng) {
    std::vector<Delivery> out;
    const Fate fate = packet.segment.payload.empty()
                          ? Fate{}
                          : draw_fate(settings_.impairments, prng, !held_.has_value());
    if (fate.lost) return out;
    if (fate.held) {
        held_ = Held{std::move(packet), fate.duplicated, after(now, kMaxReorderDelay)};
        return out;
    }
    transmit(now, std::move(packet), fate.duplicated, out);
    if (held_) {
        Held held = std::move(*held_);
        held_.reset();
        transmit(now, std::move(held.packet), held.duplicated, out);
    }
    return out;
}

std::optional<Timestamp> Path::hold_deadline() const {
    if (!held_) return std::nullopt;
    return held_->deadline;
}

std::vector<Delivery> Path::release(Timestamp now) {
    std::vector<Delivery> out;
    if (!held_) return out;
    Held held = std::move(*held_);
    held_.reset();
    transmit(now, std::move(held.packet), held.duplicated, out);
    return out;
}

void Path::transmit(Timestamp now, Packet packet, bool duplicated, std::vector<Delivery>& out) {
    constexpr std::uint64_t kNanosecondsPerSecond = 1'000'000'000;
    const Timestamp start = std::max(now, link_free_);
    const std::uint64_t bits = packet.frame.size() * 8;
    const auto sending = settings_.link_rate_bps == 0
                             ? Duration{0}
                             : Duration{static_cast<std::int64_t>(
                                   bits * kNanosecondsPerSecond / settings_.link_rate_bps)};
    link_free_ = after(start, sending);
    const Timestamp arrival = after(link_free_, settings_.latency);
    if (duplicated) out.push_back({arrival, packet});
    out.push_back({arrival, std::move(packet)});
}

}  // namespace mqscan::lab::net
