#include "lab/engine/will_timer.hpp"

#include <algorithm>

namespace mqscan::lab {

void WillTimer::schedule(Pending pending) {
    std::string id = pending.client_id;
    pending_.insert_or_assign(std::move(id), std::move(pending));
}

std::optional<Message> WillTimer::cancel(const std::string& client_id) {
    auto node = pending_.extract(client_id);
    if (node.empty()) return std::nullopt;
    return std::move(node.mapped().will);
}

std::optional<Timestamp> WillTimer::next_due() const {
    std::optional<Timestamp> next;
    for (const auto& [id, p] : pending_)
        if (!next || p.due < *next) next = p.due;
    return next;
}

std::vector<WillTimer::Pending> WillTimer::take_due(Timestamp now) {
    std::vector<Pending> due;
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.due <= now) {
            due.push_back(std::move(it->second));
            it = pending_.erase(it);
        } else {
            ++it;
        }
    }
    std::stable_sort(due.begin(), due.end(), [](const Pending& a, const Pending& b) { return a.due < b.due; });
    return due;
}

}  // namespace mqscan::lab
