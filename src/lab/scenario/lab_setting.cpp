#include "lab/scenario/lab_setting.hpp"

namespace mqscan::lab {

LabSetting::LabSetting(std::string student, TlsVersions tls, std::shared_ptr<const CryptoLibrary> crypto,
                       std::int64_t verification_time)
    : student_(std::move(student)), tls_(tls), crypto_(std::move(crypto)), verification_time_(verification_time) {}

const LabCertificates& LabSetting::certificates() const {
    if (!certificates_) {
        LabCertificateOptions options;
        options.broker_host = kBrokerHost;
        options.library = crypto_;
        certificates_ = make_lab_certificates(student_, options);
    }
    return *certificates_;
}

ListenerSpec LabSetting::cleartext_listener(std::optional<PasswordTable> passwords) const {
    ListenerSpec spec;
    spec.address = kBrokerAddress;
    spec.port = kMqttPort;
    spec.broker.allow_anonymous = !passwords;
    spec.broker.passwords = std::move(passwords);
    return spec;
}

ListenerSpec LabSetting::tls_listener(bool require_certificate) const {
    ListenerSpec spec;
    spec.address = kBrokerAddress;
    spec.port = kMqttsPort;
    spec.broker.allow_anonymous = true;
    spec.broker.use_identity_as_username = require_certificate;
    TlsContextOptions tls;
    tls.role = TlsRole::Server;
    tls.versions = tls_;
    tls.credentials = certificates().broker;
    tls.trusted_certificates = {certificates().ca};
    tls.peer_certificate = require_certificate ? PeerCertificate::Required : PeerCertificate::Ignored;
    tls.verification_time = verification_time_;
    spec.tls = std::move(tls);
    return spec;
}

TlsContextOptions LabSetting::client_tls(ClientCertificate certificate, TrustedCa ca) const {
    TlsContextOptions tls;
    tls.role = TlsRole::Client;
    tls.versions = TlsVersions::Tls12AndLater;
    if (certificate == ClientCertificate::Lab) tls.credentials = certificates().client;
    if (certificate == ClientCertificate::OtherCa) tls.credentials = certificates().client_of_other_ca;
    tls.trusted_certificates = {ca == TrustedCa::Lab ? certificates().ca : certificates().other_ca};
    tls.peer_certificate = PeerCertificate::Verified;
    tls.server_name = kBrokerHost;
    tls.verification_time = verification_time_;
    return tls;
}

ClientSpec LabSetting::mosquitto_client(std::string client_id, std::uint16_t port) {
    ClientSpec spec;
    spec.address = kLinuxAddress;
    spec.server_address = kBrokerAddress;
    spec.server_port = port;
    spec.mqtt.version = mqtt::Version::V311;
    spec.mqtt.client_id = std::move(client_id);
    return spec;
}

ClientSpec LabSetting::mqttx_client(std::string client_id, std::uint16_t port) {
    ClientSpec spec = mosquitto_client(std::move(client_id), port);
    spec.address = kWindowsAddress;
    spec.mqtt.version = mqtt::Version::V5;
    return spec;
}

ClientSpec LabSetting::over_tls(ClientSpec spec, ClientCertificate certificate, TrustedCa ca) const {
    spec.server_port = kMqttsPort;
    spec.tls = client_tls(certificate, ca);
    return spec;
}

}  // namespace mqscan::lab
