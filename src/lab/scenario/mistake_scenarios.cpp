// The mistakes lab 1 and 2 see (LABS.md, "What this means for mqscan").

#include <array>

#include "lab/scenario/scenario.hpp"
#include "lab/scenario/scenario_steps.hpp"

namespace mqscan::lab {

namespace {

// Long enough for every failed handshake to end and its connection to close.
constexpr net::Duration kAfterFailure = std::chrono::seconds(3);

// A password table on 1883 in clear: the CONNECT carries user name and password readable by anyone.
void password_in_clear(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.cleartext_listener(PasswordTable{{"eleve", "ciel2026"}}));
    ClientSpec subscriber = LabSetting::mosquitto_client("sub-ciel");
    ClientSpec publisher = LabSetting::mosquitto_client("pub-ciel");
    for (ClientSpec* spec : {&subscriber, &publisher}) {
        spec->mqtt.username = "eleve";
        spec->mqtt.password = "ciel2026";
    }
    publish_to_a_subscriber(world, subscriber, publisher, "ciel", 1, {"21.5"});
}

// One client whose connection fails, then the time for it to end.
void failed_connection(LabWorld& world, const ClientSpec& client) {
    world.connect(client);
    world.wait(kAfterFailure);
}

void client_without_certificate(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.tls_listener(true));
    failed_connection(world, setting.over_tls(LabSetting::mosquitto_client("sub-ciel"), ClientCertificate::None));
}

void wrong_ca(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.tls_listener(true));
    failed_connection(world, setting.over_tls(LabSetting::mosquitto_client("sub-ciel"), ClientCertificate::Lab,
                                              TrustedCa::Other));
}

void cleartext_to_tls_port(LabWorld& world, const LabSetting& setting) {
    world.listen(setting.tls_listener(true));
    failed_connection(world, LabSetting::mosquitto_client("sub-ciel", kMqttsPort));
}

constexpr std::array kScenarios{
    Scenario{"password-in-clear", "user name and password sent in clear on 1883",
             "a broker with a password file on 1883: both CONNECTs carry user name 'eleve' and its password in "
             "clear, and the QoS 1 message on 'ciel' is readable",
             std::nullopt, password_in_clear},
    Scenario{"no-client-certificate", "mutual TLS refused: the client has no certificate",
             "the broker requires a client certificate; the client sends an empty Certificate (TLS 1.2) and the "
             "broker ends the handshake with a fatal alert; no MQTT packet is ever exchanged",
             TlsVersions::Tls12Only, client_without_certificate},
    Scenario{"wrong-ca", "the client trusts another CA: alert unknown_ca",
             "the client verifies the broker's certificate against a CA that did not sign it and aborts the "
             "handshake with the fatal alert unknown_ca",
             TlsVersions::Tls12Only, wrong_ca},
    Scenario{"cleartext-to-8883", "MQTT in clear sent to the TLS port 8883",
             "a client without TLS sends its CONNECT in clear to 8883: the broker's TLS layer does not read a "
             "record and closes the connection",
             TlsVersions::Tls12Only, cleartext_to_tls_port},
};

}  // namespace

std::span<const Scenario> mistake_scenarios() { return kScenarios; }

}  // namespace mqscan::lab
