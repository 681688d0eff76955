// Together the fixture tables cover what the specifications define: every
// packet type of each version, every property, every MQTT anomaly mqscan names.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "mqtt_fixture_tables.hpp"

using namespace mqscan;
using namespace mqscan::test;

namespace {

std::set<mqtt::PacketType> types_in(const std::vector<Fixture>& table) {
    std::set<mqtt::PacketType> types;
    for (const Fixture& f : table)
        if (f.expected) types.insert(f.expected->type);
    return types;
}

std::set<mqtt::PacketType> types_from(mqtt::PacketType first, mqtt::PacketType last) {
    std::set<mqtt::PacketType> types;
    for (auto t = static_cast<int>(first); t <= static_cast<int>(last); ++t)
        types.insert(static_cast<mqtt::PacketType>(t));
    return types;
}

// Raised where a connection is assigned a dissector, not by the MQTT dissector.
const std::set<std::string> kRaisedOutsideTheDissector = {"mqtt.cleartext_on_tls_port"};

}  // namespace

TEST_CASE("Every control packet type has a fixture in each version", "[mqtt][fixture][coverage]") {
    using mqtt::PacketType;
    // AUTH exists from 5.0 on [MQTT-2.1.2, Table 2-1].
    CHECK(types_in(v31_packet_fixtures()) == types_from(PacketType::Connect, PacketType::Disconnect));
    CHECK(types_in(v311_packet_fixtures()) == types_from(PacketType::Connect, PacketType::Disconnect));
    CHECK(types_in(v5_packet_fixtures()) == types_from(PacketType::Connect, PacketType::Auth));
}

TEST_CASE("Every MQTT 5.0 property has a fixture", "[mqtt][fixture][coverage]") {
    std::set<int> ids;
    for (const Fixture& f : property_fixtures()) {
        for (const mqtt::Property& p : f.expected->properties) ids.insert(p.id);
        if (f.expected->will) {
            for (const mqtt::Property& p : f.expected->will->properties) ids.insert(p.id);
        }
    }
    // [2.2.2.2] Table 2-4.
    const std::set<int> all = {1,  2,  3,  8,  9,  11, 17, 18, 19, 21, 22, 23, 24, 25,
                               26, 28, 31, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42};
    CHECK(ids == all);
}

TEST_CASE("Every anomaly the MQTT dissector raises has a fixture", "[mqtt][fixture][coverage]") {
    std::set<std::string> named;
    for (const auto* table : {&malformed_packet_fixtures(), &malformed_property_fixtures(),
                              &malformed_connection_fixtures(), &remaining_length_fixtures()}) {
        for (const Fixture& f : *table)
            for (AnomalyId id : f.anomalies) named.insert(std::string(describe(id).id));
    }
    std::set<std::string> catalogue;
    for (std::size_t i = 0; i < anomaly_kind_count(); ++i) {
        const std::string id(describe(static_cast<AnomalyId>(i)).id);
        if (id.starts_with("mqtt.") && kRaisedOutsideTheDissector.count(id) == 0) catalogue.insert(id);
    }
    CHECK(named == catalogue);
}
