// The parts the lab's engines are made of: the QoS state machine, the stores,
// the keep alive rule, client ids, password files, the packet reader.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lab/engine/client_id_generator.hpp"
#include "lab/engine/message.hpp"
#include "lab/engine/keepalive.hpp"
#include "lab/engine/packet_reader.hpp"
#include "lab/engine/password_file.hpp"
#include "lab/engine/qos_session.hpp"
#include "lab/engine/retained_store.hpp"
#include "lab/engine/subscription_store.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/codec.hpp"
#include "mqtt_packets.hpp"

using namespace mqscan;
using namespace mqscan::lab;
using mqtt::PacketType;

namespace {

Message message(std::string topic, std::string payload = "x", std::uint8_t qos = 1) {
    return {std::move(topic), std::move(payload), qos, false, {}};
}

mqtt::Packet ack(PacketType type, std::uint16_t id) { return test::simple_packet(type, id); }

std::vector<std::string> topics(const std::vector<const Message*>& messages) {
    std::vector<std::string> out;
    for (const Message* m : messages) out.push_back(m->topic);
    return out;
}

std::vector<std::string> clients(const std::vector<const SubscriptionEntry*>& entries) {
    std::vector<std::string> out;
    for (const SubscriptionEntry* e : entries) out.push_back(e->client_id + " " + e->subscription.filter);
    return out;
}

SubscriptionEntry entry(std::string client, std::string filter, std::uint8_t qos = 0) {
    mqtt::Subscription s;
    s.filter = std::move(filter);
    s.qos = qos;
    return {std::move(client), s, std::nullopt};
}

}  // namespace

TEST_CASE("QosSession numbers packets, skipping 0 and those in use", "[lab][engine]") {
    QosSession session({3, 10, 10});
    const auto first = session.offer(message("t"), true);
    CHECK(first.outcome == QosSession::Offer::Outcome::Sent);
    CHECK(first.packet_id == std::optional<std::uint16_t>(1));
    CHECK(session.reserve_id() == std::optional<std::uint16_t>(2));
    CHECK(session.offer(message("t"), true).packet_id == std::optional<std::uint16_t>(3));
    bool all_given = true;
    for (int i = 0; i < 65532; ++i) {
        const auto id = session.reserve_id();
        all_given = all_given && id.has_value();
        if (id) session.release_id(*id);
    }
    REQUIRE(all_given);
    // After 65535 comes 1, in use: then 2, in use; then 3, in use; then 4.
    CHECK(session.reserve_id() == std::optional<std::uint16_t>(4));
}

TEST_CASE("QosSession holds messages past the window and drops past the queue", "[lab][engine]") {
    QosSession session({1, 1, 10});
    CHECK(session.offer(message("a"), true).outcome == QosSession::Offer::Outcome::Sent);
    const auto waiting = session.offer(message("b"), true);
    CHECK(waiting.outcome == QosSession::Offer::Outcome::Queued);
    CHECK(waiting.packet_id == std::optional<std::uint16_t>(2));  // numbered when queued, like mosquitto
    CHECK(session.offer(message("c"), true).outcome == QosSession::Offer::Outcome::Dropped);
    CHECK(session.offer(message("zero", "x", 0), false).outcome == QosSession::Offer::Outcome::Dropped);
    const auto acked = session.acknowledge(ack(PacketType::Puback, 1));
    CHECK(acked.completed);
    const auto next = session.send_queued();
    REQUIRE(next.size() == 1);
    CHECK(next[0].topic == "b");
    CHECK(next[0].packet_id == std::optional<std::uint16_t>(2));
}

TEST_CASE("QosSession queues while its bytes are below the budget, as mosquitto, and takes more once they went",
          "[lab][engine]") {
    QosLimits limits{1, 100, 10};
    limits.max_queued_bytes = 10;
    QosSession session(limits);
    CHECK(session.offer(message("a", std::string(50, 'x')), true).outcome == QosSession::Offer::Outcome::Sent);
    CHECK(session.offer(message("b", "123456"), true).outcome == QosSession::Offer::Outcome::Queued);  // 7
    CHECK(session.offer(message("c", "1234"), true).outcome == QosSession::Offer::Outcome::Queued);  // 7 < 10: 12
    CHECK(session.offer(message("d", "1"), true).outcome == QosSession::Offer::Outcome::Dropped);   // 12 >= 10
    CHECK(session.queued_bytes() == 12);
    session.acknowledge(ack(PacketType::Puback, 1));
    REQUIRE(session.send_queued().size() == 1);  // b, into the window
    CHECK(session.queued_bytes() == 5);
    CHECK(session.offer(message("e", "123456"), true).outcome == QosSession::Offer::Outcome::Queued);
    CHECK(session.queued_bytes() == 12);
}

TEST_CASE("A held message's bytes count its properties", "[lab][engine]") {
    Message m = message("t", "p");
    CHECK(held_bytes(m) == 2);
    m.properties.push_back(mqtt::property::text(mqtt::property::kUserProperty, std::string(1000, 'k')));
    CHECK(held_bytes(m) == 2 + sizeof(mqtt::Property) + 1000);
    QosLimits limits{1, 100, 10};
    limits.max_queued_bytes = 500;
    QosSession session(limits);
    session.offer(message("a"), true);  // in flight
    CHECK(session.offer(m, true).outcome == QosSession::Offer::Outcome::Queued);
    CHECK(session.offer(message("b"), true).outcome == QosSession::Offer::Outcome::Dropped);
}

TEST_CASE("QosSession resumes in the order first sent: PUBLISH with DUP, or PUBREL", "[lab][engine]") {
    QosSession session({10, 10, 10});
    session.offer(message("one", "1", 2), true);
    session.offer(message("two", "2", 1), true);
    CHECK(session.acknowledge(ack(PacketType::Pubrec, 1)).reply == ack(PacketType::Pubrel, 1));
    session.offer(message("three"), false);
    const auto again = session.resume();
    REQUIRE(again.size() == 3);
    CHECK(again[0] == ack(PacketType::Pubrel, 1));
    CHECK(again[1].dup);
    CHECK(again[1].topic == "two");
    CHECK_FALSE(again[2].dup);
    CHECK(again[2].topic == "three");
    // A PUBREC nobody waits for still gets its PUBREL; a stray PUBACK is unknown.
    const auto stray = session.acknowledge(ack(PacketType::Pubrec, 99));
    CHECK_FALSE(stray.known);
    CHECK(stray.reply == ack(PacketType::Pubrel, 99));
    CHECK_FALSE(session.acknowledge(ack(PacketType::Puback, 1)).known);  // 1 is QoS 2
    // A 5.0 PUBREC with a failure code ends the exchange without PUBREL.
    session.offer(message("four", "4", 2), true);
    mqtt::Packet refused = ack(PacketType::Pubrec, 4);
    refused.reason_code = 0x97;
    const auto failed = session.acknowledge(refused);
    CHECK(failed.completed);
    CHECK_FALSE(failed.reply);
}

TEST_CASE("QosSession keeps a received QoS 2 message until its PUBREL, once", "[lab][engine]") {
    QosSession session({10, 10, 1});
    CHECK(session.receive(5, message("a")) == QosSession::Arrival::Stored);
    CHECK(session.receive(5, message("a")) == QosSession::Arrival::Duplicate);
    CHECK(session.receive(6, message("b")) == QosSession::Arrival::Refused);
    CHECK(session.release(5) == message("a"));
    CHECK_FALSE(session.release(5));
}

TEST_CASE("Retained messages come in mosquitto's order and are cleared", "[lab][engine]") {
    RetainedStore store(10);
    store.store(message("maison/salon/temperature"));
    store.store(message("maison/chambre_1/temperature"));
    store.store(message("maison"));
    store.store(message("maison/salon"));
    store.store(message("$SYS/broker/uptime"));
    CHECK(store.size() == 5);
    CHECK(topics(store.matching("maison/#")) == std::vector<std::string>{"maison/salon", "maison/salon/temperature",
                                                                         "maison/chambre_1/temperature", "maison"});
    CHECK(topics(store.matching("#")) == std::vector<std::string>{"maison", "maison/salon", "maison/salon/temperature",
                                                                  "maison/chambre_1/temperature"});
    CHECK(topics(store.matching("maison/+/temperature")) ==
          std::vector<std::string>{"maison/salon/temperature", "maison/chambre_1/temperature"});
    CHECK(topics(store.matching("maison/+")) == std::vector<std::string>{"maison/salon"});
    CHECK(topics(store.matching("$SYS/#")) == std::vector<std::string>{"$SYS/broker/uptime"});
    CHECK(store.store(message("maison/salon", "")) == RetainedStore::Outcome::Cleared);
    CHECK(store.size() == 4);
    CHECK(topics(store.matching("maison/salon/#")) == std::vector<std::string>{"maison/salon/temperature"});
}

TEST_CASE("RetainedStore retains while its bytes are below the budget", "[lab][engine]") {
    RetainedStore store(100, 10);
    CHECK(store.store(message("a", "1234")) == RetainedStore::Outcome::Kept);   // 5 bytes
    CHECK(store.store(message("b", "12345")) == RetainedStore::Outcome::Kept);  // 5 < 10: 11
    CHECK(store.store(message("c", "1")) == RetainedStore::Outcome::Refused);   // 11 >= 10
    CHECK(store.matching("c").empty());
    CHECK(store.store(message("a", "123")) == RetainedStore::Outcome::Kept);  // replaces: 6 others < 10
    CHECK(store.bytes() == 10);
    CHECK(store.store(message("b", "1234567890")) == RetainedStore::Outcome::Kept);  // 4 others
    CHECK(store.bytes() == 15);
    CHECK(store.store(message("a", "12")) == RetainedStore::Outcome::Refused);  // 11 others >= 10
    CHECK(store.matching("a").front()->payload == "123");  // the earlier one stays
    CHECK(store.store(message("a", "")) == RetainedStore::Outcome::Cleared);
    CHECK(store.store(message("b", "")) == RetainedStore::Outcome::Cleared);
    CHECK(store.bytes() == 0);
}

TEST_CASE("The retained store refuses a new topic when full, not a new message for a kept one", "[lab][engine]") {
    RetainedStore store(1);
    CHECK(store.store(message("a", "1")) == RetainedStore::Outcome::Kept);
    CHECK(store.store(message("b", "1")) == RetainedStore::Outcome::Refused);
    CHECK(store.store(message("a", "2")) == RetainedStore::Outcome::Kept);
    CHECK(store.matching("a").at(0)->payload == "2");
    std::string deep = "l";
    for (std::size_t i = 0; i < RetainedStore::kMaxLevels; ++i) deep += "/l";
    CHECK(store.store(message("a", "")) == RetainedStore::Outcome::Cleared);
    CHECK(store.store(message(deep)) == RetainedStore::Outcome::Refused);
}

TEST_CASE("Subscriptions match in mosquitto's order and are replaced, not doubled", "[lab][engine]") {
    SubscriptionStore store(2);
    CHECK(store.add(entry("a", "maison/#")) == SubscriptionStore::Added::New);
    CHECK(store.add(entry("b", "#")) == SubscriptionStore::Added::New);
    CHECK(store.add(entry("c", "maison/+/temperature")) == SubscriptionStore::Added::New);
    CHECK(store.add(entry("d", "maison/salon/temperature")) == SubscriptionStore::Added::New);
    CHECK(store.add(entry("e", "maison/+/temperature")) == SubscriptionStore::Added::New);
    CHECK(store.add(entry("a", "maison/#", 2)) == SubscriptionStore::Added::Replaced);
    CHECK(store.add(entry("a", "x")) == SubscriptionStore::Added::New);
    CHECK(store.add(entry("a", "y")) == SubscriptionStore::Added::Refused);
    CHECK(clients(store.matching("maison/salon/temperature")) ==
          std::vector<std::string>{"d maison/salon/temperature", "c maison/+/temperature", "e maison/+/temperature",
                                   "a maison/#", "b #"});
    CHECK(store.matching("maison/salon/temperature")[3]->subscription.qos == 2);
    CHECK(clients(store.matching("$SYS/x")).empty());
    CHECK(store.remove("c", "maison/+/temperature"));
    CHECK_FALSE(store.remove("c", "maison/+/temperature"));
    store.remove_client("a");
    CHECK(store.count("a") == 0);
    CHECK(clients(store.matching("maison")) == std::vector<std::string>{"b #"});
}

TEST_CASE("The broker's keep alive deadline follows mosquitto's whole seconds", "[lab][engine]") {
    const auto seconds = [](double s) { return Timestamp{static_cast<std::int64_t>(s * 1e9)}; };
    CHECK(broker_keepalive_deadline(seconds(100.0), 60) == Timestamp::from_seconds(191));
    CHECK(broker_keepalive_deadline(seconds(100.9), 60) == Timestamp::from_seconds(191));
    CHECK(broker_keepalive_deadline(seconds(100.5), 5) == Timestamp::from_seconds(108));  // 5*3/2 = 7
    CHECK(broker_keepalive_deadline(seconds(100.5), 1) == Timestamp::from_seconds(102));
    CHECK_FALSE(broker_keepalive_deadline(seconds(100.5), 0));
}

TEST_CASE("Assigned client ids look like mosquitto's and follow the seed", "[lab][engine]") {
    ClientIdGenerator a(7, "auto-");
    ClientIdGenerator b(7, "auto-");
    ClientIdGenerator c(8, "auto-");
    const std::string id = a.next();
    CHECK(id == b.next());
    CHECK(id != c.next());
    CHECK(id != a.next());
    REQUIRE(id.size() == 41);
    for (std::size_t i = 5; i < id.size(); ++i) {
        const bool dash = i == 13 || i == 18 || i == 23 || i == 28;
        CHECK((dash ? id[i] == '-' : (std::isdigit(id[i]) || (id[i] >= 'A' && id[i] <= 'F'))));
    }
}

TEST_CASE("A password file gives user:password pairs and names its first bad line", "[lab][engine]") {
    const auto table = parse_password_file("# lab 2\r\n\nprof:se:cret\r\neleve:\n");
    REQUIRE(table);
    CHECK(*table == PasswordTable{{"prof", "se:cret"}, {"eleve", ""}});
    const auto bad = parse_password_file("prof:x\njustaname\n");
    REQUIRE_FALSE(bad);
    CHECK(bad.error() == "line 2: not \"user:password\"");
    CHECK_FALSE(parse_password_file("prof:$7$101$abc$def\n"));
}

TEST_CASE("The packet reader gives whole frames and stops at the first framing damage", "[lab][engine]") {
    const std::string ping = mqtt::encode_packet(test::simple_packet(PacketType::Pingreq), mqtt::Version::V311);
    const std::string publish = mqtt::encode_packet(test::publish_packet(0, 0, "t", "xyz"), mqtt::Version::V311);
    PacketReader reader(16);
    std::vector<Frame> frames;
    for (char byte : ping + publish) {
        auto got = reader.feed(test::bytes_of(std::string(1, byte)));
        frames.insert(frames.end(), got.begin(), got.end());
    }
    REQUIRE(frames.size() == 2);
    CHECK(parse_frame(frames[1], mqtt::Version::V311).packet.payload == "xyz");
    CHECK(reader.feed(test::bytes_of(std::string("\xc0\x11", 2))).empty());
    CHECK(reader.damage() == Violation::TooLarge);
    CHECK(reader.feed(test::bytes_of(ping)).empty());  // nothing more is read

    PacketReader broken(16);
    CHECK(broken.feed(test::bytes_of(ping + std::string("\x30\xff\xff\xff\xff", 5) + ping)).size() == 1);
    CHECK(broken.damage() == Violation::Malformed);
}
