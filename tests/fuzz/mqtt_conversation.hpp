#pragma once
// The input format of the stream fuzz targets: one connection as a script of
// chunks of both directions, and a settings byte saying how to dissect it.
// Each target reads the settings byte its own way; bit 7 is common to all:
// how the chunking law re-cuts the stream (random pieces, else bytes).
// fuzz_mqtt_stream's settings:
//
//   byte 0   the settings: bits 0-1 the default version (3.1, 3.1.1, 5.0, 3.1.1),
//            bits 2-3 the packet limit (64, 256, 1024, 4096), bits 4-5 the payload
//            cap (0, 5, 64, 65536), bit 6 roles from the ports (no direction check),
//            bit 7 how the chunking law re-cuts the stream (random pieces, else bytes)
//   steps    a control byte, whose low two bits say: 0 data to the server,
//            1 data to the client, 2 a gap (to the client when bit 2 is set),
//            3 the end (the rest of the input is ignored). Data and gaps then
//            have a length: one byte below 0x80, else 15 bits in two bytes (big
//            endian, the first with its top bit set). Data then has that many
//            bytes, or what is left of the input.
//
// The input ends the conversation where it ends too; an empty chunk or gap is
// not fed, as the TCP layer never delivers one.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mqscan/byte_reader.hpp"
#include "mqscan/connection.hpp"
#include "mqscan/mqtt.hpp"

namespace mqscan::fuzz {

// The choices of byte 0.
struct ConversationSettings {
    mqtt::Version default_version = mqtt::Version::V311;
    std::uint32_t max_packet = 4096;
    std::size_t payload_cap = 64;
    RoleSource roles = RoleSource::Syn;
    bool recut_randomly = false;  // else one byte at a time

    // These, and a topic alias limit of 2.
    [[nodiscard]] mqtt::MqttSettings mqtt() const;
};

struct Step {
    enum class Kind : std::uint8_t { Data, Gap } kind = Kind::Data;
    Direction dir = Direction::ToServer;
    Bytes data;                   // Data: a view of bytes kept elsewhere
    std::uint64_t gap_bytes = 0;  // Gap
};

struct Conversation {
    ConversationSettings settings;
    std::vector<Step> steps;
};

// Any target's input: its settings byte, and the steps, which refer to `input`.
struct Script {
    std::uint8_t settings = 0;
    std::vector<Step> steps;
};
Script read_script(Bytes input);

// Every input is an MQTT conversation: the steps refer to `input`.
Conversation read_conversation(Bytes input);

// The settings byte's bit 7: the chunking law re-cuts in random pieces, else in bytes.
[[nodiscard]] constexpr bool recut_randomly(std::uint8_t settings) { return (settings & 0x80) != 0; }

// Another chunking of the same conversation, for the chunking law: each
// direction's consecutive data joined and cut anew, a byte at a time or in
// pieces of 1 to 64 bytes drawn from `seed`; gaps stay where they are, so
// every piece stays between the same chunks of the other direction.
struct Recut {
    std::vector<std::vector<std::uint8_t>> runs;  // the joined data the steps refer to
    std::vector<Step> steps;
};
Recut recut(const std::vector<Step>& steps, bool randomly, std::uint32_t seed);

// FNV-1a of the input: a seed for recut that replays the same way.
[[nodiscard]] std::uint32_t fnv1a(Bytes bytes);

// Writes inputs in this format (the seed writers use it). `settings` must be
// one of the choices above; a raw settings byte serves the other targets.
class ConversationWriter {
public:
    explicit ConversationWriter(const ConversationSettings& settings);
    explicit ConversationWriter(std::uint8_t settings);

    // Longer data is written as several chunks.
    ConversationWriter& data(Direction dir, std::string_view bytes);
    // 1 to 32767 bytes.
    ConversationWriter& gap(Direction dir, std::size_t bytes);
    ConversationWriter& end();

    [[nodiscard]] const std::string& bytes() const { return out_; }

private:
    void length(std::size_t value);

    std::string out_;
};

}  // namespace mqscan::fuzz
