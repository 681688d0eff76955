// Writes the hand-made seeds of tests/fuzz/corpus/mqtt/: conversations in the
// input format of fuzz_mqtt_stream (mqtt_conversation.hpp), their packets
// encoded by the codec. Run by hand: make_mqtt_seeds OUTPUT_DIR
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "mqtt/codec.hpp"
#include "mqtt/properties.hpp"
#include "mqtt_conversation.hpp"

namespace {

using namespace mqscan;
using namespace mqscan::mqtt;
using fuzz::ConversationSettings;
using fuzz::ConversationWriter;

constexpr Direction kClient = Direction::ToServer;  // what the client sends
constexpr Direction kServer = Direction::ToClient;  // what the server sends

// --- Packets ------------------------------------------------------------------
// Properties are set whatever the version: encode_packet writes them in 5.0 only.

Property number(std::uint8_t id, PropertyKind kind, std::uint32_t value) {
    return Property{id, kind, value, {}, {}};
}

Property text(std::uint8_t id, PropertyKind kind, std::string value) {
    return Property{id, kind, 0, std::move(value), {}};
}

Property user_property(std::string name, std::string value) {
    return Property{38, PropertyKind::Utf8Pair, 0, std::move(name), std::move(value)};
}

Property topic_alias(std::uint16_t alias) {
    return number(kTopicAliasProperty, PropertyKind::TwoByte, alias);
}

Packet packet(PacketType type, std::optional<std::uint16_t> id = std::nullopt) {
    Packet p;
    p.type = type;
    p.packet_id = id;
    return p;
}

Packet acknowledgement(PacketType type, std::uint16_t id,
                       std::optional<std::uint8_t> reason = std::nullopt) {
    Packet p = packet(type, id);
    p.reason_code = reason;
    if (reason) p.properties = {text(31, PropertyKind::Utf8, "why")};
    return p;
}

// Small enough for the 64-byte limit.
Packet minimal_connect(Version v) {
    Packet p = packet(PacketType::Connect);
    p.protocol_name = v == Version::V31 ? "MQIsdp" : "MQTT";
    p.protocol_level = static_cast<std::uint8_t>(v);
    p.connect_flags = 0x02;
    p.client_id = "c";
    return p;
}

Packet connect(Version v) {
    Packet p = minimal_connect(v);
    p.connect_flags = 0xee;  // user name, password, will retain, will QoS 1, will, clean session
    p.keepalive = 60;
    p.properties = {number(17, PropertyKind::FourByte, 3600), number(33, PropertyKind::TwoByte, 20),
                    number(34, PropertyKind::TwoByte, 8), user_property("site", "lab")};
    p.client_id = "student-1";
    Will& will = p.will.emplace();
    will.qos = 1;
    will.retain = true;
    will.properties = {number(24, PropertyKind::FourByte, 5),
                       text(3, PropertyKind::Utf8, "text/plain")};
    will.topic = "status/student-1";
    will.payload = "offline";
    p.username = "alice";
    p.password = std::string("s3cr\0t", 6);
    return p;
}

Packet connack() {
    Packet p = packet(PacketType::Connack);
    p.session_present = true;
    p.reason_code = 0;
    p.properties = {text(18, PropertyKind::Utf8, "auto-42"), number(19, PropertyKind::TwoByte, 30),
                    number(34, PropertyKind::TwoByte, 2), number(36, PropertyKind::Byte, 1)};
    return p;
}

Packet publish(std::uint8_t qos, std::optional<std::uint16_t> id, std::string topic,
               std::string payload) {
    Packet p = packet(PacketType::Publish, id);
    p.qos = qos;
    p.topic = std::move(topic);
    p.payload = std::move(payload);
    return p;
}

Packet subscribe(Version v) {
    Packet p = packet(PacketType::Subscribe, 1);
    p.properties = {number(11, PropertyKind::VarInt, 300), user_property("k", "v")};
    // 5.0's options: retain handling 2, retain as published, no local, QoS 2.
    const std::uint8_t options = v == Version::V5 ? 0x2e : 0x02;
    p.subscriptions = {Subscription{"maison/+/temperature", 1, false, false, 0, 0x01},
                       Subscription{"ciel/#", 2, false, false, 0, options}};
    return p;
}

Packet suback() {
    Packet p = packet(PacketType::Suback, 1);
    p.reason_codes = {0x01, 0x80};
    return p;
}

Packet unsubscribe() {
    Packet p = packet(PacketType::Unsubscribe, 4);
    p.unsubscribe_filters = {"maison/+/temperature", "ciel/#"};
    return p;
}

Packet unsuback() {
    Packet p = packet(PacketType::Unsuback, 4);
    p.reason_codes = {0x00, 0x11};
    return p;
}

Packet auth(std::uint8_t reason) {
    Packet p = packet(PacketType::Auth);
    p.reason_code = reason;
    p.properties = {text(21, PropertyKind::Utf8, "SCRAM-SHA-1"),
                    text(22, PropertyKind::Binary, "\x01\x02")};
    return p;
}

Packet disconnect(std::optional<std::uint8_t> reason) {
    Packet p = packet(PacketType::Disconnect);
    p.reason_code = reason;
    if (reason) p.properties = {number(17, PropertyKind::FourByte, 0)};
    return p;
}

struct Sent {
    Direction dir;
    Packet packet;
};

// Every packet type the version has, in a plausible order, both directions.
std::vector<Sent> session(Version v) {
    Packet annotated = publish(1, 2, "maison/salon/temperature", "21.5");
    annotated.properties = {number(1, PropertyKind::Byte, 1),
                            number(2, PropertyKind::FourByte, 60),
                            text(3, PropertyKind::Utf8, "text/plain"),
                            text(8, PropertyKind::Utf8, "reply/here"),
                            text(9, PropertyKind::Binary, std::string("\x00\xff", 2)),
                            user_property("unit", "C")};
    Packet retained = publish(2, 3, "ciel", std::string(150, 'x'));
    retained.retain = true;
    Packet duplicate = publish(1, 7, "ciel/nuage", "again");
    duplicate.dup = true;
    std::vector<Sent> sent = {
        {kClient, connect(v)},
        {kServer, connack()},
        {kClient, subscribe(v)},
        {kServer, suback()},
        {kClient, publish(0, std::nullopt, "maison/salon/lumiere", "on")},
        {kClient, annotated},
        {kServer, acknowledgement(PacketType::Puback, 2, 0x10)},
        {kClient, retained},
        {kServer, acknowledgement(PacketType::Pubrec, 3)},
        {kClient, acknowledgement(PacketType::Pubrel, 3)},
        {kServer, acknowledgement(PacketType::Pubcomp, 3, 0x92)},
        {kServer, duplicate},
        {kClient, acknowledgement(PacketType::Puback, 7)},
        {kClient, unsubscribe()},
        {kServer, unsuback()},
        {kClient, packet(PacketType::Pingreq)},
        {kServer, packet(PacketType::Pingresp)},
    };
    if (v == Version::V5) {
        sent.push_back({kClient, auth(0x19)});
        sent.push_back({kServer, auth(0x18)});
        sent.push_back({kServer, disconnect(0x8e)});
    }
    sent.push_back(
        {kClient, disconnect(v == Version::V5 ? std::optional<std::uint8_t>(0x04) : std::nullopt)});
    return sent;
}

std::string stream_of(const std::vector<Sent>& sent, Direction dir, Version v) {
    std::string bytes;
    for (const Sent& s : sent)
        if (s.dir == dir) bytes += encode_packet(s.packet, v);
    return bytes;
}

// --- Conversations ------------------------------------------------------------

ConversationSettings settings(Version default_version, std::size_t payload_cap = 64,
                              std::uint32_t max_packet = 4096) {
    ConversationSettings s;
    s.default_version = default_version;
    s.payload_cap = payload_cap;
    s.max_packet = max_packet;
    return s;
}

// Each packet in a chunk of its own.
ConversationWriter packet_by_packet(ConversationWriter writer, const std::vector<Sent>& sent,
                                    Version v) {
    for (const Sent& s : sent) writer.data(s.dir, encode_packet(s.packet, v));
    return writer.end();
}

// Both directions cut into pieces of 1 to 21 bytes, taken in turn, so that
// packets and even fixed headers span chunks.
std::string split_session(Version v) {
    const std::vector<Sent> sent = session(v);
    const std::string client = stream_of(sent, kClient, v);
    const std::string server = stream_of(sent, kServer, v);
    ConversationSettings s = settings(Version::V311, 5);
    s.recut_randomly = true;
    ConversationWriter writer(s);
    const std::size_t sizes[] = {1, 2, 3, 5, 8, 13, 21};
    std::size_t at_client = 0;
    std::size_t at_server = 0;
    for (std::size_t turn = 0; at_client < client.size() || at_server < server.size(); ++turn) {
        const std::size_t size = sizes[turn % std::size(sizes)];
        writer.data(kClient, client.substr(std::min(at_client, client.size()), size));
        writer.data(kServer, server.substr(std::min(at_server, server.size()), size));
        at_client += size;
        at_server += size;
    }
    return writer.bytes();
}

// The capture starts after the CONNECT: the version is guessed from the
// packets, and the roles come from the ports.
std::string without_connect(Version v, Version default_version) {
    std::vector<Sent> sent = session(v);
    sent.erase(sent.begin());
    ConversationSettings s = settings(default_version, 65536);
    s.roles = RoleSource::Port;
    return packet_by_packet(ConversationWriter(s), sent, v).bytes();
}

// A gap inside a packet of known length, inside a fixed header, and at a
// packet boundary: the first loses one packet, the others resynchronise.
std::string gaps(Version v) {
    const std::string lost = encode_packet(publish(0, std::nullopt, "ciel", "0123456789"), v);
    const std::string after = encode_packet(publish(1, 5, "ciel", "after"), v);
    const std::string ping = encode_packet(packet(PacketType::Pingreq), v);
    const std::string acks =
        encode_packet(suback(), v) + encode_packet(packet(PacketType::Pingresp), v);
    ConversationWriter writer(settings(v));
    writer.data(kClient, encode_packet(connect(v), v) + lost.substr(0, 6));
    writer.gap(kClient, 4);
    writer.data(kClient, lost.substr(10) + after);
    writer.gap(kClient, 30);
    writer.data(kClient, after.substr(3) + ping + after + ping);
    writer.data(kServer, encode_packet(connack(), v) + acks.substr(0, 1));
    writer.gap(kServer, 3);
    writer.data(kServer, acks.substr(4) + acks);
    return writer.end().bytes();
}

// Packets over a 64-byte limit in both directions are skipped unbuffered,
// also across a gap inside them; a gap longer than their rest loses sync.
std::string oversized(Version v) {
    const std::string big =
        encode_packet(publish(0, std::nullopt, "ciel", std::string(200, 'b')), v);
    const std::string small = encode_packet(publish(0, std::nullopt, "ciel", "small"), v);
    Packet long_suback = suback();
    long_suback.reason_codes.assign(100, 0x01);
    const std::string big_ack = encode_packet(long_suback, v);
    ConversationWriter writer(settings(v, 5, 64));
    writer.data(kClient, encode_packet(minimal_connect(v), v));
    writer.data(kClient, big.substr(0, 2));
    writer.data(kClient, big.substr(2, 100));
    writer.gap(kClient, 50);
    writer.data(kClient, big.substr(152) + small);
    writer.data(kServer, big_ack.substr(0, 30));
    writer.gap(kServer, 200);
    writer.data(kServer, small + big_ack + small);
    return writer.end().bytes();
}

// Aliases set, used, unknown, zero and past the limit of two, per direction.
std::string topic_aliases() {
    const Version v = Version::V5;
    auto aliased = [](std::string topic, std::uint16_t alias, std::string payload) {
        Packet p = publish(0, std::nullopt, std::move(topic), std::move(payload));
        p.properties = {topic_alias(alias)};
        return p;
    };
    const std::vector<Sent> sent = {
        {kClient, connect(v)},
        {kServer, connack()},
        {kClient, aliased("maison/salon/temperature", 1, "20")},
        {kClient, aliased("", 1, "21")},
        {kClient, aliased("", 9, "unknown")},
        {kClient, aliased("zero", 0, "invalid")},
        {kClient, aliased("maison/cuisine", 2, "a")},
        {kClient, aliased("maison/garage", 3, "past the limit")},
        {kClient, aliased("", 3, "not remembered")},
        {kClient, aliased("maison/salle", 1, "alias 1 moved")},
        {kClient, aliased("", 1, "22")},
        {kServer, aliased("", 1, "other direction")},
        {kServer, aliased("ciel", 1, "server's own")},
        {kServer, aliased("", 1, "server 2")},
    };
    return packet_by_packet(ConversationWriter(settings(Version::V311, 5)), sent, v).bytes();
}

std::string raw(std::initializer_list<std::uint8_t> bytes) {
    return std::string(bytes.begin(), bytes.end());
}

// Damaged packets, each costing one packet, and a remaining length of five
// bytes that loses sync without a gap.
std::string malformed(Version v) {
    const std::string fine = encode_packet(publish(0, std::nullopt, "ciel", "fine"), v);
    std::string client = encode_packet(connect(v), v);
    client += raw({0x30, 0x04, 0x00, 0x09, 'a', 'b'});          // topic past the end
    client += raw({0x00, 0x00});                                // reserved type
    client += raw({0xf0, 0x02, 0x00, 0x00});                    // AUTH, reserved before 5.0
    client += raw({0xc3, 0x00});                                // PINGREQ with flags
    client += raw({0xc0, 0x80, 0x00});                          // overlong remaining length
    client += raw({0x40, 0x05, 0x00, 0x01, 0x00, 0x01, 0x02});  // trailing bytes (3.x)
    client += raw({0x32, 0x08, 0x00, 0x01, 't', 0x00, 0x01, 0x02, 0x63, 0x00});  // property 99
    client += raw({0x30, 0x05, 0x00, 0x01, 't', 0x09, 0x23});  // property length past the end (5.0)
    client += raw({0x36, 0x05, 0x00, 0x01, 't', 0x00, 0x00});  // QoS 3, packet id 0
    client += raw({0x82, 0x02, 0x00, 0x01});                   // SUBSCRIBE without a filter
    client += raw({0x20, 0x02, 0x00, 0x00});                   // CONNACK from the client
    client += fine;
    client += raw({0x30, 0xff, 0xff, 0xff, 0xff, 0x7f});  // remaining length of five bytes
    client += fine + fine;
    std::string server = encode_packet(connack(), v);
    server += raw({0x10, 0x02, 0x00, 0x00});               // CONNECT from the server
    server += encode_packet(disconnect(std::nullopt), v);  // DISCONNECT from the server (3.x)
    server += raw({0x20, 0x02, 0xfe, 0x00});               // CONNACK flags, no properties (5.0)
    server += fine;
    return ConversationWriter(settings(v))
        .data(kClient, client)
        .data(kServer, server)
        .end()
        .bytes();
}

// Streams that end inside a packet and inside a search for a boundary; what
// follows the end is ignored.
std::string cut_short(Version v) {
    const std::string fine = encode_packet(publish(1, 3, "ciel", "fine"), v);
    ConversationWriter writer(settings(v, 0, 256));
    writer.data(kClient, encode_packet(connect(v), v) + fine.substr(0, fine.size() - 1));
    writer.data(kServer, raw({0x90, 0xff, 0xff, 0xff, 0xff}) + fine + fine.substr(0, 3));
    writer.end();
    writer.data(kClient, fine);
    return writer.bytes();
}

void write_file(const std::filesystem::path& dir, const std::string& name,
                const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir(argv[1]);
    std::filesystem::create_directories(dir);
    const struct {
        Version version;
        const char* name;
        Version other;  // a wrong default, for the guess
    } versions[] = {{Version::V31, "v31", Version::V5},
                    {Version::V311, "v311", Version::V5},
                    {Version::V5, "v5", Version::V311}};
    for (const auto& [v, name, other] : versions) {
        const std::string prefix = std::string(name) + "-";
        write_file(dir, prefix + "session.bin",
                   packet_by_packet(ConversationWriter(settings(other)), session(v), v).bytes());
        write_file(dir, prefix + "session-split.bin", split_session(v));
        write_file(dir, prefix + "no-connect.bin", without_connect(v, other));
        write_file(dir, prefix + "gaps.bin", gaps(v));
        write_file(dir, prefix + "oversized.bin", oversized(v));
        write_file(dir, prefix + "malformed.bin", malformed(v));
        write_file(dir, prefix + "cut-short.bin", cut_short(v));
    }
    write_file(dir, "v5-topic-aliases.bin", topic_aliases());
    return 0;
}
