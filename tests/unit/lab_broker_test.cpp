// The lab's broker: what it answers and logs, as mosquitto 2.0.11 does, driven
// by the lab's clients and by hand-written bytes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "lab/engine/password_file.hpp"
#include "lab/engine/property_values.hpp"
#include "lab/engine/reason_codes.hpp"
#include "lab/net/prng.hpp"
#include "lab_engine_harness.hpp"

using namespace mqscan;
using namespace mqscan::test;
using mqtt::Version;
using Lines = std::vector<std::string>;

namespace {

std::string encoded(const mqtt::Packet& p, Version v) { return mqtt::encode_packet(p, v); }

std::string raw_connect(Version v, const std::string& id, std::uint8_t flags = 0x02) {
    mqtt::Packet p = connect_packet(v, id);
    p.connect_flags = flags;
    return encoded(p, v);
}

lab::ClientOptions with_credentials(std::string id, std::string user, std::string password, Version v) {
    lab::ClientOptions o = client_options(std::move(id), v);
    o.username = std::move(user);
    o.password = std::move(password);
    return o;
}

lab::BrokerOptions password_broker() {
    lab::BrokerOptions o;
    o.passwords = *lab::parse_password_file("# the class\nprof:secret\neleve:ciel2024\n");
    return o;
}

bool log_has(const LabNet& net, const std::string& line) {
    const std::string stamped = fmt::format("{}: {}", kLabEpoch, line);
    return std::find(net.log.begin(), net.log.end(), stamped) != net.log.end();
}

// `count` lines of the log from the first one holding `from`, stamps removed.
Lines log_from(const LabNet& net, const std::string& from, std::size_t count) {
    Lines out;
    for (const std::string& line : net.log) {
        const std::string message = line.substr(line.find(": ") + 2);
        if (out.empty() && message.find(from) == std::string::npos) continue;
        if (out.size() == count) break;
        out.push_back(message);
    }
    return out;
}

}  // namespace

TEST_CASE("The broker refuses bad credentials with the CONNACK code of each version", "[lab][engine]") {
    LabNet net(password_broker());
    const std::size_t v3 = net.add_client(with_credentials("a", "eleve", "wrong", Version::V311));
    const std::size_t v5 = net.add_client(with_credentials("b", "eleve", "wrong", Version::V5));
    const std::size_t anonymous = net.add_client(client_options("c"));
    const std::size_t good = net.add_client(with_credentials("d", "eleve", "ciel2024", Version::V311));

    CHECK(net.wire_of(v3) == Lines{"> CONNECT 'a'", "< CONNACK sp0 rc5"});
    CHECK(net.wire_of(v5) == Lines{"> CONNECT 'b'", "< CONNACK sp0 rc135"});
    CHECK(net.wire_of(anonymous) == Lines{"> CONNECT 'c'", "< CONNACK sp0 rc5"});
    CHECK(net.wire_of(good) == Lines{"> CONNECT 'd'", "< CONNACK sp0 rc0"});
    CHECK_FALSE(net.open(net.connection(v3)));
    CHECK(net.open(net.connection(good)));
    CHECK(log_from(net, "Sending CONNACK to 127.0.0.1 (0, 5)", 12) ==
          Lines{"Sending CONNACK to 127.0.0.1 (0, 5)", "Client <unknown> disconnected, not authorised.",
                "New connection from 127.0.0.1:40002 on port 1883.", "Sending CONNACK to 127.0.0.1 (0, 135)",
                "Client <unknown> disconnected, not authorised.", "New connection from 127.0.0.1:40003 on port 1883.",
                "Sending CONNACK to 127.0.0.1 (0, 5)", "Client <unknown> disconnected, not authorised.",
                "New connection from 127.0.0.1:40004 on port 1883.",
                "New client connected from 127.0.0.1:40004 as d (p2, c1, k60, u'eleve').",
                "No will message specified.", "Sending CONNACK to d (0, 0)"});
}

TEST_CASE("use_identity_as_username takes the certificate's CN and refuses a client without one",
          "[lab][engine]") {
    lab::BrokerOptions options;
    options.use_identity_as_username = true;
    LabNet net(options);
    const std::size_t bare = net.add_client(client_options("mqttx", Version::V5));
    const std::size_t bare3 = net.add_client(client_options("sub"));
    const std::size_t certified = net.add_client(client_options("sub2"), std::string("localhost"));

    CHECK(net.wire_of(bare) == Lines{"> CONNECT 'mqttx'", "< CONNACK sp0 rc134"});
    CHECK(net.wire_of(bare3) == Lines{"> CONNECT 'sub'", "< CONNACK sp0 rc4"});
    CHECK(net.wire_of(certified) == Lines{"> CONNECT 'sub2'", "< CONNACK sp0 rc0"});
    // The refusal names the client, as mosquitto does once it has read the id.
    CHECK(log_has(net, "Sending CONNACK to mqttx (0, 134)"));
    CHECK(log_has(net, "Client sub disconnected, not authorised."));
    CHECK(log_has(net, "New client connected from 127.0.0.1:40003 as sub2 (p2, c1, k60, u'localhost')."));
}

TEST_CASE("A listener's identity_as_username holds for its own connections only, as mosquitto's TLS listener "
          "setting", "[lab][engine]") {
    lab::Broker broker(open_broker());
    const Timestamp now = lab_time(0);
    CHECK(broker.accept(1, now, {"127.0.0.1", 40001, 8883, true}, std::string("localhost")));
    CHECK(broker.accept(2, now, {"127.0.0.1", 40002, 8883, true}));
    CHECK(broker.accept(3, now, {"127.0.0.1", 40003, 1883, false}));
    const std::string names[] = {"tls", "bare", "clear"};
    for (lab::ConnectionId id = 1; id <= 3; ++id) {
        const std::string connect = encoded(connect_packet(Version::V311, names[id - 1]), Version::V311);
        broker.receive(id, Bytes(reinterpret_cast<const std::uint8_t*>(connect.data()), connect.size()), now);
    }
    Lines log;
    for (const lab::LogLine& line : broker.take_log()) log.push_back(line.message);
    const auto logged = [&log](const std::string& line) { return std::find(log.begin(), log.end(), line) != log.end(); };
    CHECK(logged("New client connected from 127.0.0.1:40001 as tls (p2, c1, k60, u'localhost')."));
    CHECK(logged("Client bare disconnected, not authorised."));
    CHECK(logged("New client connected from 127.0.0.1:40003 as clear (p2, c1, k60)."));
}

TEST_CASE("A CONNECT with an unknown protocol is refused or dropped as mosquitto does", "[lab][engine]") {
    LabNet net;
    mqtt::Packet level6 = connect_packet(Version::V311, "x");
    level6.protocol_level = 6;
    const lab::ConnectionId bad_level = net.open_raw();
    net.send_raw(bad_level, encoded(level6, Version::V311));
    CHECK(net.wire(bad_level).back() == "< CONNACK sp0 rc1");
    CHECK_FALSE(net.open(bad_level));
    CHECK(log_from(net, "Invalid protocol version", 3) ==
          Lines{"Invalid protocol version 6 in CONNECT from 127.0.0.1.", "Sending CONNACK to 127.0.0.1 (0, 1)",
                "Client <unknown> disconnected due to protocol error."});

    mqtt::Packet named = connect_packet(Version::V311, "x");
    named.protocol_name = "MQTX";
    const lab::ConnectionId bad_name = net.open_raw();
    net.send_raw(bad_name, encoded(named, Version::V311));
    CHECK(net.wire(bad_name).size() == 1);  // no CONNACK
    CHECK_FALSE(net.open(bad_name));
    CHECK(log_has(net, "Invalid protocol \"MQTX\" in CONNECT from 127.0.0.1."));

    const lab::ConnectionId empty31 = net.open_raw();
    net.send_raw(empty31, raw_connect(Version::V31, ""));
    const lab::ConnectionId persistent_empty = net.open_raw();
    net.send_raw(persistent_empty, raw_connect(Version::V311, "", 0x00));
    CHECK(net.wire(empty31).back() == "< CONNACK sp0 rc2");
    CHECK(net.wire(persistent_empty).back() == "< CONNACK sp0 rc2");
}

TEST_CASE("An empty client id gets a mosquitto-like id from the seed", "[lab][engine]") {
    lab::BrokerOptions options = open_broker();
    options.seed = 42;
    LabNet first(options);
    LabNet second(options);
    first.add_client(client_options(""));
    second.add_client(client_options(""));
    const std::size_t v5 = first.add_client(client_options("", Version::V5));

    const std::string line = first.log.at(1);
    CHECK(line == second.log.at(1));  // same seed, same id
    const std::size_t at = line.find("as auto-");
    REQUIRE(at != std::string::npos);
    const std::string id = line.substr(at + 3, 41);
    CHECK(id.size() == 41);
    CHECK(id[13] == '-');
    CHECK(id[18] == '-');
    CHECK(id[23] == '-');
    CHECK(id[28] == '-');
    // 5.0: the CONNACK says which [MQTT 5.0 §3.2.2.3.7].
    const auto connected = events_of<lab::Connected>(first.events(v5));
    REQUIRE(connected.size() == 1);
    CHECK(first.client(v5).client_id().starts_with("auto-"));
    CHECK(first.client(v5).client_id() != id);
}

TEST_CASE("QoS 0, 1 and 2 flow between two clients with the exact packets on each side", "[lab][engine]") {
    LabNet net;
    const std::size_t sub = net.add_client(client_options("capteur-sub"));
    const std::size_t pub = net.add_client(client_options("capteur-pub"));
    net.client(sub).subscribe(net.now, {filter("maison/#", 2)});
    net.settle();
    // One at a time, each exchange over before the next begins.
    for (const std::uint8_t qos : {std::uint8_t{0}, std::uint8_t{1}, std::uint8_t{2}}) {
        net.client(pub).publish(net.now, "maison/salon/temperature", fmt::format("21.{}", 5 + qos), qos);
        net.settle();
    }

    CHECK(net.wire_of(pub) == Lines{
                                  "> CONNECT 'capteur-pub'",
                                  "< CONNACK sp0 rc0",
                                  "> PUBLISH d0 q0 r0 m0 'maison/salon/temperature' '21.5'",
                                  "> PUBLISH d0 q1 r0 m1 'maison/salon/temperature' '21.6'",
                                  "< PUBACK m1",
                                  "> PUBLISH d0 q2 r0 m2 'maison/salon/temperature' '21.7'",
                                  "< PUBREC m2",
                                  "> PUBREL m2",
                                  "< PUBCOMP m2",
                              });
    CHECK(net.wire_of(sub) == Lines{
                                  "> CONNECT 'capteur-sub'",
                                  "< CONNACK sp0 rc0",
                                  "> SUBSCRIBE m1 maison/#:2",
                                  "< SUBACK m1 2",
                                  "< PUBLISH d0 q0 r0 m0 'maison/salon/temperature' '21.5'",
                                  "< PUBLISH d0 q1 r0 m1 'maison/salon/temperature' '21.6'",
                                  "> PUBACK m1",
                                  "< PUBLISH d0 q2 r0 m2 'maison/salon/temperature' '21.7'",
                                  "> PUBREC m2",
                                  "< PUBREL m2",
                                  "> PUBCOMP m2",
                              });
    // QoS 2 goes on at the PUBREL, before the PUBCOMP, as in mosquitto's log.
    CHECK(log_from(net, "Received PUBLISH from capteur-pub (d0, q2", 8) ==
          Lines{"Received PUBLISH from capteur-pub (d0, q2, r0, m2, 'maison/salon/temperature', ... (4 bytes))",
                "Sending PUBREC to capteur-pub (m2, rc0)",
                "Received PUBREL from capteur-pub (Mid: 2)",
                "Sending PUBLISH to capteur-sub (d0, q2, r0, m2, 'maison/salon/temperature', ... (4 bytes))",
                "Sending PUBCOMP to capteur-pub (m2)",
                "Received PUBREC from capteur-sub (Mid: 2)",
                "Sending PUBREL to capteur-sub (m2)",
                "Received PUBCOMP from capteur-sub (Mid: 2, RC:0)"});
    const auto messages = events_of<lab::MessageReceived>(net.events(sub));
    REQUIRE(messages.size() == 3);
    CHECK(messages[2].message.payload == "21.7");
    CHECK(events_of<lab::Published>(net.events(pub)).size() == 2);
}

TEST_CASE("A subscriber gets the lower of the published and the granted QoS", "[lab][engine]") {
    lab::BrokerOptions options = open_broker();
    options.max_qos = 1;
    LabNet net(options);
    const std::size_t q0 = net.add_client(client_options("q0"));
    const std::size_t capped = net.add_client(client_options("capped"));
    const std::size_t pub = net.add_client(client_options("pub"));
    net.client(q0).subscribe(net.now, {filter("ciel", 0)});
    net.client(capped).subscribe(net.now, {filter("ciel", 2)});
    net.settle();
    net.client(pub).publish(net.now, "ciel", "x", 1);
    net.settle();

    CHECK(net.take_wire_of(q0) ==
          Lines{"> CONNECT 'q0'", "< CONNACK sp0 rc0", "> SUBSCRIBE m1 ciel:0", "< SUBACK m1 0",
                "< PUBLISH d0 q0 r0 m0 'ciel' 'x'"});
    CHECK(net.take_wire_of(capped) == Lines{"> CONNECT 'capped'", "< CONNACK sp0 rc0", "> SUBSCRIBE m1 ciel:2",
                                            "< SUBACK m1 1", "< PUBLISH d0 q1 r0 m1 'ciel' 'x'", "> PUBACK m1"});
    CHECK(log_has(net, "capped 1 ciel"));
    // Past max_qos, a PUBLISH ends the connection.
    net.client(pub).publish(net.now, "ciel", "y", 2);
    net.settle();
    CHECK_FALSE(net.open(net.connection(pub)));
    CHECK(log_has(net, "Client pub disconnected due to QoS too high or retain not supported."));
}

TEST_CASE("A QoS 2 PUBLISH sent again with DUP before the PUBREL is delivered once", "[lab][engine]") {
    LabNet net;
    const std::size_t sub = net.add_client(client_options("sub"));
    net.client(sub).subscribe(net.now, {filter("ciel", 2)});
    const lab::ConnectionId raw = net.open_raw();
    net.send_raw(raw, raw_connect(Version::V311, "mqttx"));
    mqtt::Packet publish = publish_packet(2, 7, "ciel", "bonjour");
    net.send_raw(raw, encoded(publish, Version::V311));
    publish.dup = true;
    net.send_raw(raw, encoded(publish, Version::V311));
    net.send_raw(raw, encoded(simple_packet(mqtt::PacketType::Pubrel, 7), Version::V311));

    CHECK(net.wire(raw) == Lines{"> CONNECT 'mqttx'", "< CONNACK sp0 rc0", "> PUBLISH d0 q2 r0 m7 'ciel' 'bonjour'",
                                 "< PUBREC m7", "> PUBLISH d1 q2 r0 m7 'ciel' 'bonjour'", "< PUBREC m7",
                                 "> PUBREL m7", "< PUBCOMP m7"});
    CHECK(events_of<lab::MessageReceived>(net.events(sub)).size() == 1);
    // A PUBREL again (after a reconnection, say) still gets its PUBCOMP, and delivers nothing.
    net.send_raw(raw, encoded(simple_packet(mqtt::PacketType::Pubrel, 7), Version::V311));
    CHECK(net.wire(raw).back() == "< PUBCOMP m7");
    CHECK(events_of<lab::MessageReceived>(net.events(sub)).size() == 1);
}

TEST_CASE("A retained message is kept, given to new subscribers with the retain flag, and cleared",
          "[lab][engine]") {
    LabNet net;
    const std::size_t old_sub = net.add_client(client_options("old"));
    net.client(old_sub).subscribe(net.now, {filter("maison/salon/temperature", 1)});
    const std::size_t pub = net.add_client(client_options("pub"));
    net.client(pub).publish(net.now, "maison/salon/temperature", "19", 1, true);
    net.settle();
    CHECK(net.broker.retained_count() == 1);
    // A subscriber already there gets it as a live message: retain flag 0 [MQTT-3.3.1-9].
    CHECK(net.wire_of(old_sub).back() == "> PUBACK m1");
    CHECK(net.wire_of(old_sub).at(4) == "< PUBLISH d0 q1 r0 m1 'maison/salon/temperature' '19'");

    const std::size_t late = net.add_client(client_options("late"));
    net.client(late).subscribe(net.now, {filter("maison/+/temperature", 0)});
    net.settle();
    CHECK(net.take_wire_of(late) == Lines{"> CONNECT 'late'", "< CONNACK sp0 rc0", "> SUBSCRIBE m1 maison/+/temperature:0",
                                          "< SUBACK m1 0", "< PUBLISH d0 q0 r1 m0 'maison/salon/temperature' '19'"});
    CHECK(log_from(net, "Received SUBSCRIBE from late", 5) ==
          Lines{"Received SUBSCRIBE from late", "\tmaison/+/temperature (QoS 0)", "late 0 maison/+/temperature",
                "Sending SUBACK to late",
                "Sending PUBLISH to late (d0, q0, r1, m0, 'maison/salon/temperature', ... (2 bytes))"});

    net.client(pub).publish(net.now, "maison/salon/temperature", "", 0, true);
    net.settle();
    CHECK(net.broker.retained_count() == 0);
    const std::size_t later = net.add_client(client_options("later"));
    net.client(later).subscribe(net.now, {filter("maison/#", 0)});
    net.settle();
    CHECK(net.wire_of(later).back() == "< SUBACK m1 0");
}

TEST_CASE("Wildcards on the maison tree match as the lab teaches, $SYS apart", "[lab][engine]") {
    LabNet net;
    const std::size_t all = net.add_client(client_options("all"));
    const std::size_t temperatures = net.add_client(client_options("temperatures"));
    const std::size_t salon = net.add_client(client_options("salon"));
    const std::size_t everything = net.add_client(client_options("everything"));
    net.client(all).subscribe(net.now, {filter("maison/#", 0)});
    net.client(temperatures).subscribe(net.now, {filter("maison/+/temperature", 0)});
    net.client(salon).subscribe(net.now, {filter("maison/salon/#", 0)});
    net.client(everything).subscribe(net.now, {filter("#", 0)});
    const std::size_t pub = net.add_client(client_options("pub"));
    net.client(pub).publish(net.now, "maison/salon/temperature", "21", 0);
    net.client(pub).publish(net.now, "maison/chambre_1/humidite", "40", 0);
    net.client(pub).publish(net.now, "maison", "ok", 0);
    net.client(pub).publish(net.now, "$SYS/broker/uptime", "12", 0);
    net.settle();

    const auto topics = [&](std::size_t i) {
        Lines out;
        for (const auto& m : events_of<lab::MessageReceived>(net.events(i))) out.push_back(m.message.topic);
        return out;
    };
    CHECK(topics(all) == Lines{"maison/salon/temperature", "maison/chambre_1/humidite", "maison"});
    CHECK(topics(temperatures) == Lines{"maison/salon/temperature"});
    CHECK(topics(salon) == Lines{"maison/salon/temperature"});
    CHECK(topics(everything) == Lines{"maison/salon/temperature", "maison/chambre_1/humidite", "maison"});
    // mosquitto's order: its topic tree walked exact level, then '+', then '#'.
    CHECK(log_from(net, "Received PUBLISH from pub (d0, q0, r0, m0, 'maison/salon/temperature'", 12) ==
          Lines{"Received PUBLISH from pub (d0, q0, r0, m0, 'maison/salon/temperature', ... (2 bytes))",
                "Sending PUBLISH to salon (d0, q0, r0, m0, 'maison/salon/temperature', ... (2 bytes))",
                "Sending PUBLISH to temperatures (d0, q0, r0, m0, 'maison/salon/temperature', ... (2 bytes))",
                "Sending PUBLISH to all (d0, q0, r0, m0, 'maison/salon/temperature', ... (2 bytes))",
                "Sending PUBLISH to everything (d0, q0, r0, m0, 'maison/salon/temperature', ... (2 bytes))",
                "Received PUBLISH from pub (d0, q0, r0, m0, 'maison/chambre_1/humidite', ... (2 bytes))",
                "Sending PUBLISH to all (d0, q0, r0, m0, 'maison/chambre_1/humidite', ... (2 bytes))",
                "Sending PUBLISH to everything (d0, q0, r0, m0, 'maison/chambre_1/humidite', ... (2 bytes))",
                "Received PUBLISH from pub (d0, q0, r0, m0, 'maison', ... (2 bytes))",
                "Sending PUBLISH to all (d0, q0, r0, m0, 'maison', ... (2 bytes))",
                "Sending PUBLISH to everything (d0, q0, r0, m0, 'maison', ... (2 bytes))",
                "Received PUBLISH from pub (d0, q0, r0, m0, '$SYS/broker/uptime', ... (2 bytes))"});
}

TEST_CASE("Overlapping subscriptions: a 3.x client gets a message once, a 5.0 client once per subscription",
          "[lab][engine]") {
    LabNet net;
    const std::size_t v3 = net.add_client(client_options("v3"));
    const std::size_t v5 = net.add_client(client_options("v5", Version::V5));
    // The first subscription mosquitto visits wins: "m/+/t" comes before "m/#".
    net.client(v3).subscribe(net.now, {filter("m/#", 2), filter("m/+/t", 0)});
    net.client(v5).subscribe(net.now, {filter("m/#", 1)}, {lab::prop::numeric(lab::prop::kSubscriptionIdentifier, 5)});
    net.client(v5).subscribe(net.now, {filter("m/+/t", 1)}, {lab::prop::numeric(lab::prop::kSubscriptionIdentifier, 7)});
    const std::size_t pub = net.add_client(client_options("pub"));
    net.client(pub).publish(net.now, "m/s/t", "v", 2);
    net.settle();

    const auto v3_messages = events_of<lab::MessageReceived>(net.events(v3));
    REQUIRE(v3_messages.size() == 1);
    CHECK(v3_messages[0].message.qos == 0);
    const auto v5_messages = events_of<lab::MessageReceived>(net.events(v5));
    REQUIRE(v5_messages.size() == 2);
    CHECK(lab::prop::number(v5_messages[0].message.properties, lab::prop::kSubscriptionIdentifier) == 7u);
    CHECK(lab::prop::number(v5_messages[1].message.properties, lab::prop::kSubscriptionIdentifier) == 5u);
}

TEST_CASE("A persistent session keeps subscriptions and queues QoS 1 while the client is away", "[lab][engine]") {
    LabNet net;
    lab::ClientOptions persistent = client_options("pers");
    persistent.clean_start = false;
    const std::size_t first = net.add_client(persistent);
    net.client(first).subscribe(net.now, {filter("q/#", 2)});
    net.settle();
    net.client(first).disconnect(net.now);
    net.settle();
    CHECK(net.broker.session_count() == 1);

    const std::size_t pub = net.add_client(client_options("pub", Version::V5));
    net.client(pub).publish(net.now, "q/1", "offline", 1);
    net.client(pub).publish(net.now, "q/2", "dropped at QoS 0", 0);
    net.settle();
    CHECK(net.wire_of(pub).back() == "< PUBACK m1");  // a subscriber away still counts (no rc16)

    const std::size_t again = net.add_client(persistent);
    CHECK(net.wire_of(again) ==
          Lines{"> CONNECT 'pers'", "< CONNACK sp1 rc0", "< PUBLISH d0 q1 r0 m1 'q/1' 'offline'", "> PUBACK m1"});
    CHECK(events_of<lab::Connected>(net.events(again)).at(0).session_present);
    CHECK(log_has(net, "Sending CONNACK to pers (1, 0)"));

    // A clean session starts empty and leaves nothing behind.
    net.client(again).disconnect(net.now);
    net.settle();
    const std::size_t clean = net.add_client(client_options("pers"));
    CHECK(net.wire_of(clean).at(1) == "< CONNACK sp0 rc0");
    net.client(clean).disconnect(net.now);
    net.settle();
    CHECK(net.broker.session_count() == 1);  // "pub" only
}

TEST_CASE("Messages in flight when a persistent client left are sent again with DUP", "[lab][engine]") {
    LabNet net;
    lab::ClientOptions careless = client_options("pers");
    careless.clean_start = false;
    careless.faults.no_puback = true;
    const std::size_t first = net.add_client(careless);
    net.client(first).subscribe(net.now, {filter("q/#", 1)});
    const std::size_t pub = net.add_client(client_options("pub"));
    net.client(pub).publish(net.now, "q/1", "first", 1);
    net.settle();
    net.client(first).disconnect(net.now);
    net.settle();
    net.client(pub).publish(net.now, "q/2", "second", 1);
    net.settle();

    lab::ClientOptions back = careless;
    back.faults = {};
    const std::size_t again = net.add_client(back);
    CHECK(net.wire_of(again) == Lines{"> CONNECT 'pers'", "< CONNACK sp1 rc0", "< PUBLISH d1 q1 r0 m1 'q/1' 'first'",
                                      "< PUBLISH d0 q1 r0 m2 'q/2' 'second'", "> PUBACK m1", "> PUBACK m2"});
}

TEST_CASE("The offline queue is bounded by max_queued_messages", "[lab][engine]") {
    lab::BrokerOptions options = open_broker();
    options.limits.max_queued_messages = 2;
    LabNet net(options);
    lab::ClientOptions persistent = client_options("pers");
    persistent.clean_start = false;
    const std::size_t away = net.add_client(persistent);
    net.client(away).subscribe(net.now, {filter("q", 1)});
    net.settle();
    net.client(away).disconnect(net.now);
    const std::size_t pub = net.add_client(client_options("pub"));
    for (const char* payload : {"1", "2", "3", "4"}) net.client(pub).publish(net.now, "q", payload, 1);
    net.settle();
    CHECK(log_has(net, "Outgoing messages are being dropped for client pers."));
    const std::size_t back = net.add_client(persistent);
    const auto received = events_of<lab::MessageReceived>(net.events(back));
    REQUIRE(received.size() == 2);
    CHECK(received[1].message.payload == "2");
}

TEST_CASE("A 5.0 session lasts its expiry interval after the connection", "[lab][engine]") {
    LabNet net;
    lab::ClientOptions options = client_options("mqttx", Version::V5);
    options.clean_start = false;
    options.session_expiry = 30;
    const std::size_t c = net.add_client(options);
    net.client(c).subscribe(net.now, {filter("ciel", 1)});
    net.settle();
    net.client(c).disconnect(net.now);
    net.settle();
    CHECK(net.broker.next_deadline() == lab_time(30'000));
    net.advance_to(lab_time(29'999));
    CHECK(net.broker.session_count() == 1);
    net.advance_to(lab_time(30'000));
    CHECK(net.broker.session_count() == 0);
}

TEST_CASE("A will is published when the client vanishes, not after its DISCONNECT", "[lab][engine]") {
    LabNet net;
    const std::size_t watcher = net.add_client(client_options("watcher"));
    net.client(watcher).subscribe(net.now, {filter("etat/#", 1)});
    net.settle();
    lab::ClientOptions with_will = client_options("capteur");
    with_will.will = mqtt::Will{1, false, {}, "etat/capteur", "perdu"};
    const std::size_t vanishing = net.add_client(with_will);
    net.client(vanishing).peer_closed();  // its socket fails: no DISCONNECT
    net.settle();
    CHECK(log_from(net, "Will message specified", 6) ==
          Lines{"Will message specified (5 bytes) (r0, q1).", "\tetat/capteur", "Sending CONNACK to capteur (0, 0)",
                "Client capteur closed its connection.",
                "Sending PUBLISH to watcher (d0, q1, r0, m1, 'etat/capteur', ... (5 bytes))",
                "Received PUBACK from watcher (Mid: 1, RC:0)"});

    const std::size_t polite = net.add_client(with_will);
    net.client(polite).disconnect(net.now);
    net.settle();
    CHECK(events_of<lab::MessageReceived>(net.events(watcher)).size() == 1);
    CHECK(log_has(net, "Client capteur disconnected."));

    // 5.0 can ask for its will with DISCONNECT 0x04.
    lab::ClientOptions v5_will = with_will;
    v5_will.version = Version::V5;
    const std::size_t leaving = net.add_client(v5_will);
    net.client(leaving).disconnect(net.now, lab::reason::kDisconnectWithWill);
    net.settle();
    CHECK(events_of<lab::MessageReceived>(net.events(watcher)).size() == 2);
}

TEST_CASE("The broker cuts a silent client after 1.5 keep alive periods, counted in whole seconds",
          "[lab][engine]") {
    LabNet net;
    const std::size_t watcher = net.add_client(client_options("watcher"));
    net.client(watcher).subscribe(net.now, {filter("etat", 0)});
    net.settle();
    net.now = lab_time(700);
    lab::ClientOptions silent = client_options("silent");
    silent.keepalive = 10;
    silent.faults.no_pings = true;
    silent.will = mqtt::Will{0, false, {}, "etat", "silent is gone"};
    const std::size_t c = net.add_client(silent);
    // CONNECT at 0.7 s, in second 0: cut at the first second S with S - 0 > 15.
    REQUIRE(net.broker.next_deadline() == lab_time(16'000));
    net.advance_to(lab_time(15'999));
    CHECK(net.open(net.connection(c)));
    net.advance_to(lab_time(16'000));
    CHECK_FALSE(net.open(net.connection(c)));
    CHECK(net.log.at(net.log.size() - 2) == fmt::format("{}: Client silent has exceeded timeout, disconnecting.",
                                                        kLabEpoch + 16));
    CHECK(events_of<lab::MessageReceived>(net.events(watcher)).size() == 1);
    CHECK(events_of<lab::Disconnected>(net.events(c)).at(0).cause == lab::DisconnectCause::PeerClosed);

    // Any packet restarts the count: a PINGREQ at 5.3 s moves the cut to 5 + 15 + 1.
    const std::size_t pinging = net.add_client(silent);
    net.advance_to(lab_time(21'300));
    net.client(pinging).ping(net.now);
    net.settle();
    CHECK(net.broker.next_deadline() == lab_time(21'000 + 16'000));
}

TEST_CASE("A connection that never sends CONNECT is cut as if its keep alive were 60 s", "[lab][engine]") {
    LabNet net;
    const lab::ConnectionId idle = net.open_raw();
    CHECK(net.broker.next_deadline() == lab_time(91'000));  // mosquitto's default keep alive (src/context.c)
    net.advance_to(lab_time(91'000));
    CHECK_FALSE(net.open(idle));
    CHECK(net.log.back() == fmt::format("{}: Client <unknown> has exceeded timeout, disconnecting.", kLabEpoch + 91));
}

TEST_CASE("A second connection with the same client id takes the session over", "[lab][engine]") {
    LabNet net;
    const std::size_t first = net.add_client(client_options("dup", Version::V5));
    const std::size_t second = net.add_client(client_options("dup", Version::V5));
    CHECK_FALSE(net.open(net.connection(first)));
    CHECK(net.wire_of(first) == Lines{"> CONNECT 'dup'", "< CONNACK sp0 rc0"});  // closed without DISCONNECT
    CHECK(net.wire_of(second) == Lines{"> CONNECT 'dup'", "< CONNACK sp0 rc0"});
    CHECK(log_from(net, "already connected", 4) ==
          Lines{"Client dup already connected, closing old connection.",
                "New client connected from 127.0.0.1:40002 as dup (p5, c1, k60).", "No will message specified.",
                "Sending CONNACK to dup (0, 0)"});
    CHECK(net.broker.connection_count() == 1);
}

TEST_CASE("5.0 topic aliases from a client are resolved for subscribers", "[lab][engine]") {
    LabNet net;
    const std::size_t v3 = net.add_client(client_options("v3"));
    net.client(v3).subscribe(net.now, {filter("maison/#", 0)});
    lab::ClientOptions aliasing = client_options("mqttx", Version::V5);
    aliasing.use_topic_aliases = true;
    const std::size_t pub = net.add_client(aliasing);
    net.client(pub).publish(net.now, "maison/salon/temperature", "20", 0);
    net.client(pub).publish(net.now, "maison/salon/temperature", "21", 0);
    net.settle();
    CHECK(net.wire_of(pub) == Lines{"> CONNECT 'mqttx'", "< CONNACK sp0 rc0",
                                    "> PUBLISH d0 q0 r0 m0 'maison/salon/temperature' '20'",
                                    "> PUBLISH d0 q0 r0 m0 '' '21'"});
    const auto messages = events_of<lab::MessageReceived>(net.events(v3));
    REQUIRE(messages.size() == 2);
    CHECK(messages[1].message.topic == "maison/salon/temperature");
    CHECK(log_has(net, "Received PUBLISH from mqttx (d0, q0, r0, m0, 'maison/salon/temperature', ... (2 bytes))"));

    // Past the broker's Topic Alias Maximum (10), or never set: DISCONNECT 0x94, 0x82.
    const lab::ConnectionId raw = net.open_raw();
    net.send_raw(raw, raw_connect(Version::V5, "bad"));
    mqtt::Packet aliased = publish_packet(0, 0, "", "z");
    aliased.properties.push_back(lab::prop::numeric(lab::prop::kTopicAlias, 11));
    net.send_raw(raw, encoded(aliased, Version::V5));
    CHECK(net.wire(raw).back() == "< DISCONNECT rc148");
    const lab::ConnectionId unknown = net.open_raw();
    net.send_raw(unknown, raw_connect(Version::V5, "unknown"));
    aliased.properties.back().number = 3;
    net.send_raw(unknown, encoded(aliased, Version::V5));
    CHECK(net.wire(unknown).back() == "< DISCONNECT rc130");
    CHECK_FALSE(net.open(unknown));
}

TEST_CASE("5.0 user properties reach 5.0 subscribers; a PUBACK says when nobody was there", "[lab][engine]") {
    LabNet net;
    const std::size_t v5 = net.add_client(client_options("v5", Version::V5));
    net.client(v5).subscribe(net.now, {filter("ciel", 1)});
    const std::size_t v3 = net.add_client(client_options("v3"));
    net.client(v3).subscribe(net.now, {filter("ciel", 1)});
    const std::size_t pub = net.add_client(client_options("pub", Version::V5));
    mqtt::Property user;
    user.id = lab::prop::kUserProperty;
    user.kind = mqtt::PropertyKind::Utf8Pair;
    user.text = "salle";
    user.value = "B204";
    net.client(pub).publish(net.now, "ciel", "x", 1, false, {user});
    net.client(pub).publish(net.now, "personne", "y", 1);
    net.settle();

    const auto got5 = events_of<lab::MessageReceived>(net.events(v5));
    REQUIRE(got5.size() == 1);
    CHECK(got5[0].message.properties == std::vector<mqtt::Property>{user});
    CHECK(events_of<lab::MessageReceived>(net.events(v3)).at(0).message.properties.empty());
    CHECK(net.wire_of(pub).back() == "< PUBACK m2 rc16");
    CHECK(log_has(net, "Sending PUBACK to pub (m2, rc16)"));
}

TEST_CASE("5.0 CONNACK carries mosquitto's properties; UNSUBACK says which filters existed", "[lab][engine]") {
    LabNet net;
    const std::size_t c = net.add_client(client_options("c", Version::V5));
    const auto connected = events_of<lab::Connected>(net.events(c)).at(0);
    CHECK(connected.properties ==
          std::vector<mqtt::Property>{lab::prop::numeric(lab::prop::kTopicAliasMaximum, 10),
                                      lab::prop::numeric(lab::prop::kReceiveMaximum, 20)});
    net.client(c).subscribe(net.now, {filter("a/b", 1)});
    net.client(c).unsubscribe(net.now, {"a/b", "c/d"});
    net.settle();
    CHECK(net.wire_of(c).back() == "< UNSUBACK m2 0 17");
    CHECK(log_from(net, "Received UNSUBSCRIBE from c", 6) ==
          Lines{"Received UNSUBSCRIBE from c", "\ta/b", "c a/b", "\tc/d", "c c/d", "Sending UNSUBACK to c"});
}

TEST_CASE("A 3.x subscriber gets at most max_inflight_messages unacknowledged", "[lab][engine]") {
    lab::BrokerOptions options = open_broker();
    options.limits.max_inflight_messages = 2;
    LabNet net(options);
    lab::ClientOptions slow = client_options("slow");
    slow.faults.no_puback = true;
    const std::size_t sub = net.add_client(slow);
    net.client(sub).subscribe(net.now, {filter("q", 1)});
    const std::size_t pub = net.add_client(client_options("pub"));
    for (const char* payload : {"1", "2", "3"}) net.client(pub).publish(net.now, "q", payload, 1);
    net.settle();
    CHECK(events_of<lab::MessageReceived>(net.events(sub)).size() == 2);
    // The PUBACK it owes lets the third go.
    net.send_raw(net.connection(sub), encoded(simple_packet(mqtt::PacketType::Puback, 1), Version::V311));
    CHECK(net.wire_of(sub).back() == "< PUBLISH d0 q1 r0 m3 'q' '3'");
}

TEST_CASE("Malformed input and protocol errors close the connection", "[lab][engine]") {
    LabNet net;
    SECTION("a remaining length of five bytes; 5.0 is told why") {
        const lab::ConnectionId raw = net.open_raw();
        net.send_raw(raw, raw_connect(Version::V5, "x"));
        net.send_raw(raw, std::string("\x30\xff\xff\xff\xff\x01", 6));
        CHECK(net.wire(raw).back() == "< DISCONNECT rc129");
        CHECK_FALSE(net.open(raw));
        CHECK(net.log.back() == fmt::format("{}: Client x disconnected due to malformed packet.", kLabEpoch));
    }
    SECTION("a PUBLISH at QoS 3") {
        const lab::ConnectionId raw = net.open_raw();
        net.send_raw(raw, raw_connect(Version::V311, "x"));
        net.send_raw(raw, std::string("\x36\x03\x00\x01\x61", 5));
        CHECK_FALSE(net.open(raw));
        CHECK(net.log.back() == fmt::format("{}: Client x disconnected due to malformed packet.", kLabEpoch));
    }
    SECTION("a packet before CONNECT") {
        const lab::ConnectionId raw = net.open_raw();
        net.send_raw(raw, std::string("\xc0\x00", 2));
        CHECK_FALSE(net.open(raw));
        CHECK(net.log.back() == fmt::format("{}: Client <unknown> disconnected due to protocol error.", kLabEpoch));
    }
    SECTION("a second CONNECT") {
        const lab::ConnectionId raw = net.open_raw();
        net.send_raw(raw, raw_connect(Version::V311, "x") + raw_connect(Version::V311, "x"));
        CHECK_FALSE(net.open(raw));
        CHECK(log_has(net, "Bad client x sending multiple CONNECT messages."));
    }
    SECTION("a SUBSCRIBE with a bad filter") {
        const lab::ConnectionId raw = net.open_raw();
        net.send_raw(raw, raw_connect(Version::V311, "x"));
        mqtt::Packet subscribe = simple_packet(mqtt::PacketType::Subscribe, 1);
        subscribe.subscriptions.push_back(filter("a/#/b", 0));
        net.send_raw(raw, encoded(subscribe, Version::V311));
        CHECK_FALSE(net.open(raw));
        CHECK(log_has(net, "Invalid subscription string from 127.0.0.1, disconnecting."));
    }
    SECTION("a packet over the size limit") {
        lab::BrokerOptions small = open_broker();
        small.limits.max_packet_size = 64;
        LabNet limited(small);
        const lab::ConnectionId raw = limited.open_raw();
        limited.send_raw(raw, raw_connect(Version::V5, "x"));
        limited.send_raw(raw, encoded(publish_packet(0, 0, "big", std::string(100, 'x')), Version::V5));
        CHECK(limited.wire(raw).back() == "< DISCONNECT rc149");
        CHECK(limited.log.back() == fmt::format("{}: Client x disconnected due to oversize packet.", kLabEpoch));
    }
    SECTION("the bytes of a session cut anywhere give the same packets") {
        const lab::ConnectionId raw = net.open_raw();
        const std::string all = raw_connect(Version::V311, "x") +
                                encoded(publish_packet(1, 3, "a", "b"), Version::V311) +
                                encoded(simple_packet(mqtt::PacketType::Pingreq), Version::V311);
        for (char byte : all) net.send_raw(raw, std::string(1, byte));
        CHECK(net.wire(raw).back() == "< PINGRESP");
        CHECK(net.open(raw));
    }
}

TEST_CASE("Damaged sessions end their connection and never the broker or the client", "[lab][engine]") {
    // A valid conversation with bytes changed at random, to the broker and to a client.
    const std::string client_bytes = raw_connect(Version::V5, "fuzz") +
                                     encoded(publish_packet(2, 9, "a/b", "payload"), Version::V5) +
                                     encoded(simple_packet(mqtt::PacketType::Pubrel, 9), Version::V5);
    lab::net::Prng random(2024);
    for (int round = 0; round < 150; ++round) {
        std::string damaged = client_bytes;
        for (int flips = 0; flips < 3; ++flips)
            damaged[random.between(0, damaged.size() - 1)] = static_cast<char>(random.next() & 0xff);
        LabNet net;
        const std::size_t sub = net.add_client(client_options("sub", Version::V5));
        net.client(sub).subscribe(net.now, {filter("#", 2)});
        const lab::ConnectionId raw = net.open_raw();
        net.send_raw(raw, damaged);
        net.advance_to(lab_time(200'000));
        CHECK(net.open(net.connection(sub)));
        lab::Client client(client_options("x", Version::V5));
        client.start(lab_time(0));
        client.receive(bytes_of(damaged), lab_time(1));
    }
}

TEST_CASE("The broker refuses connections past max_connections", "[lab][engine]") {
    lab::BrokerOptions options = open_broker();
    options.limits.max_connections = 1;
    lab::Broker broker(options);
    CHECK(broker.accept(1, lab_time(0), {"10.0.0.1", 40000, 1883}));
    CHECK_FALSE(broker.accept(2, lab_time(0), {"10.0.0.2", 40000, 1883}));
    CHECK_FALSE(broker.accept(1, lab_time(0), {"10.0.0.1", 40001, 1883}));
    CHECK(broker.take_actions() == std::vector<lab::Action>{{lab::Action::Kind::Close, 2, {}}});
    CHECK(broker.take_log().back().message == "Client connection from 10.0.0.2 denied: max_connections exceeded.");
}

TEST_CASE("A new client past max_sessions is refused as the server unavailable", "[lab][engine]") {
    lab::BrokerOptions options = open_broker();
    options.limits.max_sessions = 1;
    LabNet net(options);
    net.add_client(client_options("first"));
    const std::size_t second = net.add_client(client_options("second", Version::V5));
    CHECK(net.wire_of(second) == Lines{"> CONNECT 'second'", "< CONNACK sp0 rc136"});
    CHECK(log_from(net, "Sending CONNACK to 127.0.0.1", 2) ==
          Lines{"Sending CONNACK to 127.0.0.1 (0, 136)", "Client <unknown> disconnected due to out of memory."});
}

TEST_CASE("The same scenario gives the same bytes and the same log", "[lab][engine]") {
    const auto run = [] {
        LabNet net;
        const std::size_t sub = net.add_client(client_options("", Version::V5));
        net.client(sub).subscribe(net.now, {filter("maison/#", 2)});
        const std::size_t pub = net.add_client(client_options("pub"));
        net.advance_to(lab_time(2'500));
        net.client(pub).publish(net.now, "maison/salon/temperature", "21", 2, true);
        net.advance_to(lab_time(65'000));
        Lines all = net.log;
        for (std::size_t i : {sub, pub}) all.insert(all.end(), net.wire_of(i).begin(), net.wire_of(i).end());
        return all;
    };
    CHECK(run() == run());
}
