#pragma once
// What the analyses list, within limits.

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace mqscan {

// Room for a list's limit, reserved up front: growing the list then moves no
// record and writes no page twice, and reserved pages never written cost
// nothing. A limit raised past kMaxReserved records (to list everything) is
// not reserved whole: such a list grows as usual.
template <typename Record>
void reserve_limit(std::vector<Record>& list, std::size_t limit) {
    constexpr std::size_t kMaxReserved = std::size_t{1} << 16;
    list.reserve(std::min(limit, kMaxReserved));
}

// The records an analysis keeps for the listed connections, each in its
// connection's place (ids are dense: given in order of first packet), so that
// they come out in connection order whatever order connections end in: no
// sorting, no second copy.
template <typename Record>
class ListedRecords {
public:
    // For connections numbered below `connections_listed`.
    explicit ListedRecords(std::size_t connections_listed) {
        reserve_limit(records_, connections_listed);
        reserve_limit(made_, connections_listed);
    }

    // The connection's record, value-initialised on first use.
    Record& at(std::uint64_t id) {
        if (id >= records_.size()) {
            records_.resize(id + 1);
            made_.resize(id + 1, false);
        }
        made_[id] = true;
        return records_[id];
    }

    [[nodiscard]] Record* find(std::uint64_t id) {
        return id < records_.size() && made_[id] ? &records_[id] : nullptr;
    }

    // The records made (and kept by `keep`), in connection order; the list is empty after.
    template <typename Keep>
    std::vector<Record> take(Keep keep) {
        std::size_t kept = 0;
        for (std::size_t id = 0; id < records_.size(); ++id) {
            if (!made_[id] || !keep(records_[id])) continue;
            if (kept != id) records_[kept] = std::move(records_[id]);
            ++kept;
        }
        records_.resize(kept);
        made_.clear();
        return std::exchange(records_, {});
    }
    std::vector<Record> take() {
        return take([](const Record&) { return true; });
    }

private:
    std::vector<Record> records_;  // indexed by connection id
    std::vector<std::uint8_t> made_;  // bytes: a vector<bool> resizes bit by bit
};

}  // namespace mqscan
