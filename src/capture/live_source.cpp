#include "capture/live_source.hpp"

#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

namespace mqscan {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kSnaplen = 262144;  // tcpdump's: whole frames, even 64 KiB loopback segments
// Large enough for bursts of 64 KiB loopback segments while the analysis catches up.
constexpr int kBufferBytes = 64 * 1024 * 1024;
// How long the read loop waits for a packet before it looks at the stop flag again.
constexpr int kPollMilliseconds = 100;
constexpr auto kHeartbeat = std::chrono::seconds(1);

LiveOpenError activation_error(pcap_t* handle, int status, const std::string& interface) {
    const std::string detail = pcap_geterr(handle);
    switch (status) {
        case PCAP_ERROR_PERM_DENIED:
        case PCAP_ERROR_PROMISC_PERM_DENIED:
            return {LiveOpenFailure::NoPermission,
                    fmt::format("no permission to capture on '{}' ({})", interface, detail)};
        case PCAP_ERROR_NO_SUCH_DEVICE:
            return {LiveOpenFailure::NoSuchInterface, fmt::format("no interface named '{}'", interface)};
        default:
            return {LiveOpenFailure::Other, fmt::format("cannot capture on '{}': {}{}", interface,
                                                        pcap_statustostr(status),
                                                        detail.empty() ? "" : " (" + detail + ")")};
    }
}

// pcap_activate succeeded, but not quite as asked (libpcap's words, made plain).
std::string activation_warning(pcap_t* handle, int status, const std::string& interface) {
    const std::string detail = pcap_geterr(handle);
    if (status == PCAP_WARNING_PROMISC_NOTSUP)
        return fmt::format("'{}' cannot be put in promiscuous mode: only traffic to and from this machine is seen{}",
                           interface, detail.empty() ? "" : " (" + detail + ")");
    return fmt::format("'{}': {}{}", interface, pcap_statustostr(status), detail.empty() ? "" : " (" + detail + ")");
}

std::string address_text(const sockaddr* address) {
    char text[INET6_ADDRSTRLEN] = {0};
    if (address->sa_family == AF_INET) {
        sockaddr_in v4{};
        std::memcpy(&v4, address, sizeof v4);
        return inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text) != nullptr ? text : "";
    }
    if (address->sa_family == AF_INET6) {
        sockaddr_in6 v6{};
        std::memcpy(&v6, address, sizeof v6);
        return inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text) != nullptr ? text : "";
    }
    return "";
}

}  // namespace

struct LiveSource::State {
    pcap_t* handle = nullptr;
    pcap_dumper_t* dumper = nullptr;
    int fd = -1;
    const std::atomic<bool>* stop = nullptr;
    std::uint64_t max_packets = 0;
    std::optional<Clock::time_point> deadline;
    Clock::time_point next_heartbeat;
    std::function<void()> heartbeat;
    CaptureInfo info;
    std::uint64_t frames = 0;
    std::string error;
    std::string warning;

    ~State() {
        if (dumper != nullptr) pcap_dump_close(dumper);
        if (handle != nullptr) pcap_close(handle);
    }

    [[nodiscard]] bool finished() const {
        return stop->load() || (max_packets != 0 && frames >= max_packets) ||
               (deadline && Clock::now() >= *deadline);
    }

    void beat_if_due() {
        const Clock::time_point now = Clock::now();
        if (now < next_heartbeat) return;
        next_heartbeat = now + kHeartbeat;
        // The saved file stays readable while the capture runs, like tcpdump -U.
        if (dumper != nullptr) pcap_dump_flush(dumper);
        if (heartbeat) heartbeat();
    }

    // Waits until a packet may be readable, the poll interval ends, or a signal comes.
    void wait() const {
        int timeout = kPollMilliseconds;
        if (deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
            timeout = static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, kPollMilliseconds));
        }
        pollfd readable{fd, POLLIN, 0};
        poll(&readable, 1, timeout);  // EINTR is a wake-up like any other
    }

    // Opens the saved file; an empty string when it is open.
    std::string open_dumper(const std::string& path) {
        if (path.empty()) return {};
        dumper = pcap_dump_open(handle, path.c_str());
        return dumper != nullptr ? std::string() : fmt::format("cannot write '{}': {}", path, pcap_geterr(handle));
    }
};

Result<std::unique_ptr<LiveSource>, LiveOpenError> LiveSource::open(const LiveCaptureOptions& options,
                                                                    const std::atomic<bool>& stop) {
    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    auto state = std::make_unique<State>();
    state->handle = pcap_create(options.interface.c_str(), errbuf);
    if (state->handle == nullptr)
        return fail(LiveOpenError{LiveOpenFailure::Other,
                                  fmt::format("cannot capture on '{}': {}", options.interface, errbuf)});
    pcap_t* handle = state->handle;
    pcap_set_snaplen(handle, kSnaplen);
    pcap_set_promisc(handle, options.promiscuous ? 1 : 0);
    // Each packet as soon as it arrives, not when a kernel block fills up.
    pcap_set_immediate_mode(handle, 1);
    pcap_set_buffer_size(handle, kBufferBytes);
    pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO);  // microseconds where refused
    const int activated = pcap_activate(handle);
    if (activated < 0) return fail(activation_error(handle, activated, options.interface));
    if (activated > 0) state->warning = activation_warning(handle, activated, options.interface);

    bpf_program program{};
    if (pcap_compile(handle, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
        return fail(LiveOpenError{LiveOpenFailure::BadFilter,
                                  fmt::format("bad filter '{}': {}", options.filter, pcap_geterr(handle))});
    const int filtered = pcap_setfilter(handle, &program);
    pcap_freecode(&program);
    if (filtered != 0)
        return fail(LiveOpenError{LiveOpenFailure::Other,
                                  fmt::format("cannot set the filter: {}", pcap_geterr(handle))});
    // Non-blocking reads and poll() on the descriptor: the loop never blocks for long.
    state->fd = pcap_get_selectable_fd(handle);
    if (state->fd < 0 || pcap_setnonblock(handle, 1, errbuf) != 0)
        return fail(LiveOpenError{LiveOpenFailure::Other,
                                  fmt::format("cannot poll '{}' for packets: {}", options.interface, errbuf)});
    if (std::string failure = state->open_dumper(options.save_path); !failure.empty())
        return fail(LiveOpenError{LiveOpenFailure::Other, std::move(failure)});

    state->stop = &stop;
    state->max_packets = options.max_packets;
    if (options.duration.count() > 0) state->deadline = Clock::now() + options.duration;
    state->next_heartbeat = Clock::now() + kHeartbeat;
    CaptureInfo& info = state->info;
    info.file = "interface " + options.interface;
    info.link_type = pcap_datalink(handle);
    const char* name = pcap_datalink_val_to_name(info.link_type);
    info.link_type_name = name != nullptr ? name : fmt::format("DLT {}", info.link_type);
    info.snaplen = static_cast<std::uint32_t>(pcap_snapshot(handle));
    info.precision = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO ? TimePrecision::Nano
                                                                                     : TimePrecision::Micro;
    return std::unique_ptr<LiveSource>(new LiveSource(std::move(state)));
}

LiveSource::LiveSource(std::unique_ptr<State> state) : state_(std::move(state)) {}

LiveSource::~LiveSource() = default;

ReadStatus LiveSource::next(RawFrame& frame) {
    State& s = *state_;
    while (!s.finished()) {
        s.beat_if_due();
        pcap_pkthdr* header = nullptr;
        const u_char* data = nullptr;
        const int rc = pcap_next_ex(s.handle, &header, &data);
        if (rc == 0) {
            s.wait();
            continue;
        }
        if (rc == PCAP_ERROR_BREAK) break;
        if (rc != 1) {
            s.error = fmt::format("capture on {} failed: {}", s.info.file, pcap_geterr(s.handle));
            return ReadStatus::Error;
        }
        if (s.dumper != nullptr) pcap_dump(reinterpret_cast<u_char*>(s.dumper), header, data);
        const std::int64_t unit = s.info.precision == TimePrecision::Nano ? 1 : 1000;
        frame.number = ++s.frames;
        frame.time.ns = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000'000 +
                        static_cast<std::int64_t>(header->ts.tv_usec) * unit;
        frame.data = Bytes(data, header->caplen);
        frame.original_length = header->len;
        frame.time_clamped = false;
        return ReadStatus::Frame;
    }
    return ReadStatus::End;
}

const CaptureInfo& LiveSource::info() const { return state_->info; }

std::string LiveSource::error() const { return state_->error; }

const std::string& LiveSource::warning() const { return state_->warning; }

void LiveSource::set_heartbeat(std::function<void()> heartbeat) { state_->heartbeat = std::move(heartbeat); }

LiveStats LiveSource::stats() const {
    LiveStats stats;
    stats.captured = state_->frames;
    pcap_stat counted{};
    if (pcap_stats(state_->handle, &counted) == 0) {
        stats.received = counted.ps_recv;
        stats.dropped_by_kernel = counted.ps_drop;
        stats.dropped_by_interface = counted.ps_ifdrop;
    }
    return stats;
}

bool LiveSource::close_saved(std::string& message) {
    pcap_dumper_t* dumper = std::exchange(state_->dumper, nullptr);
    if (dumper == nullptr) return true;
    const bool flushed = pcap_dump_flush(dumper) == 0;
    if (!flushed) message = fmt::format("cannot write the saved capture: {}", std::strerror(errno));
    pcap_dump_close(dumper);
    return flushed;
}

Result<std::vector<InterfaceInfo>, std::string> list_interfaces() {
    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    pcap_if_t* all = nullptr;
    if (pcap_findalldevs(&all, errbuf) != 0) return fail(std::string(errbuf));
    std::vector<InterfaceInfo> found;
    for (const pcap_if_t* device = all; device != nullptr; device = device->next) {
        InterfaceInfo& entry = found.emplace_back();
        entry.name = device->name;
        if (device->description != nullptr) entry.description = device->description;
        entry.up = (device->flags & PCAP_IF_UP) != 0;
        entry.loopback = (device->flags & PCAP_IF_LOOPBACK) != 0;
        for (const pcap_addr* a = device->addresses; a != nullptr; a = a->next)
            if (a->addr != nullptr)
                if (std::string text = address_text(a->addr); !text.empty()) entry.addresses.push_back(std::move(text));
    }
    pcap_freealldevs(all);
    return found;
}

std::string live_filter(const std::vector<std::uint16_t>& mqtt_ports, const std::vector<std::uint16_t>& tls_ports) {
    std::vector<std::uint16_t> ports{1883, 8883};
    for (const auto* more : {&mqtt_ports, &tls_ports})
        for (std::uint16_t port : *more)
            if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
    std::string filter;
    for (std::uint16_t port : ports) filter += fmt::format("{}tcp port {}", filter.empty() ? "" : " or ", port);
    return filter;
}

std::string describe(const LiveStats& stats) {
    return fmt::format("{} packets captured, {} received by filter, {} dropped by kernel, {} dropped by interface",
                       stats.captured, stats.received, stats.dropped_by_kernel, stats.dropped_by_interface);
}

std::string describe(const InterfaceInfo& interface) {
    std::vector<std::string> flags;
    if (interface.up) flags.emplace_back("up");
    if (interface.loopback) flags.emplace_back("loopback");
    std::string text = interface.name;
    if (!interface.description.empty()) text += "  " + interface.description;
    if (!flags.empty()) text += fmt::format("  [{}]", fmt::join(flags, ", "));
    for (const std::string& address : interface.addresses) text += "  " + address;
    return text;
}

}  // namespace mqscan
