#include "report/text_delivery.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "analysis/delivery_words.hpp"
#include "report/json_mqtt.hpp"
#include "report/time_format.hpp"

namespace mqscan {
namespace {

// Each list is cut here in the text report; the JSON report lists them all.
constexpr std::size_t kLinesPerList = 50;
// Deliveries shown on a fan-out's line.
constexpr std::size_t kDeliveriesShown = 8;
constexpr std::size_t kShownPayload = 24;
// Deeper levels of the topic tree are printed as one name.
constexpr std::size_t kTreeDepth = 16;


// The payload as a student reads it ("hello", 0x0a0b...), when the packet is listed.
std::string quoted_payload(const std::string& bytes, std::uint32_t length) {
    const EncodedBytes encoded = encode_payload(bytes);
    const bool cut = encoded.text.size() > kShownPayload || length > bytes.size();
    const std::string shown = encoded.text.substr(0, kShownPayload) + (cut ? "..." : "");
    if (encoded.encoding == std::string_view("hex")) return "0x" + shown + " ";
    return "\"" + shown + "\" ";
}

const MqttPacketRecord* listed_packet(const CaptureReport& report, std::uint64_t connection,
                                      std::uint64_t frame) {
    const MqttConnectionReport* mqtt = find_mqtt(report, connection);
    if (mqtt == nullptr) return nullptr;
    const auto found = std::find_if(mqtt->packets.begin(), mqtt->packets.end(), [frame](const MqttPacketRecord& r) {
        return r.frame == frame && r.dir == Direction::ToServer && r.packet.type == mqtt::PacketType::Publish;
    });
    return found == mqtt->packets.end() ? nullptr : &*found;
}

std::string fanout_payload(const CaptureReport& report, const Fanout& f) {
    if (f.source == DeliverySource::Will) {
        const MqttConnectionReport* mqtt = find_mqtt(report, f.connection);
        if (mqtt == nullptr || !mqtt->connect || !mqtt->connect->will) return "";
        const std::string& payload = mqtt->connect->will->payload;
        return quoted_payload(payload, static_cast<std::uint32_t>(payload.size()));
    }
    const MqttPacketRecord* record = listed_packet(report, f.connection, f.frame);
    if (record == nullptr) return "";
    return quoted_payload(record->packet.payload, record->packet.payload_length);
}

std::string subscription_line(const SubscriptionRecord& s) {
    std::string line = fmt::format("{} '{}'{}: asked QoS {}", who(s.connection, s.client_id), shown_name(s.filter),
                                   s.wildcard ? " (wildcard)" : "", s.requested_qos);
    if (s.granted_qos) line += fmt::format(", granted QoS {}", *s.granted_qos);
    if (s.refused_code) line += fmt::format(", REFUSED (code 0x{:02x})", *s.refused_code);
    if (!s.granted_qos && !s.refused_code) line += ", no SUBACK seen";
    line += fmt::format(" (frame {})", s.frame);
    if (s.unsubscribed_frame != 0) line += fmt::format(", unsubscribed in frame {}", s.unsubscribed_frame);
    return line;
}

std::string retained_line(const RetainedEvent& r) {
    switch (r.kind) {
        case RetainedKind::Set:
            return fmt::format("frame {}: #{} set the retained message of '{}' ({} B)", r.frame, r.connection,
                               shown_name(r.topic), r.payload_length);
        case RetainedKind::Cleared:
            return fmt::format("frame {}: #{} cleared the retained message of '{}' (empty payload)", r.frame,
                               r.connection, shown_name(r.topic));
        case RetainedKind::Delivered:
            return fmt::format("frame {}: #{} got the retained message of '{}' as a new subscriber ({})",
                               r.frame, r.connection, shown_name(r.topic),
                               r.set_frame == 0 ? "set before the capture" : fmt::format("set in frame {}", r.set_frame));
    }
    return "";
}

std::string delivery_text(const Fanout& f, const Delivery& d) {
    std::string text = fmt::format("#{} q{}", d.connection, d.qos);
    if (f.source != DeliverySource::Retained) text += " after " + latency_text(d.latency_ns);
    std::vector<std::string> notes;
    notes.push_back(d.filter.empty() ? "subscription not captured" : fmt::format("filter '{}'", shown_name(d.filter)));
    if (f.source == DeliverySource::Retained) notes.emplace_back("retained, as a new subscriber");
    if (d.qos < d.expected_qos) {
        notes.push_back(fmt::format("BELOW the expected QoS {}", d.expected_qos));
    } else if (d.qos < f.qos) {
        notes.push_back(fmt::format("downgraded: granted {}", d.expected_qos));
    }
    if (d.after_reconnect) notes.emplace_back("queued while offline");
    return fmt::format("{} ({})", text, fmt::join(notes, ", "));
}

std::string_view source_word(DeliverySource s) {
    switch (s) {
        case DeliverySource::Publish: return "PUBLISH";
        case DeliverySource::Retained: return "RETAINED";
        case DeliverySource::Will: return "WILL";
    }
    return "";
}

std::string fanout_line(const CaptureReport& report, const Fanout& f) {
    std::string line = fmt::format("{} {}on '{}' q{} from #{} (frame {}) -> ", source_word(f.source),
                                   fanout_payload(report, f), shown_name(f.topic), f.qos, f.connection, f.frame);
    if (f.delivery_count == 0 && f.retain && f.payload_length > 0)
        return line + "no subscriber yet: the broker keeps it as the topic's retained message";
    if (f.delivery_count == 0) return line + "no one";
    std::vector<std::string> shown;
    for (std::size_t i = 0; i < f.deliveries.size() && i < kDeliveriesShown; ++i)
        shown.push_back(delivery_text(f, f.deliveries[i]));
    line += fmt::format("{}", fmt::join(shown, ", "));
    if (f.delivery_count > shown.size()) line += fmt::format(", and {} more", f.delivery_count - shown.size());
    return line;
}

template <typename Record, typename Describe>
void list_lines(std::vector<std::string>& lines, const std::vector<Record>& records, std::uint64_t unlisted,
                Describe describe) {
    for (std::size_t i = 0; i < records.size() && i < kLinesPerList; ++i) lines.push_back("  " + describe(records[i]));
    const std::uint64_t more = unlisted + (records.size() - std::min(records.size(), kLinesPerList));
    if (more > 0) lines.push_back(fmt::format("  ... and {} more (see the JSON report)", more));
}

std::string summary_line(const DeliveryReport& d) {
    std::string line = fmt::format("{} entered the broker ({} reached no one); {} came from the broker with "
                                   "no source in the capture; {} below the published QoS",
                                   count_of(d.fanouts.size() + d.fanouts_unlisted, "message", "messages"),
                                   d.reached_no_one, count_of(d.unmatched_deliveries, "delivery", "deliveries"),
                                   count_of(d.qos_downgrades, "delivery", "deliveries"));
    if (d.latency.count > 0)
        line += fmt::format("; broker latency min {}, median {}{}, max {}", latency_text(d.latency.min_ns),
                            d.latency.median_exact ? "" : "~", latency_text(d.latency.median_ns),
                            latency_text(d.latency.max_ns));
    return line;
}

// The topics as a tree of levels: maison/ -> salon/ -> temperature.
struct TopicNode {
    std::map<std::string, TopicNode> children;
    const TopicStats* stats = nullptr;
};

void add_topic(TopicNode& root, const TopicStats& stats) {
    TopicNode* node = &root;
    std::string_view rest = stats.topic;
    for (std::size_t depth = 1; ; ++depth) {
        const std::size_t slash = depth < kTreeDepth ? rest.find('/') : std::string_view::npos;
        node = &node->children[std::string(rest.substr(0, slash))];
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    node->stats = &stats;
}

std::string topic_counts(const TopicStats& t) {
    std::vector<std::string> parts;
    if (t.publishes > 0) parts.push_back(count_of(t.publishes, "publish", "publishes"));
    if (t.deliveries > 0) parts.push_back(count_of(t.deliveries, "delivery", "deliveries"));
    if (t.retained) parts.emplace_back("retained");
    return fmt::format("({})", fmt::join(parts, ", "));
}

void tree_lines(std::vector<std::string>& lines, const TopicNode& node, std::size_t depth) {
    for (const auto& [name, child] : node.children) {
        std::string line(2 * depth, ' ');
        line += name.empty() ? "(empty level)" : shown_name(name);
        if (!child.children.empty()) line += '/';
        if (child.stats != nullptr) line += ' ' + topic_counts(*child.stats);
        lines.push_back(std::move(line));
        tree_lines(lines, child, depth + 1);
    }
}

}  // namespace

std::vector<std::string> delivery_text_lines(const CaptureReport& report) {
    const DeliveryReport& d = report.delivery;
    std::vector<std::string> lines;
    if (!d.subscriptions.empty() || d.subscriptions_unlisted > 0) {
        lines.emplace_back("Subscriptions:");
        list_lines(lines, d.subscriptions, d.subscriptions_unlisted, subscription_line);
    }
    if (!d.retained.empty() || d.retained_unlisted > 0) {
        lines.emplace_back("Retained messages:");
        list_lines(lines, d.retained, d.retained_unlisted, retained_line);
    }
    if (!d.fanouts.empty() || d.fanouts_unlisted > 0 || d.unmatched_deliveries > 0) {
        lines.push_back("Through the broker: " + summary_line(d));
        list_lines(lines, d.fanouts, d.fanouts_unlisted, [&report](const Fanout& f) { return fanout_line(report, f); });
    }
    if (!d.topics.empty()) {
        lines.push_back(fmt::format("Topic tree ({}):", count_of(d.topics.size(), "topic", "topics")));
        TopicNode root;
        for (const TopicStats& t : d.topics) add_topic(root, t);
        tree_lines(lines, root, 1);
        if (d.topics_unlisted > 0)
            lines.push_back(fmt::format("  ... and {} on topics left out (too many topics)",
                                        count_of(d.topics_unlisted, "packet", "packets")));
    }
    return lines;
}

}  // namespace mqscan
