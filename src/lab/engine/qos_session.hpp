#pragma once
// The QoS 1 and 2 state of one side of a session [MQTT-4.3, 4.4], the same for
// the broker (one per client session) and the client: packet identifiers,
// messages in flight and their acknowledgements, messages waiting for room in
// the peer's receive window (or for the peer to come back), and received QoS 2
// messages held until their PUBREL. It says what to send; the engine sends it.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "lab/engine/message.hpp"
#include "mqscan/mqtt.hpp"

namespace mqscan::lab {

struct QosLimits {
    // QoS 1 and 2 messages in flight at once: the peer's Receive Maximum
    // [MQTT 5.0 §3.3.4], mosquitto's max_inflight_messages for a 3.x client.
    std::uint16_t send_window = 65535;
    // Messages waiting for room in the window or for the peer to come back
    // (mosquitto's max_queued_messages); more are dropped.
    std::size_t max_queued = 1000;
    // Received QoS 2 messages held until their PUBREL: our own Receive Maximum.
    std::uint16_t receive_window = 65535;
    // The bytes of the queued messages (held_bytes: mosquitto's max_queued_bytes counts payloads only);
    // while they reach it, more are dropped.
    std::size_t max_queued_bytes = SIZE_MAX;
};

class QosSession {
public:
    explicit QosSession(QosLimits limits) : limits_(limits) {}

    void set_send_window(std::uint16_t window) { limits_.send_window = window; }

    struct Offer {
        enum class Outcome : std::uint8_t { Sent, Queued, Dropped };
        Outcome outcome = Outcome::Dropped;
        std::optional<std::uint16_t> packet_id;  // QoS 1 and 2, unless dropped
        std::optional<mqtt::Packet> publish;     // the PUBLISH to send now
    };
    // A message to deliver. QoS 0 goes at once when the peer is `online` and is
    // dropped otherwise; QoS 1 and 2 take a packet identifier now, as mosquitto
    // does, and go when the window has room and no older message waits.
    Offer offer(Message message, bool online);

    struct Acknowledged {
        bool known = false;                 // a message of ours was waiting for it
        std::optional<mqtt::Packet> reply;  // the PUBREL a PUBREC calls for
        bool completed = false;             // the exchange is over, its identifier free again
    };
    // A PUBACK, PUBREC or PUBCOMP for one of our PUBLISHes. A PUBREC for an
    // unknown identifier still gets its PUBREL, as mosquitto (lib/handle_pubrec.c) answers.
    Acknowledged acknowledge(const mqtt::Packet& ack);

    // What to send when the peer comes back to the session: each message in
    // flight again with DUP set, or its PUBREL, in the order first sent
    // [MQTT-4.4.0-1]; then queued messages as the window allows.
    std::vector<mqtt::Packet> resume();
    // Queued messages the window now has room for.
    std::vector<mqtt::Packet> send_queued();

    // An identifier for a packet that is not a PUBLISH (SUBSCRIBE, UNSUBSCRIBE),
    // from the same sequence; in use until released [MQTT-2.3.1-2].
    std::optional<std::uint16_t> reserve_id();
    void release_id(std::uint16_t id);

    enum class Arrival : std::uint8_t {
        Stored,     // new: held until its PUBREL
        Duplicate,  // already held: acknowledged again, not delivered twice [MQTT-4.3.3-9]
        Refused,    // our receive window is full
    };
    // A QoS 2 PUBLISH received [MQTT-4.3.3].
    Arrival receive(std::uint16_t id, Message message);
    // The message a PUBREL releases for delivery: once, then nullopt.
    std::optional<Message> release(std::uint16_t id);

    [[nodiscard]] std::size_t in_flight() const { return in_flight_.size(); }
    [[nodiscard]] std::size_t queued() const { return queued_.size(); }
    [[nodiscard]] std::size_t queued_bytes() const { return queued_bytes_; }
    [[nodiscard]] std::size_t held() const { return received_.size(); }

private:
    enum class Step : std::uint8_t { AwaitingAck, AwaitingPubcomp };  // ack: PUBACK or PUBREC
    struct InFlight {
        Message message;
        Step step = Step::AwaitingAck;
        std::uint64_t order = 0;
    };
    struct Queued {
        std::uint16_t id;
        Message message;
    };

    std::optional<std::uint16_t> allocate_id();
    void free_id(std::uint16_t id) { ids_in_use_.erase(id); }
    [[nodiscard]] bool window_open() const { return in_flight_.size() < limits_.send_window; }
    mqtt::Packet launch(std::uint16_t id, Message message);

    QosLimits limits_;
    std::map<std::uint16_t, InFlight> in_flight_;
    std::deque<Queued> queued_;
    std::size_t queued_bytes_ = 0;  // held_bytes of queued_
    std::map<std::uint16_t, Message> received_;
    std::set<std::uint16_t> ids_in_use_;  // in flight, queued or reserved
    std::uint16_t last_id_ = 0;
    std::uint64_t next_order_ = 0;
};

}  // namespace mqscan::lab
