#pragma once
// Exit codes, documented in README.md.

namespace mqscan::cli {

constexpr int kExitComplete = 0;
constexpr int kExitDamaged = 1;     // a capture is cut or damaged (grade: some capture was not fully graded)
constexpr int kExitUnreadable = 2;  // nothing could be analysed, or a command-line / rubric error
constexpr int kExitFailed = 3;      // the output could not be written, or an internal error

}  // namespace mqscan::cli
