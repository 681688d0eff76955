#include "lab/real/stop_signals.hpp"

#include <cerrno>
#include <ctime>

namespace mqscan::lab::real {
namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void note_stop(int) { stop_requested = 1; }

sigset_t stop_set() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

}  // namespace

StopSignals::StopSignals() {
    stop_requested = 0;
    const sigset_t blocked = stop_set();
    sigprocmask(SIG_BLOCK, &blocked, &previous_mask_);
    struct sigaction action {};
    action.sa_handler = note_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &previous_pipe_);
}

StopSignals::~StopSignals() {
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
    sigaction(SIGPIPE, &previous_pipe_, nullptr);
    sigprocmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void StopSignals::wait(std::span<pollfd> fds, int timeout_ms) const {
    sigset_t waiting = previous_mask_;
    sigdelset(&waiting, SIGINT);
    sigdelset(&waiting, SIGTERM);
    timespec timeout{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1'000'000};
    // An error (EINTR by a stop signal among them) leaves every revents at 0: the loop just looks again.
    const int ready = ppoll(fds.data(), fds.size(), timeout_ms < 0 ? nullptr : &timeout, &waiting);
    if (ready < 0) {
        for (pollfd& fd : fds) fd.revents = 0;
        return;
    }
    // ppoll() delivers a signal only when it has nothing ready: a loop that always
    // has work would never see one. Taken here, it is not left pending either.
    const sigset_t stopping = stop_set();
    const timespec now{0, 0};
    if (ready > 0 && sigtimedwait(&stopping, nullptr, &now) > 0) stop_requested = 1;
}

bool StopSignals::requested() const { return stop_requested != 0; }

}  // namespace mqscan::lab::real
