#include "lab/scenario/lab_world.hpp"

#include <array>
#include <stdexcept>

namespace mqscan::lab {

using net::NetworkEventKind;
using net::Side;

struct LabWorld::Listener {
    ListenerSpec spec;
    Endpoint endpoint;
    Broker broker;
    std::optional<TlsContext> tls;
};

struct LabWorld::Link {
    Link(Listener& to, ConnectionId id, const ClientOptions& options)
        : listener(&to), broker_id(id), client(options) {}

    net::ConnectionId connection{};
    Listener* listener;
    ConnectionId broker_id;  // the broker's name for it
    Client client;
    std::optional<TlsEndpoint> client_tls;
    std::optional<TlsEndpoint> server_tls;
    // Waiting: not yet given to the broker; Gone: the broker closed it or heard it close.
    enum class AtBroker : std::uint8_t { Waiting, Open, Gone } at_broker = AtBroker::Waiting;
    std::array<bool, 2> closed{};  // by Side: this side sent its FIN or got a RST
    std::vector<ClientEvent> events;

    std::optional<TlsEndpoint>& tls(Side side) { return side == Side::Client ? client_tls : server_tls; }
};

namespace {

Endpoint endpoint_of(const std::string& address, std::uint16_t port) {
    return Endpoint{net::parse_address(address), port};
}

// The client's address as mosquitto's log names it.
PeerInfo peer_info(const Endpoint& client, std::uint16_t local_port) {
    return PeerInfo{client.address.to_string(), client.port, local_port};
}

}  // namespace

LabWorld::LabWorld(const net::NetworkOptions& network, std::shared_ptr<const CryptoLibrary> crypto)
    : network_(network), seed_(network.seed), crypto_(std::move(crypto)) {}

LabWorld::~LabWorld() = default;

void LabWorld::listen(ListenerSpec spec) {
    spec.broker.seed = seed_;
    const Endpoint endpoint = endpoint_of(spec.address, spec.port);
    auto listener = std::make_unique<Listener>(Listener{spec, endpoint, Broker(spec.broker), std::nullopt});
    if (spec.tls) listener->tls.emplace(*spec.tls, crypto_);
    listeners_.push_back(std::move(listener));
}

LinkId LabWorld::connect(const ClientSpec& spec) {
    const Endpoint server = endpoint_of(spec.server_address, spec.server_port);
    Listener* listener = nullptr;
    for (const auto& candidate : listeners_)
        if (candidate->endpoint == server) listener = candidate.get();
    if (listener == nullptr) throw std::invalid_argument("no broker listens on " + server.to_string());

    // The broker's connection ids start at 1: LinkId + 1.
    auto link = std::make_unique<Link>(*listener, links_.size() + 1, spec.mqtt);
    if (spec.tls) link->client_tls.emplace(TlsContext(*spec.tls, crypto_));
    if (listener->tls) link->server_tls.emplace(*listener->tls);
    link->connection = network_.connect(endpoint_of(spec.address, 0), server);
    links_.push_back(std::move(link));
    return links_.size() - 1;
}

void LabWorld::subscribe(LinkId link, std::vector<mqtt::Subscription> filters,
                         std::vector<mqtt::Property> properties) {
    Link& l = *links_.at(link);
    l.client.subscribe(now(), std::move(filters), std::move(properties));
    flush_client(l);
}

void LabWorld::publish(LinkId link, std::string topic, std::string payload, std::uint8_t qos, bool retain,
                       std::vector<mqtt::Property> properties) {
    Link& l = *links_.at(link);
    l.client.publish(now(), std::move(topic), std::move(payload), qos, retain, std::move(properties));
    flush_client(l);
}

void LabWorld::disconnect(LinkId link) {
    Link& l = *links_.at(link);
    l.client.disconnect(now());
    flush_client(l);
}

const std::vector<ClientEvent>& LabWorld::client_events(LinkId link) const { return links_.at(link)->events; }

KeyLog LabWorld::key_log() const {
    KeyLog all(links_.size() * KeyLog::kMaxLinesPerConnection);
    for (const auto& link : links_)
        if (link->client_tls) all.append(link->client_tls->key_log());
    return all;
}

void LabWorld::wait(net::Duration duration) {
    const Timestamp until = net::after(now(), duration);
    while (const std::optional<Timestamp> next = next_deadline()) {
        if (*next > until) break;
        network_.run_until(*next);
        for (const net::NetworkEvent& event : network_.take_events()) on_event(event);
        advance_engines(now());
    }
    network_.run_until(until);
}

std::optional<Timestamp> LabWorld::next_deadline() const {
    std::optional<Timestamp> next = network_.next_event();
    const auto consider = [&next](std::optional<Timestamp> deadline) {
        if (deadline && (!next || *deadline < *next)) next = deadline;
    };
    for (const auto& listener : listeners_) consider(listener->broker.next_deadline());
    for (const auto& link : links_) consider(link->client.next_deadline());
    return next;
}

void LabWorld::advance_engines(Timestamp time) {
    for (const auto& listener : listeners_) {
        listener->broker.advance(time);
        flush_broker(*listener);
    }
    for (const auto& link : links_) {
        link->client.advance(time);
        flush_client(*link);
    }
}

LabWorld::Link& LabWorld::link_of(net::ConnectionId connection) {
    for (const auto& link : links_)
        if (link->connection == connection) return *link;
    throw std::logic_error("an event for a connection the lab did not open");
}

void LabWorld::on_event(const net::NetworkEvent& event) {
    Link& link = link_of(event.connection);
    if (event.kind == NetworkEventKind::Reset) link.closed[net::index(event.side)] = true;
    if (event.side == Side::Client) return on_client_event(link, event);
    on_server_event(link, event);
}

void LabWorld::on_client_event(Link& link, const net::NetworkEvent& event) {
    switch (event.kind) {
        case NetworkEventKind::Established:
            if (link.client_tls) link.client_tls->start();
            link.client.start(now());
            break;
        case NetworkEventKind::Data:
            if (!link.client_tls) {
                link.client.receive(event.data, now());
                break;
            }
            if (link.client_tls->receive_ciphertext(event.data) != event.data.size())
                throw std::length_error("the client's TLS endpoint is full");
            if (const auto plaintext = link.client_tls->take_plaintext(); !plaintext.empty())
                link.client.receive(plaintext, now());
            // A client whose handshake failed gives up, as libmosquitto does.
            if (link.client_tls->failed()) link.client.peer_closed();
            break;
        case NetworkEventKind::PeerClosed:
        case NetworkEventKind::Reset: link.client.peer_closed(); break;
        case NetworkEventKind::Accepted: break;
    }
    flush_client(link);
}

void LabWorld::on_server_event(Link& link, const net::NetworkEvent& event) {
    Listener& listener = *link.listener;
    switch (event.kind) {
        case NetworkEventKind::Accepted:
            if (link.server_tls) link.server_tls->start();
            else accept(link);
            break;
        case NetworkEventKind::Data:
            if (!link.server_tls) {
                deliver_to_broker(link, event.data);
                break;
            }
            if (link.server_tls->receive_ciphertext(event.data) != event.data.size())
                throw std::length_error("the broker's TLS endpoint is full");
            if (link.at_broker == Link::AtBroker::Waiting && link.server_tls->handshake_complete()) accept(link);
            deliver_to_broker(link, link.server_tls->take_plaintext());
            // mosquitto drops a connection whose TLS failed, after OpenSSL's alert.
            if (link.server_tls->failed()) {
                broker_hears_close(link);
                send_ciphertext(link, Side::Server);
                close_side(link, Side::Server);
            }
            break;
        case NetworkEventKind::PeerClosed:
        case NetworkEventKind::Reset:
            if (link.at_broker == Link::AtBroker::Open) broker_hears_close(link);
            else close_side(link, Side::Server);
            break;
        case NetworkEventKind::Established: break;
    }
    send_ciphertext(link, Side::Server);
    flush_broker(listener);
}

void LabWorld::accept(Link& link) {
    std::optional<std::string> identity;
    if (link.server_tls) identity = link.server_tls->peer_common_name();
    const Endpoint client = network_.ends(link.connection).client;
    link.at_broker = Link::AtBroker::Open;
    link.listener->broker.accept(link.broker_id, now(), peer_info(client, link.listener->spec.port),
                                 std::move(identity));
}

void LabWorld::deliver_to_broker(Link& link, Bytes bytes) {
    if (link.at_broker == Link::AtBroker::Open && !bytes.empty())
        link.listener->broker.receive(link.broker_id, bytes, now());
}

void LabWorld::broker_hears_close(Link& link) {
    if (link.at_broker != Link::AtBroker::Open) return;
    link.at_broker = Link::AtBroker::Gone;
    link.listener->broker.peer_closed(link.broker_id, now());
}

void LabWorld::flush_client(Link& link) {
    for (const Action& action : link.client.take_actions()) {
        if (action.kind == Action::Kind::Send) send(link, Side::Client, action.bytes);
        else close_side(link, Side::Client);
    }
    send_ciphertext(link, Side::Client);
    for (ClientEvent& event : link.client.take_events()) link.events.push_back(std::move(event));
}

void LabWorld::flush_broker(Listener& listener) {
    for (const Action& action : listener.broker.take_actions()) {
        Link& link = *links_.at(action.connection - 1);
        if (action.kind == Action::Kind::Send) {
            send(link, Side::Server, action.bytes);
            continue;
        }
        link.at_broker = Link::AtBroker::Gone;
        close_side(link, Side::Server);
    }
    for (LogLine& line : listener.broker.take_log()) log_.push_back(std::move(line));
}

void LabWorld::send(Link& link, Side side, const std::string& bytes) {
    if (link.closed[net::index(side)]) return;
    const Bytes payload(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    std::optional<TlsEndpoint>& tls = link.tls(side);
    if (!tls) return network_.write(link.connection, side, payload);
    // Refused after a TLS failure: the connection is closing, as with a real socket.
    if (tls->failed()) return;
    if (tls->write_plaintext(payload) != payload.size())
        throw std::length_error("a TLS endpoint is full");
    send_ciphertext(link, side);
}

void LabWorld::send_ciphertext(Link& link, Side side) {
    std::optional<TlsEndpoint>& tls = link.tls(side);
    if (!tls) return;
    const std::vector<std::uint8_t> records = tls->take_ciphertext();
    if (!records.empty() && !link.closed[net::index(side)]) network_.write(link.connection, side, records);
}

void LabWorld::close_side(Link& link, Side side) {
    if (link.closed[net::index(side)]) return;
    if (std::optional<TlsEndpoint>& tls = link.tls(side)) {
        tls->close();
        send_ciphertext(link, side);
    }
    link.closed[net::index(side)] = true;
    network_.close(link.connection, side);
}

}  // namespace mqscan::lab
