#pragma once

namespace mqscan {

// Asks the kernel to back the main heap with transparent huge pages (where the
// system allows it on request). The analyses touch tens of MiB of fresh memory
// on a large capture; with 4 KiB pages each first touch is a page fault, and
// on virtual machines those faults cost more than the analyses themselves.
// Freed memory is then kept for reuse, not given back to the system until exit.
void back_heap_with_huge_pages();

}  // namespace mqscan
