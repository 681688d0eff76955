#include "heap_tuning.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>

namespace mqscan {

namespace {

constexpr std::size_t kHeapReserve = std::size_t{256} << 20;
constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;

}  // namespace

void back_heap_with_huge_pages() {
    // Keep blocks of the reserve's size on the heap (not in their own mapping)
    // and never give the heap's top back, so the advised range stays in use.
    mallopt(M_MMAP_THRESHOLD, static_cast<int>(kHeapReserve + kHugePage));
    mallopt(M_TRIM_THRESHOLD, static_cast<int>(kHeapReserve * 2));
    void* reserve = std::malloc(kHeapReserve);
    if (reserve == nullptr) return;
    const auto start = (reinterpret_cast<std::uintptr_t>(reserve) + kHugePage - 1) & ~(kHugePage - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(reserve) + kHeapReserve) & ~(kHugePage - 1);
    if (end > start) madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
    std::free(reserve);
}

}  // namespace mqscan
