#pragma once
// Objects kept in numbered slots that are reused once freed: following
// thousands of short-lived things (connections, QoS exchanges) allocates
// nothing once there are as many slots as things alive at once.

#include <cstdint>
#include <deque>
#include <vector>

namespace mqscan {

template <typename T>
class SlotPool {
public:
    // A free slot. Its object is value-initialised when the slot is new, else
    // left as its previous user left it (its strings and vectors keep their
    // capacity): the caller sets what it needs.
    std::uint32_t add() {
        if (free_.empty()) {
            slots_.emplace_back();
            return static_cast<std::uint32_t>(slots_.size() - 1);
        }
        const std::uint32_t slot = free_.back();
        free_.pop_back();
        return slot;
    }

    void remove(std::uint32_t slot) { free_.push_back(slot); }

    // References stay valid: growing the pool moves no object.
    T& operator[](std::uint32_t slot) { return slots_[slot]; }
    const T& operator[](std::uint32_t slot) const { return slots_[slot]; }

private:
    std::deque<T> slots_;
    std::vector<std::uint32_t> free_;
};

}  // namespace mqscan
