#pragma once
// SIGINT and SIGTERM as a request to stop, seen by a poll loop without a
// race: the signals stay blocked except while the loop waits in ppoll(),
// which they interrupt. SIGPIPE is ignored meanwhile, as mosquitto does: a
// closed output is a write error to handle (a broker goes on serving, a
// subscriber says goodbye), not a death. One at a time in a process.

#include <csignal>
#include <span>

#include <poll.h>

namespace mqscan::lab::real {

class StopSignals {
public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // poll() on `fds` for at most `timeout_ms` (-1: no limit), or until a stop signal arrives.
    void wait(std::span<pollfd> fds, int timeout_ms) const;
    [[nodiscard]] bool requested() const;

private:
    sigset_t previous_mask_{};
    struct sigaction previous_int_{};
    struct sigaction previous_term_{};
    struct sigaction previous_pipe_{};
};

}  // namespace mqscan::lab::real
