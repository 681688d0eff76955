#pragma once
// The classroom a scenario plays in (LABS.md): the broker's VM and the
// students' machines on one network, the teacher's CA and the student's
// certificates, and the brokers and clients the labs use, ready to place in a
// LabWorld.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "lab/scenario/lab_world.hpp"
#include "lab/tls/crypto_library.hpp"
#include "lab/tls/lab_credentials.hpp"

namespace mqscan::lab {

inline constexpr std::uint16_t kMqttPort = 1883;
inline constexpr std::uint16_t kMqttsPort = 8883;

// The lab VM that runs mosquitto, and the host name in its certificate.
inline constexpr const char* kBrokerAddress = "192.168.56.10";
inline constexpr const char* kBrokerHost = "vm-ciel";
// The student's Linux machine (mosquitto_sub/pub, Python paho) and the Windows one (MQTTX).
inline constexpr const char* kLinuxAddress = "192.168.56.20";
inline constexpr const char* kWindowsAddress = "192.168.56.30";

// Which certificate a client presents, and which CA it trusts.
enum class ClientCertificate : std::uint8_t { None, Lab, OtherCa };
enum class TrustedCa : std::uint8_t { Lab, Other };

class LabSetting {
public:
    // `tls`: the version the TLS listeners allow (mosquitto's tls_version; the
    // clients offer 1.2 and 1.3); `verification_time` in Unix seconds.
    LabSetting(std::string student, TlsVersions tls, std::shared_ptr<const CryptoLibrary> crypto,
               std::int64_t verification_time);

    [[nodiscard]] const std::string& student() const { return student_; }

    // mosquitto on 1883 in clear: anonymous clients, or only those in `passwords`.
    [[nodiscard]] ListenerSpec cleartext_listener(std::optional<PasswordTable> passwords = std::nullopt) const;
    // mosquitto on 8883: cafile, certfile, keyfile and tls_version; with
    // `require_certificate`, also require_certificate and use_identity_as_username, as lab 2 has it.
    [[nodiscard]] ListenerSpec tls_listener(bool require_certificate) const;

    // A client's TLS: mosquitto_sub's --cafile, --cert and --key (MQTTX's "CA
    // file", "client certificate" and "client key"), to the broker's host name.
    [[nodiscard]] TlsContextOptions client_tls(ClientCertificate certificate, TrustedCa ca) const;

    // mosquitto_sub / mosquitto_pub 2.0 (MQTT 3.1.1, keep alive 60) and Python
    // paho (3.1.1) on the Linux machine; MQTTX (MQTT 5.0, keep alive 60,
    // session expiry 0) on the Windows machine.
    [[nodiscard]] static ClientSpec mosquitto_client(std::string client_id, std::uint16_t port = kMqttPort);
    [[nodiscard]] static ClientSpec mqttx_client(std::string client_id, std::uint16_t port = kMqttPort);
    // The same client to port 8883 over TLS (client_tls).
    [[nodiscard]] ClientSpec over_tls(ClientSpec spec, ClientCertificate certificate = ClientCertificate::Lab,
                                      TrustedCa ca = TrustedCa::Lab) const;

private:
    const LabCertificates& certificates() const;

    std::string student_;
    TlsVersions tls_;
    std::shared_ptr<const CryptoLibrary> crypto_;
    std::int64_t verification_time_;
    // Made on first use, so that a cleartext scenario draws no key.
    mutable std::optional<LabCertificates> certificates_;
};

}  // namespace mqscan::lab
