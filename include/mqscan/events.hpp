#pragma once
// What dissectors emit, as it is decoded: reporters and analyses listen.

#include "mqscan/connection.hpp"
#include "mqscan/finding.hpp"
#include "mqscan/frame.hpp"
#include "mqscan/mqtt.hpp"
#include "mqscan/tls.hpp"

namespace mqscan {

struct MqttPacketEvent {
    const ConnectionSummary& connection;
    Direction dir;
    FrameRef at;  // the frame that completed the packet
    mqtt::Version version;
    bool version_from_connect;  // else the version is a guess
    const mqtt::Packet& packet;
    bool malformed;  // fields after the damage are missing
};

// A TLS handshake step (or an alert) of a connection, as it is decoded.
// `tls` holds what the connection's handshake showed so far (version, SNI,
// certificates...).
struct TlsStepEvent {
    const ConnectionSummary& connection;
    FrameRef at;
    const TlsHandshakeStep& step;
    const TlsConnectionReport& tls;
};

struct TlsAlertEvent {
    const ConnectionSummary& connection;
    FrameRef at;
    const TlsAlert& alert;
};

// The ConnectionSummary an event refers to stays valid, and is updated in
// place, from on_mqtt_connection until on_mqtt_end.
class EventSink {
public:
    virtual ~EventSink() = default;
    // The connection is decoded as MQTT from now on (it may carry no packet).
    virtual void on_mqtt_connection(const ConnectionSummary& /*connection*/) {}
    virtual void on_mqtt_packet(const MqttPacketEvent& event) = 0;
    // An MQTT connection ended: no packet follows. `connection` has its final
    // end reason and FIN/RST frames.
    virtual void on_mqtt_end(const ConnectionSummary& /*connection*/) {}
    virtual void on_tls_step(const TlsStepEvent& /*event*/) {}
    virtual void on_tls_alert(const TlsAlertEvent& /*event*/) {}
    // A finding listed in the report, when the analysis that makes it concludes.
    virtual void on_finding(const Finding& /*finding*/) {}
};

}  // namespace mqscan
