// Facts computed from a capture's report, and whose capture it is.
#include <catch2/catch.hpp>

#include "grade/fact.hpp"
#include "grade/student_name.hpp"
#include "mqscan/capture_report.hpp"

namespace mqscan::grade {
namespace {

FactValue fact(const CaptureReport& report, std::string_view name, std::string_view argument = {},
               bool ca_given = true) {
    const FactInfo* info = find_fact(name);
    REQUIRE(info != nullptr);
    return info->compute(FactSource{report, true, ca_given}, argument);
}

CertificateEntry certificate(DistinguishedName subject) {
    CertificateEntry entry;
    entry.summary.emplace();
    entry.summary->subject = std::move(subject);
    return entry;
}

// A TLS 1.2 lab connection: the broker's and the client's certificates, the client's refused by --ca.
CaptureReport tls12_report() {
    CaptureReport r;
    ConnectionSummary c;
    c.id = 4;
    c.server.port = 8883;
    r.connections.push_back(c);
    TlsConnectionReport t;
    t.connection = 4;
    t.version = "TLS 1.2";
    t.version_code = 0x0303;
    t.established = true;
    t.client_cert_requested = true;
    t.client_cert_sent = true;
    t.server_certificates.push_back(certificate({{"O", "Ciel Inès Lefèvre"}, {"OU", "iot Inès Lefèvre"}, {"CN", "vm-ciel"}}));
    t.client_certificates.push_back(certificate({{"O", "Ciel Inès Lefèvre"}, {"CN", "localhost"}}));
    t.server_verification = ChainVerification{true, "ok", "", std::nullopt};
    t.client_verification = ChainVerification{false, "unknown_issuer", "unable to get local issuer certificate", 0};
    t.handshake.push_back(TlsHandshakeStep{10, Direction::ToServer, "client_hello", 300});
    t.records[0].application_data = 3;
    r.tls.push_back(t);
    return r;
}

}  // namespace

TEST_CASE("facts: every one is documented by name, type and meaning", "[grade]") {
    const auto all = fact_catalogue();
    CHECK(all.size() >= 50);
    for (const FactInfo& f : all) {
        INFO(f.name);
        CHECK(find_fact(f.name) == &f);
        CHECK_FALSE(f.description.empty());
        CHECK(f.compute != nullptr);
    }
}

TEST_CASE("facts: TLS 1.2 certificates, verification and ports", "[grade]") {
    const CaptureReport r = tls12_report();
    CHECK(std::get<std::string>(fact(r, "tls.version").value) == "1.2");
    CHECK(std::get<bool>(fact(r, "tls.port", "8883").value));
    CHECK_FALSE(std::get<bool>(fact(r, "tls.port", "1883").value));
    CHECK_FALSE(fact(r, "tls.port", "88x").known);
    CHECK(std::get<bool>(fact(r, "tls.mutual").value));
    CHECK(std::get<bool>(fact(r, "tls.client_hello").value));
    CHECK_FALSE(std::get<bool>(fact(r, "tls.server_hello").value));
    CHECK(std::get<std::int64_t>(fact(r, "tls.application_data").value) == 3);
    CHECK(std::get<std::string>(fact(r, "cert.server.subject.OU").value) == "iot Inès Lefèvre");
    CHECK(std::get<std::string>(fact(r, "cert.client.subject.CN").value) == "localhost");
    const FactValue no_ou = fact(r, "cert.client.subject.OU");
    CHECK(std::get<std::string>(no_ou.value).empty());
    CHECK(no_ou.detail == "the client certificate (connection #4) has no OU in its subject");
    CHECK(std::get<bool>(fact(r, "cert.server.verified").value));
    const FactValue client = fact(r, "cert.client.verified");
    CHECK_FALSE(std::get<bool>(client.value));
    CHECK(client.detail ==
          "the client certificate (connection #4) does not verify against the CA: unable to get local issuer certificate");
    CHECK_FALSE(fact(r, "cert.client.verified", {}, false).known);
}

TEST_CASE("facts: TLS 1.3 hides the certificates: unknown, never guessed", "[grade]") {
    CaptureReport r = tls12_report();
    TlsConnectionReport& t = r.tls[0];
    t.version = "TLS 1.3";
    t.certificates_visible = false;
    t.client_cert_sent.reset();
    t.server_certificates.clear();
    t.client_certificates.clear();
    for (const char* name : {"tls.mutual", "cert.server.subject.O", "cert.client.subject.CN", "cert.server.verified"}) {
        INFO(name);
        CHECK_FALSE(fact(r, name).known);
    }
    CHECK(std::get<std::string>(fact(r, "tls.version").value) == "1.3");
}

TEST_CASE("facts: subscriptions, publishes and the listed packets", "[grade]") {
    CaptureReport r;
    SubscriptionRecord s;
    s.filter = "maison/#";
    s.wildcard = true;
    s.granted_qos = 1;
    s.frame = 7;
    r.delivery.subscriptions.push_back(s);
    MqttConnectionReport m;
    MqttPacketRecord publish;
    publish.frame = 9;
    publish.packet.type = mqtt::PacketType::Publish;
    publish.packet.topic = "maison/salon/temperature";
    m.packets.push_back(publish);
    publish.dir = Direction::ToClient;
    publish.frame = 10;
    m.packets.push_back(publish);
    r.mqtt.push_back(m);
    CHECK(std::get<bool>(fact(r, "mqtt.subscribed", "maison/#").value));
    const FactValue other = fact(r, "mqtt.subscribed", "ciel");
    CHECK_FALSE(std::get<bool>(other.value));
    CHECK(other.detail == "no granted SUBSCRIBE to 'ciel' (subscribed: 'maison/#')");
    CHECK(std::get<std::int64_t>(fact(r, "mqtt.wildcard_subscriptions").value) == 1);
    CHECK(std::get<std::int64_t>(fact(r, "mqtt.qos0").value) == 1);
    CHECK(std::get<bool>(fact(r, "mqtt.published", "maison/+/temperature").value));
    CHECK(fact(r, "mqtt.delivered", "maison/#").detail == "delivered in frame 10");
    CHECK_FALSE(std::get<bool>(fact(r, "mqtt.delivered", "ciel").value));
}

TEST_CASE("student names: certificate O, then OU, then the file name", "[grade]") {
    const CaptureReport r = tls12_report();
    const StudentName from_o = student_name(r, "/x/mqtt-wrong.pcap");
    CHECK(from_o.name == "Inès Lefèvre");
    CHECK(from_o.source == "certificate O");
    CaptureReport ou_only = r;
    ou_only.tls[0].server_certificates[0].summary->subject = {{"OU", "iot Marc"}};
    ou_only.tls[0].client_certificates.clear();
    CHECK(student_name(ou_only, "x.pcap").name == "Marc");
    const CaptureReport none;
    CHECK(student_name(none, "/class/mqtt-Zoé.pcap.gz").name == "Zoé");
    CHECK(student_name(none, "mqtt-alice.pcapng").source == "file name");
    CHECK(student_name(none, "capture.pcap").name.empty());
    CHECK(student_name(none, "mqtt-.pcap").source.empty());
}

}  // namespace mqscan::grade
