#pragma once
// A hash map from small keys to small values in one flat array (open
// addressing, linear probing): adding or removing an entry allocates and
// frees nothing, where a node-based map would for each connection or message
// an analysis follows.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace mqscan {

// `Hash` gives a 64-bit digest of a key; its bits need not be spread (keys
// like connection ids are consecutive): the map spreads them itself.
template <typename Key, typename Value, typename Hash>
class FlatMap {
public:
    // Pointers into the map stay valid until the next try_emplace or erase.
    [[nodiscard]] Value* find(const Key& key) {
        if (size_ == 0) return nullptr;
        for (std::size_t i = home(key);; i = next(i)) {
            Entry& e = entries_[i];
            if (!e.used) return nullptr;
            if (e.key == key) return &e.value;
        }
    }
    [[nodiscard]] const Value* find(const Key& key) const { return const_cast<FlatMap*>(this)->find(key); }

    // The value of `key`, value-initialised when it was absent (second: true).
    std::pair<Value*, bool> try_emplace(const Key& key) {
        if ((size_ + 1) * 4 > entries_.size() * 3) grow();
        for (std::size_t i = home(key);; i = next(i)) {
            Entry& e = entries_[i];
            if (e.used && e.key == key) return {&e.value, false};
            if (e.used) continue;
            e = Entry{key, Value{}, true};
            ++size_;
            return {&e.value, true};
        }
    }

    // Removes `key`; later entries of its probe run move back into the hole,
    // so that no tombstone slows later searches.
    bool erase(const Key& key) {
        if (size_ == 0) return false;
        std::size_t hole = home(key);
        while (entries_[hole].used && !(entries_[hole].key == key)) hole = next(hole);
        if (!entries_[hole].used) return false;
        for (std::size_t i = next(hole); entries_[i].used; i = next(i)) {
            // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
            const std::size_t from_home = (i - home(entries_[i].key)) & mask();
            if (from_home < ((i - hole) & mask())) continue;
            entries_[hole] = std::move(entries_[i]);
            hole = i;
        }
        entries_[hole] = Entry{};
        --size_;
        return true;
    }

    [[nodiscard]] std::size_t size() const { return size_; }

    // Every entry, in no particular order.
    template <typename Visit>
    void for_each(Visit visit) const {
        for (const Entry& e : entries_)
            if (e.used) visit(e.key, e.value);
    }

private:
    struct Entry {
        Key key{};
        Value value{};
        bool used = false;
    };

    [[nodiscard]] std::size_t mask() const { return entries_.size() - 1; }
    [[nodiscard]] std::size_t next(std::size_t i) const { return (i + 1) & mask(); }
    // Fibonacci hashing: the top bits of the digest times 2^64 / phi.
    [[nodiscard]] std::size_t home(const Key& key) const {
        return static_cast<std::size_t>((Hash{}(key) * 0x9E3779B97F4A7C15ULL) >> shift_);
    }

    void grow() {
        std::vector<Entry> old = std::move(entries_);
        entries_.assign(old.empty() ? kInitialSize : old.size() * 2, Entry{});
        shift_ = old.empty() ? 64 - kInitialBits : shift_ - 1;
        size_ = 0;
        for (Entry& e : old)
            if (e.used) *try_emplace(e.key).first = std::move(e.value);
    }

    static constexpr unsigned kInitialBits = 4;
    static constexpr std::size_t kInitialSize = std::size_t{1} << kInitialBits;

    std::vector<Entry> entries_;
    std::size_t size_ = 0;
    unsigned shift_ = 64;  // 64 - log2(entries_.size())
};

}  // namespace mqscan
