#include "analysis_scenario_tshark.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "tshark_mqtt.hpp"
#include "tshark_process.hpp"

namespace {

constexpr unsigned kPublish = 3;
constexpr unsigned kPuback = 4;
constexpr unsigned kPubrec = 5;
constexpr unsigned kPubrel = 6;
constexpr unsigned kPubcomp = 7;

std::vector<std::string_view> split(std::string_view line, char separator) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const std::size_t end = line.find(separator, start);
        parts.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

// "1795360471.335752000" (tshark 4.0 writes 9 decimals): nanoseconds since the epoch.
std::int64_t epoch_ns(std::string_view text) {
    const std::size_t dot = text.find('.');
    const std::string_view seconds = text.substr(0, dot);
    std::string fraction(dot == std::string_view::npos ? "" : text.substr(dot + 1));
    if (fraction.size() > 9)
        throw std::runtime_error(fmt::format("time with more than ns: {}", text));
    fraction.resize(9, '0');
    return static_cast<std::int64_t>(parse_number(seconds)) * 1'000'000'000 +
           static_cast<std::int64_t>(parse_number(fraction));
}

std::vector<TsharkFrame> tshark_frames(const std::string& path) {
    std::vector<TsharkFrame> frames;
    run_tshark(
        "-n -r " + shell_quote(path) +
            " -T fields -E separator=/t -e frame.number -e frame.time_epoch -e tcp.stream"
            " -e tcp.srcport -e tcp.flags.fin -e tcp.flags.reset",
        [&](std::string_view line) {
            const auto parts = split(line, '\t');
            if (parts.size() != 6) throw std::runtime_error(fmt::format("tshark line '{}'", line));
            TsharkFrame frame;
            frame.number = parse_number(parts[0]);
            frame.time_ns = epoch_ns(parts[1]);
            frame.stream = parse_number(parts[2]);
            frame.src_port = static_cast<std::uint16_t>(parse_number(parts[3]));
            frame.fin = parts[4] == "1";
            frame.rst = parts[5] == "1";
            if (frame.number != frames.size() + 1)
                throw std::runtime_error(fmt::format("tshark skipped to frame {}", frame.number));
            frames.push_back(frame);
        });
    return frames;
}

}  // namespace

std::optional<std::string> TsharkPacket::field(std::string_view name) const {
    const auto found = std::ranges::find(fields, name, &MqttField::name);
    if (found == fields.end()) return std::nullopt;
    return found->value;
}

std::vector<std::string> TsharkPacket::fields_named(std::string_view name) const {
    std::vector<std::string> values;
    for (const MqttField& f : fields)
        if (f.name == name) values.push_back(f.value);
    return values;
}

std::uint64_t TsharkPacket::number(std::string_view name) const {
    const auto value = field(name);
    if (!value)
        throw std::runtime_error(fmt::format("no {} in the MQTT packet of frame {}", name, frame));
    return parse_number(*value);
}

const TsharkFrame& TsharkView::frame(std::uint64_t number) const {
    if (number == 0 || number > frames.size())
        throw std::out_of_range(fmt::format("no frame {} in tshark's view", number));
    return frames[number - 1];
}

std::vector<const TsharkPacket*> TsharkView::packets_of(unsigned type,
                                                        std::optional<std::uint64_t> stream,
                                                        std::optional<bool> to_broker) const {
    std::vector<const TsharkPacket*> found;
    for (const TsharkPacket& p : packets)
        if (p.type == type && (!stream || p.stream == *stream) &&
            (!to_broker || p.to_broker == *to_broker))
            found.push_back(&p);
    return found;
}

std::uint64_t TsharkView::stream_of_client(std::string_view client_id, std::size_t nth) const {
    std::vector<std::uint64_t> streams;
    for (const TsharkPacket* connect : packets_of(1))
        if (connect->field("client_id") == client_id) streams.push_back(connect->stream);
    if (nth >= streams.size())
        throw std::runtime_error(fmt::format("tshark shows {} CONNECT from '{}', not {}",
                                             streams.size(), client_id, nth + 1));
    return streams[nth];
}

std::uint64_t TsharkView::first_fin(std::uint64_t stream, bool from_client) const {
    // The broker's port is the one the CONNECT went to: the client's is the sender of a
    // packet to the broker; without MQTT, the first frame's sender (the SYN) is the client.
    std::uint16_t client_port = 0;
    for (const TsharkFrame& f : frames)
        if (f.stream == stream) {
            client_port = f.src_port;
            break;
        }
    for (const TsharkFrame& f : frames)
        if (f.stream == stream && f.fin && (f.src_port == client_port) == from_client)
            return f.number;
    return 0;
}

TsharkView tshark_view(const std::string& path, const std::vector<std::uint16_t>& broker_ports) {
    TsharkView view;
    view.frames = tshark_frames(path);
    const TsharkMqtt mqtt = tshark_mqtt_packets(path, broker_ports);
    for (const auto& [flow, packets] : mqtt.flows) {
        const bool to_broker =
            std::ranges::find(broker_ports, flow.sender_port) == broker_ports.end();
        for (const MqttFields& fields : packets) {
            TsharkPacket packet{fields.frame, flow.stream, to_broker, 0, fields.fields};
            packet.type = static_cast<unsigned>(packet.number("type"));
            view.packets.push_back(std::move(packet));
        }
    }
    std::ranges::stable_sort(view.packets, {}, &TsharkPacket::frame);
    if (!mqtt.cut_by_snaplen.empty() || !mqtt.unreassembled.empty())
        throw std::runtime_error("tshark could not decode every MQTT packet of " + path);
    return view;
}

std::vector<ExpectedQosFlow> expected_qos_flows(const TsharkView& view) {
    std::vector<ExpectedQosFlow> flows;
    for (std::size_t i = 0; i < view.packets.size(); ++i) {
        const TsharkPacket& publish = view.packets[i];
        if (publish.type != kPublish || publish.number("qos") == 0) continue;
        ExpectedQosFlow flow;
        flow.stream = publish.stream;
        flow.to_broker = publish.to_broker;
        flow.packet_id = static_cast<std::uint16_t>(publish.number("packet_id"));
        flow.qos = static_cast<unsigned>(publish.number("qos"));
        flow.topic = publish.field("topic").value_or("");
        flow.steps.emplace_back(kPublish, publish.frame);
        const std::vector<unsigned> acks = flow.qos == 1
                                               ? std::vector<unsigned>{kPuback}
                                               : std::vector<unsigned>{kPubrec, kPubrel, kPubcomp};
        std::size_t from = i + 1;
        for (const unsigned ack : acks) {
            // PUBREL goes the PUBLISH's way; PUBACK, PUBREC and PUBCOMP the other way.
            const bool ack_to_broker = ack == kPubrel ? flow.to_broker : !flow.to_broker;
            std::size_t j = from;
            for (; j < view.packets.size(); ++j) {
                const TsharkPacket& p = view.packets[j];
                if (p.type == ack && p.stream == flow.stream && p.to_broker == ack_to_broker &&
                    p.number("packet_id") == flow.packet_id)
                    break;
            }
            if (j == view.packets.size()) break;
            flow.steps.emplace_back(ack, view.packets[j].frame);
            from = j + 1;
        }
        flows.push_back(std::move(flow));
    }
    return flows;
}
