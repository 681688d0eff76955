#pragma once
// The state an analysis keeps for each of many 64-bit ids (connections,
// subscriber identities), in reused slots found through a flat index.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "analysis/flat_map.hpp"
#include "analysis/slot_pool.hpp"

namespace mqscan {

struct IdHash {
    std::uint64_t operator()(std::uint64_t id) const { return id; }
};

template <typename State>
class IdTable {
public:
    // References stay valid until their id's erase.
    [[nodiscard]] State* find(std::uint64_t id) {
        // Events come in runs on one id: the previous state is often the one.
        if (last_ != nullptr && last_id_ == id) return last_;
        return find_indexed(id);
    }
    [[nodiscard]] const State* find(std::uint64_t id) const {
        if (last_ != nullptr && last_id_ == id) return last_;
        const std::uint32_t* slot = index_.find(id);
        return slot == nullptr ? nullptr : &states_[*slot];
    }

    // A value-initialised state for an id that has none.
    [[gnu::noinline]] State& add(std::uint64_t id) {
        const std::uint32_t slot = states_.add();
        *index_.try_emplace(id).first = slot;
        return *remember(id, slot);
    }

    State& get(std::uint64_t id) {
        State* found = find(id);
        return found != nullptr ? *found : add(id);
    }

    // Frees what the state holds; its slot waits for the next id.
    void erase(std::uint64_t id) {
        const std::uint32_t* slot = index_.find(id);
        if (slot == nullptr) return;
        // Made anew in place (assigning a temporary would build one, move it
        // and destroy it), so that add() finds it value-initialised.
        std::destroy_at(&states_[*slot]);
        std::construct_at(&states_[*slot]);
        states_.remove(*slot);
        index_.erase(id);
        if (last_id_ == id) last_ = nullptr;
    }

    // The ids with a state, in order.
    [[nodiscard]] std::vector<std::uint64_t> ids() const {
        std::vector<std::uint64_t> out;
        out.reserve(index_.size());
        index_.for_each([&out](std::uint64_t id, std::uint32_t) { out.push_back(id); });
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    // Out of line: inlined, its registers would be saved on every call,
    // the previous id's too.
    [[gnu::noinline]] State* find_indexed(std::uint64_t id) {
        const std::uint32_t* slot = index_.find(id);
        return slot == nullptr ? nullptr : remember(id, *slot);
    }

    State* remember(std::uint64_t id, std::uint32_t slot) {
        last_id_ = id;
        last_ = &states_[slot];
        return last_;
    }

    FlatMap<std::uint64_t, std::uint32_t, IdHash> index_;
    SlotPool<State> states_;
    State* last_ = nullptr;
    std::uint64_t last_id_ = 0;
};

}  // namespace mqscan
