#include "lab/net/network.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/core.h>

#include "lab/net/frame_builder.hpp"

namespace mqscan::lab::net {
namespace {

constexpr std::uint16_t kMinMtu = 128;
constexpr std::uint32_t kMaxReceiveWindow = 65535u << 14;  // RFC 7323 §2.3
// Linux's net.ipv4.ip_local_port_range.
constexpr std::uint16_t kFirstEphemeralPort = 32768;
constexpr std::uint16_t kLastEphemeralPort = 60999;

void validate(const NetworkOptions& options) {
    if (options.mtu < kMinMtu)
        throw std::invalid_argument(fmt::format("MTU {} is below {}", options.mtu, kMinMtu));
    if (options.tcp.receive_window == 0 || options.tcp.receive_window > kMaxReceiveWindow)
        throw std::invalid_argument(
            fmt::format("receive window {} is outside [1, {}]", options.tcp.receive_window,
                        kMaxReceiveWindow));
    if (options.tcp.retransmission_timeout <= Duration{0})
        throw std::invalid_argument("the retransmission timeout must be positive");
    if (options.latency < Duration{0}) throw std::invalid_argument("negative latency");
    validate(options.impairments);
}

std::uint16_t mss_for(std::uint16_t mtu, IpVersion version) {
    return static_cast<std::uint16_t>(mtu - ip_header_length(version) - kTcpHeaderLength);
}

}  // namespace

IpAddress parse_address(const std::string& text) {
    IpAddress address;
    if (inet_pton(AF_INET, text.c_str(), address.bytes.data()) == 1) return address;
    address.version = IpVersion::V6;
    if (inet_pton(AF_INET6, text.c_str(), address.bytes.data()) == 1) return address;
    throw std::invalid_argument(fmt::format("'{}' is not an IPv4 or IPv6 address", text));
}

Network::Network(const NetworkOptions& options)
    : options_(options),
      now_(options.start),
      identities_(options.seed),
      impairments_(identities_.fork()),
      recorder_(options.capture) {
    validate(options_);
}

// ---- Requests ----

ConnectionId Network::connect(Endpoint client, Endpoint server) {
    if (client.address.version != server.address.version)
        throw std::invalid_argument(fmt::format("{} and {} are not of the same IP version",
                                                client.to_string(), server.to_string()));
    if (client.port == 0) client.port = ephemeral_port(client, server);
    for (const Connection& existing : connections_)
        if (existing.ends.client == client && existing.ends.server == server)
            throw std::invalid_argument(fmt::format("{} -> {} was connected before",
                                                    client.to_string(), server.to_string()));
    const std::uint16_t mss = mss_for(options_.mtu, client.address.version);
    const PathSettings path{options_.latency, options_.link_rate_bps, options_.impairments};
    const TcpIdentity client_identity = draw_identity();
    const TcpIdentity server_identity = draw_identity();
    connections_.push_back(Connection{
        {client, server},
        {TcpEndpoint(options_.tcp, mss, client_identity),
         TcpEndpoint(options_.tcp, mss, server_identity)},
        {Path(path), Path(path)}});
    const auto id = static_cast<ConnectionId>(connections_.size() - 1);
    connections_.back().sides[index(Side::Server)].listen();
    connections_.back().sides[index(Side::Client)].connect(now_);
    flush(id, Side::Client);
    return id;
}

void Network::write(ConnectionId id, Side side, Bytes bytes) {
    connection(id).sides[index(side)].write(now_, bytes);
    flush(id, side);
}

void Network::close(ConnectionId id, Side side) {
    connection(id).sides[index(side)].close(now_);
    flush(id, side);
}

void Network::reset(ConnectionId id, Side side) {
    connection(id).sides[index(side)].abort(now_);
    flush(id, side);
}

// ---- The clock ----

std::optional<Timestamp> Network::next_event() const { return queue_.next_time(); }

void Network::run_until(Timestamp time) {
    while (!queue_.empty() && *queue_.next_time() <= time) {
        auto [key, event] = queue_.pop();
        now_ = key.time;
        std::visit([this](auto& e) { handle(e); }, event);
    }
    now_ = std::max(now_, time);
}

std::vector<NetworkEvent> Network::take_events() { return std::exchange(events_, {}); }

void Network::handle(Arrival& arrival) {
    Connection& c = connection(arrival.connection);
    recorder_.record(now_, arrival.packet.frame, peer(arrival.to));
    c.sides[index(arrival.to)].receive(now_, arrival.packet.segment);
    flush(arrival.connection, arrival.to);
}

void Network::handle(const EndpointTimer& timer) {
    Connection& c = connection(timer.connection);
    c.timers[index(timer.side)].reset();
    c.sides[index(timer.side)].wake(now_);
    flush(timer.connection, timer.side);
}

void Network::handle(const HoldRelease& release) {
    Connection& c = connection(release.connection);
    c.releases[index(release.from)].reset();
    schedule(release.connection, release.from, c.paths[index(release.from)].release(now_));
}

// ---- Between the endpoints and the paths ----

void Network::flush(ConnectionId id, Side side) {
    TcpEndpoint& endpoint = connection(id).sides[index(side)];
    for (Segment& segment : endpoint.take_outgoing()) depart(id, side, std::move(segment));
    for (EndpointNotice& notice : endpoint.take_notices())
        events_.push_back({now_, id, side, notice.kind, std::move(notice.data)});
    sync_timer(id, side);
}

void Network::depart(ConnectionId id, Side from, Segment segment) {
    Connection& c = connection(id);
    const Endpoint& source = from == Side::Client ? c.ends.client : c.ends.server;
    const Endpoint& destination = from == Side::Client ? c.ends.server : c.ends.client;
    std::vector<std::uint8_t> frame =
        build_frame(source, destination, next_ip_id(source.address), segment);
    schedule(id, from,
             c.paths[index(from)].send(now_, Packet{std::move(segment), std::move(frame)},
                                       impairments_));
}

void Network::schedule(ConnectionId id, Side from, std::vector<Delivery> deliveries) {
    for (Delivery& delivery : deliveries)
        queue_.schedule(delivery.arrival, Arrival{id, peer(from), std::move(delivery.packet)});
    sync_release(id, from);
}

void Network::sync_timer(ConnectionId id, Side side) {
    Connection& c = connection(id);
    std::optional<EventKey>& scheduled = c.timers[index(side)];
    const std::optional<Timestamp> deadline = c.sides[index(side)].next_deadline();
    if (scheduled && deadline && scheduled->time == *deadline) return;
    if (scheduled) queue_.cancel(*scheduled);
    scheduled.reset();
    if (deadline) scheduled = queue_.schedule(*deadline, EndpointTimer{id, side});
}

void Network::sync_release(ConnectionId id, Side from) {
    Connection& c = connection(id);
    std::optional<EventKey>& scheduled = c.releases[index(from)];
    const std::optional<Timestamp> deadline = c.paths[index(from)].hold_deadline();
    if (scheduled && deadline && scheduled->time == *deadline) return;
    if (scheduled) queue_.cancel(*scheduled);
    scheduled.reset();
    if (deadline) scheduled = queue_.schedule(*deadline, HoldRelease{id, from});
}

// ---- Identities ----

std::size_t Network::checked_index(ConnectionId id) const {
    const auto at = static_cast<std::size_t>(id);
    if (at >= connections_.size()) throw std::out_of_range(fmt::format("no connection {}", at));
    return at;
}

Network::Connection& Network::connection(ConnectionId id) {
    return connections_[checked_index(id)];
}

const Network::Connection& Network::connection(ConnectionId id) const {
    return connections_[checked_index(id)];
}

const ConnectionEnds& Network::ends(ConnectionId id) const { return connection(id).ends; }

TcpState Network::state(ConnectionId id, Side side) const {
    return connection(id).sides[index(side)].state();
}

std::uint16_t Network::ephemeral_port(const Endpoint& client, const Endpoint& server) {
    const auto in_use = [&](std::uint16_t port) {
        return std::any_of(connections_.begin(), connections_.end(), [&](const Connection& c) {
            return c.ends.client.address == client.address && c.ends.client.port == port &&
                   c.ends.server == server;
        });
    };
    std::uint16_t port = 0;
    do {
        port = static_cast<std::uint16_t>(
            identities_.between(kFirstEphemeralPort, kLastEphemeralPort));
    } while (in_use(port));
    return port;
}

std::uint16_t Network::next_ip_id(const IpAddress& host) {
    const auto [entry, added] = next_ip_ids_.try_emplace(host, std::uint16_t{0});
    if (added) entry->second = static_cast<std::uint16_t>(identities_.next_u32());
    return entry->second++;
}

TcpIdentity Network::draw_identity() {
    return {identities_.next_u32(), identities_.next_u32()};
}

}  // namespace mqscan::lab::net
