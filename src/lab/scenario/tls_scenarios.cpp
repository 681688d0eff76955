// Lab 2 (LABS.md): MQTT over TLS on port 8883, and the capture a student hands in.

#include <array>

#include "lab/scenario/scenario.hpp"
#include "lab/scenario/scenario_steps.hpp"

namespace mqscan::lab {

namespace {

// mosquitto_sub and mosquitto_pub over TLS, a QoS 1 message on 'ciel'.
void tls_exchange(LabWorld& world, const LabSetting& setting, bool mutual) {
    world.listen(setting.tls_listener(mutual));
    const ClientCertificate certificate = mutual ? ClientCertificate::Lab : ClientCertificate::None;
    publish_to_a_subscriber(world, setting.over_tls(LabSetting::mosquitto_client("sub-ciel"), certificate),
                            setting.over_tls(LabSetting::mosquitto_client("pub-ciel"), certificate), "ciel", 1,
                            {"21.5"});
}

// The lab sheet's capture: lab 1's broker in clear, then lab 2's over mutual TLS,
// with mosquitto_sub (3.1.1) on the Linux machine and MQTTX (5.0) on Windows.
// Each listener has its own broker engine (the engine's options are global):
// unlike one mosquitto with per_listener_settings false, they share no session
// or retained message, which nothing here relies on.
void student_submission(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.cleartext_listener());
    world.listen(setting.tls_listener(true));

    const LinkId sub = subscribed_client(world, LabSetting::mosquitto_client("mosq-sub"), "ciel", 2);
    const LinkId mqttx = world.connect(LabSetting::mqttx_client("mqttx_5f3a9c1e"));
    world.wait(kStep);
    for (std::uint8_t qos = 0; qos <= 2; ++qos) {
        world.publish(mqttx, "ciel", "bonjour qos " + std::to_string(qos), qos);
        world.wait(kStep);
    }
    world.disconnect(mqttx);
    world.wait(kStep);
    world.disconnect(sub);
    world.wait(kStep);

    // MQTTX connects over MQTTS and subscribes to 'ciel', mosquitto_sub connects
    // over MQTTS, MQTTX publishes on 'ciel', MQTTX disconnects.
    const LinkId mqttx_tls =
        subscribed_client(world, setting.over_tls(LabSetting::mqttx_client("mqttx_5f3a9c1e")), "ciel", 1);
    const LinkId sub_tls =
        subscribed_client(world, setting.over_tls(LabSetting::mosquitto_client("mosq-sub")), "ciel", 1);
    world.publish(mqttx_tls, "ciel", "message de " + setting.student(), 1);
    world.wait(kStep);
    world.disconnect(mqttx_tls);
    world.wait(kStep);
    world.disconnect(sub_tls);
    world.wait(kStep);
}

constexpr std::array kScenarios{
    Scenario{"tls-server-only", "TLS, server certificate only (no client certificate)",
             "mosquitto_sub/pub over TLS on 8883 verifying the broker against the lab CA; the broker asks no "
             "client certificate; MQTT is only in Application Data records",
             TlsVersions::Tls12Only, [](LabWorld& w, const LabSetting& s) { tls_exchange(w, s, false); }},
    Scenario{"mutual-tls", "mutual TLS 1.2 as in lab 2 (require_certificate, identity as user name)",
             "both sides present certificates signed by the lab CA (broker O = 'Ciel <student>', OU = 'iot "
             "<student>', CN = vm-ciel; client CN = localhost); TLS 1.2 shows them in clear",
             TlsVersions::Tls12Only, [](LabWorld& w, const LabSetting& s) { tls_exchange(w, s, true); }},
    Scenario{"tls13", "mutual TLS negotiated at 1.3: the certificates are encrypted",
             "the same exchange as mutual-tls, but TLS 1.3: after the ServerHello everything, certificates "
             "included, is encrypted",
             TlsVersions::Tls13Only, [](LabWorld& w, const LabSetting& s) { tls_exchange(w, s, true); }},
    Scenario{"student-submission", "the whole capture a student hands in: clear part, then TLS part",
             "mosquitto_sub (3.1.1) and MQTTX (5.0) on 1883 in clear (QoS 0, 1, 2 on 'ciel'), then both over "
             "mutual TLS on 8883: MQTTX subscribes, mosquitto_sub connects, MQTTX publishes and disconnects",
             TlsVersions::Tls12Only, student_submission},
};

}  // namespace

std::span<const Scenario> tls_scenarios() { return kScenarios; }

}  // namespace mqscan::lab
