// The lab's client: its packets, its keep alive, its events and its faults,
// driven by hand-written broker bytes and against the lab's broker.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lab/engine/property_values.hpp"
#include "lab/engine/reason_codes.hpp"
#include "lab_engine_harness.hpp"

using namespace mqscan;
using namespace mqscan::test;
using mqtt::PacketType;
using mqtt::Version;
using Lines = std::vector<std::string>;

namespace {

// A client alone: the test plays the broker.
struct Alone {
    explicit Alone(lab::ClientOptions options) : client(std::move(options)) {}

    void from_broker(const mqtt::Packet& p, std::int64_t ms) {
        client.receive(bytes_of(mqtt::encode_packet(p, version())), lab_time(ms));
    }
    void from_broker(const std::string& bytes, std::int64_t ms) { client.receive(bytes_of(bytes), lab_time(ms)); }
    void accept(std::int64_t ms, std::vector<mqtt::Property> properties = {}) {
        mqtt::Packet connack = simple_packet(PacketType::Connack);
        connack.reason_code = 0;
        connack.properties = std::move(properties);
        from_broker(connack, ms);
    }
    // What the client sent since the last call, one line per packet, "CLOSE" for a close.
    Lines sent() {
        Lines out;
        for (const lab::Action& a : client.take_actions()) {
            if (a.kind == lab::Action::Kind::Close) {
                out.push_back("CLOSE");
                continue;
            }
            const auto frame = split_frame(a.bytes);
            out.push_back(describe(mqtt::parse_packet(frame->first_byte, frame->body, version(), 1 << 20).packet));
        }
        return out;
    }
    Version version() const { return v5 ? Version::V5 : Version::V311; }

    lab::Client client;
    bool v5 = false;
};

mqtt::Packet ack(PacketType type, std::uint16_t id) { return simple_packet(type, id); }

}  // namespace

TEST_CASE("The client's CONNECT carries its options", "[lab][engine]") {
    lab::ClientOptions o = client_options("capteur");
    o.keepalive = 30;
    o.will = mqtt::Will{1, true, {}, "etat/capteur", "perdu"};
    o.username = "eleve";
    o.password = "ciel2024";
    lab::Client client(o);
    client.start(lab_time(0));
    const auto actions = client.take_actions();
    REQUIRE(actions.size() == 1);
    const auto frame = split_frame(actions[0].bytes);
    const mqtt::Packet p = mqtt::parse_packet(frame->first_byte, frame->body, Version::Unknown, 1024).packet;
    CHECK(p.protocol_name == "MQTT");
    CHECK(p.protocol_level == 4);
    CHECK(p.connect_flags == 0xEE);  // user, password, will retain, will QoS 1, will, clean session
    CHECK(p.keepalive == 30);
    CHECK(p.will == o.will);
    CHECK(p.password == std::optional<std::string>("ciel2024"));

    lab::ClientOptions v5 = client_options("mqttx", Version::V5);
    v5.clean_start = false;
    v5.session_expiry = 300;
    v5.receive_maximum = 10;
    lab::Client client5(v5);
    client5.start(lab_time(0));
    const std::string bytes5 = client5.take_actions().at(0).bytes;
    const auto frame5 = split_frame(bytes5);
    const mqtt::Packet p5 = mqtt::parse_packet(frame5->first_byte, frame5->body, Version::Unknown, 1024).packet;
    CHECK(p5.connect_flags == 0x00);
    CHECK(p5.properties == std::vector<mqtt::Property>{lab::prop::numeric(lab::prop::kSessionExpiryInterval, 300),
                                                       lab::prop::numeric(lab::prop::kReceiveMaximum, 10)});
}

TEST_CASE("The client pings after a keep alive period without traffic, and gives up without an answer",
          "[lab][engine]") {
    lab::ClientOptions o = client_options("ping");
    o.keepalive = 10;
    Alone a(o);
    a.client.start(lab_time(0));
    a.accept(100);
    a.sent();
    // libmosquitto's rule: since the last packet sent or the last received, whichever is older.
    a.client.publish(lab_time(5'000), "t", "x");
    CHECK(a.client.next_deadline() == lab_time(10'100));
    a.client.advance(lab_time(10'099));
    CHECK(a.sent() == Lines{"PUBLISH d0 q0 r0 m0 't' 'x'"});
    a.client.advance(lab_time(10'100));
    CHECK(a.sent() == Lines{"PINGREQ"});
    a.from_broker(simple_packet(PacketType::Pingresp), 10'150);
    CHECK(a.client.next_deadline() == lab_time(20'100));
    a.client.advance(lab_time(20'100));
    CHECK(a.sent() == Lines{"PINGREQ"});
    // No answer within another period: the connection is given up, without DISCONNECT.
    CHECK(a.client.next_deadline() == lab_time(30'100));
    a.client.advance(lab_time(30'100));
    CHECK(a.sent() == Lines{"CLOSE"});
    const auto events = a.client.take_events();
    CHECK(events_of<lab::PingAnswered>(events).size() == 1);
    CHECK(events_of<lab::Disconnected>(events).at(0).cause == lab::DisconnectCause::KeepaliveTimeout);
}

TEST_CASE("A client without a CONNACK gives up after its keep alive", "[lab][engine]") {
    lab::ClientOptions o = client_options("waiting");
    o.keepalive = 5;
    Alone a(o);
    a.client.start(lab_time(0));
    a.sent();
    a.client.advance(lab_time(5'000));
    CHECK(a.sent() == Lines{"CLOSE"});
    CHECK(a.client.state() == lab::Client::State::Closed);
}

TEST_CASE("Against the lab broker, pings keep the connection alive for as long as it lasts", "[lab][engine]") {
    LabNet net;
    lab::ClientOptions o = client_options("sub");
    o.keepalive = 60;
    const std::size_t c = net.add_client(o);
    net.advance_to(lab_time(600'000));
    CHECK(net.open(net.connection(c)));
    CHECK(events_of<lab::PingAnswered>(net.events(c)).size() == 10);
    CHECK(net.wire_of(c).at(2) == "> PINGREQ");
    CHECK(net.wire_of(c).at(3) == "< PINGRESP");
}

TEST_CASE("A QoS 2 message reaches the application once, at its PUBREL", "[lab][engine]") {
    Alone a(client_options("sub"));
    a.client.start(lab_time(0));
    a.accept(0);
    a.sent();
    mqtt::Packet publish = publish_packet(2, 5, "ciel", "bonjour");
    a.from_broker(publish, 10);
    publish.dup = true;
    a.from_broker(publish, 20);
    CHECK(events_of<lab::MessageReceived>(a.client.take_events()).empty());
    a.from_broker(ack(PacketType::Pubrel, 5), 30);
    a.from_broker(ack(PacketType::Pubrel, 5), 40);
    CHECK(a.sent() == Lines{"PUBREC m5", "PUBREC m5", "PUBCOMP m5", "PUBCOMP m5"});
    const auto messages = events_of<lab::MessageReceived>(a.client.take_events());
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].message == lab::Message{"ciel", "bonjour", 2, false, {}});
    CHECK(messages[0].packet_id == std::optional<std::uint16_t>(5));

    a.from_broker(publish_packet(1, 6, "ciel", "encore"), 50);
    CHECK(a.sent() == Lines{"PUBACK m6"});
    CHECK(events_of<lab::MessageReceived>(a.client.take_events()).size() == 1);
}

TEST_CASE("The client's QoS 1 and 2 flows end in Published events", "[lab][engine]") {
    Alone a(client_options("pub"));
    a.client.start(lab_time(0));
    a.accept(0);
    a.sent();
    CHECK(a.client.publish(lab_time(1), "t", "1", 1) == std::optional<std::uint16_t>(1));
    CHECK(a.client.publish(lab_time(2), "t", "2", 2) == std::optional<std::uint16_t>(2));
    CHECK(a.client.publish(lab_time(3), "t", "0", 0) == std::nullopt);
    a.from_broker(ack(PacketType::Puback, 1), 4);
    a.from_broker(ack(PacketType::Pubrec, 2), 5);
    a.from_broker(ack(PacketType::Pubcomp, 2), 6);
    CHECK(a.sent() == Lines{"PUBLISH d0 q1 r0 m1 't' '1'", "PUBLISH d0 q2 r0 m2 't' '2'", "PUBLISH d0 q0 r0 m0 't' '0'",
                            "PUBREL m2"});
    const auto published = events_of<lab::Published>(a.client.take_events());
    REQUIRE(published.size() == 2);
    CHECK(published[0].packet_id == 1);
    CHECK(published[1].packet_id == 2);
}

TEST_CASE("A 5.0 broker's Receive Maximum holds back the client's publishes", "[lab][engine]") {
    lab::ClientOptions o = client_options("pub", Version::V5);
    Alone a(o);
    a.v5 = true;
    a.client.start(lab_time(0));
    a.accept(0, {lab::prop::numeric(lab::prop::kReceiveMaximum, 1)});
    a.sent();
    a.client.publish(lab_time(1), "t", "1", 1);
    a.client.publish(lab_time(1), "t", "2", 1);
    CHECK(a.sent() == Lines{"PUBLISH d0 q1 r0 m1 't' '1'"});
    a.from_broker(ack(PacketType::Puback, 1), 2);
    CHECK(a.sent() == Lines{"PUBLISH d0 q1 r0 m2 't' '2'"});
}

TEST_CASE("The client reports a refusal, a broker's DISCONNECT and a broker's bad packet", "[lab][engine]") {
    SECTION("refused") {
        Alone a(client_options("x"));
        a.client.start(lab_time(0));
        a.sent();
        mqtt::Packet connack = simple_packet(PacketType::Connack);
        connack.reason_code = lab::reason::kRefusedNotAuthorized;
        a.from_broker(connack, 1);
        CHECK(a.sent() == Lines{"CLOSE"});
        const auto events = a.client.take_events();
        CHECK(events_of<lab::Connected>(events).at(0).code == 5);
        CHECK(events_of<lab::Disconnected>(events).at(0).cause == lab::DisconnectCause::Refused);
        // Closed: commands do nothing.
        CHECK(a.client.publish(lab_time(2), "t", "x", 1) == std::nullopt);
        CHECK(a.sent().empty());
    }
    SECTION("a 5.0 DISCONNECT") {
        Alone a(client_options("x", Version::V5));
        a.v5 = true;
        a.client.start(lab_time(0));
        a.accept(0);
        a.sent();
        a.from_broker(lab::disconnect_packet(0x8E), 1);
        CHECK(a.sent() == Lines{"CLOSE"});
        const auto gone = events_of<lab::Disconnected>(a.client.take_events()).at(0);
        CHECK(gone.cause == lab::DisconnectCause::ServerDisconnect);
        CHECK(gone.reason == std::optional<std::uint8_t>(0x8E));
    }
    SECTION("garbage from a 5.0 broker: the client says so") {
        Alone a(client_options("x", Version::V5));
        a.v5 = true;
        a.client.start(lab_time(0));
        a.accept(0);
        a.sent();
        a.from_broker(std::string("\x00\x00", 2), 1);  // a reserved packet type
        CHECK(a.sent() == Lines{"DISCONNECT rc130", "CLOSE"});
    }
    SECTION("a PUBLISH before the CONNACK") {
        Alone a(client_options("x"));
        a.client.start(lab_time(0));
        a.sent();
        a.from_broker(publish_packet(0, 0, "t", "x"), 1);
        CHECK(a.sent() == Lines{"CLOSE"});
    }
}

TEST_CASE("A client that never sends PUBREL leaves the QoS 2 exchange half done", "[lab][engine]") {
    LabNet net;
    const std::size_t sub = net.add_client(client_options("sub"));
    net.client(sub).subscribe(net.now, {filter("ciel", 2)});
    lab::ClientOptions careless = client_options("careless");
    careless.faults.no_pubrel = true;
    const std::size_t pub = net.add_client(careless);
    net.client(pub).publish(net.now, "ciel", "x", 2);
    net.settle();
    CHECK(net.wire_of(pub) ==
          Lines{"> CONNECT 'careless'", "< CONNACK sp0 rc0", "> PUBLISH d0 q2 r0 m1 'ciel' 'x'", "< PUBREC m1"});
    // mosquitto hands a QoS 2 message on at its PUBREL: the subscriber gets nothing.
    CHECK(events_of<lab::MessageReceived>(net.events(sub)).empty());
}

TEST_CASE("A subscriber that does not acknowledge leaves the broker's message in flight", "[lab][engine]") {
    LabNet net;
    lab::ClientOptions mute = client_options("mute");
    mute.faults.no_pubrec = true;
    const std::size_t sub = net.add_client(mute);
    net.client(sub).subscribe(net.now, {filter("ciel", 2)});
    const std::size_t pub = net.add_client(client_options("pub"));
    net.client(pub).publish(net.now, "ciel", "x", 2);
    net.settle();
    CHECK(net.wire_of(sub).back() == "< PUBLISH d0 q2 r0 m1 'ciel' 'x'");
    CHECK(net.wire_of(pub).back() == "< PUBCOMP m1");
}

TEST_CASE("disconnect() without DISCONNECT (a fault) gets the will published", "[lab][engine]") {
    LabNet net;
    const std::size_t watcher = net.add_client(client_options("watcher"));
    net.client(watcher).subscribe(net.now, {filter("etat", 0)});
    lab::ClientOptions abrupt = client_options("abrupt");
    abrupt.faults.no_disconnect = true;
    abrupt.will = mqtt::Will{0, false, {}, "etat", "abrupt is gone"};
    const std::size_t c = net.add_client(abrupt);
    net.client(c).disconnect(net.now);
    net.settle();
    CHECK(net.wire_of(c).back() == "< CONNACK sp0 rc0");
    CHECK(events_of<lab::MessageReceived>(net.events(watcher)).at(0).message.payload == "abrupt is gone");
}

TEST_CASE("5.0 subscription options: no local, retain handling, retain as published", "[lab][engine]") {
    LabNet net;
    const std::size_t pub = net.add_client(client_options("pub"));
    net.client(pub).publish(net.now, "ciel", "kept", 0, true);
    const std::size_t c = net.add_client(client_options("c", Version::V5));
    mqtt::Subscription own = filter("ciel", 1);
    own.no_local = true;
    own.retain_handling = 2;  // no retained message at subscription
    own.retain_as_published = true;
    net.client(c).subscribe(net.now, {own});
    net.settle();
    CHECK(net.wire_of(c).back() == "< SUBACK m1 1");
    net.client(c).publish(net.now, "ciel", "own", 0);
    net.client(pub).publish(net.now, "ciel", "other", 0, true);
    net.settle();
    const auto messages = events_of<lab::MessageReceived>(net.events(c));
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].message.payload == "other");
    CHECK(messages[0].message.retain);  // retain as published
}
