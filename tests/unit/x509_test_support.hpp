#pragma once
// Certificates for the x509 tests: the lab's CA and students' leaves, made by
// the certificate factory, a few fixed times, and a scratch directory for
// PEM files.

#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "lab/certificate_factory.hpp"
#include "mqscan/certificate.hpp"

namespace mqscan::test {

inline constexpr std::int64_t kJan2024 = 1704067200;  // 2024-01-01T00:00:00Z
inline constexpr std::int64_t kJan2025 = 1735689600;
inline constexpr std::int64_t kJun2025 = 1748736000;  // when chains are verified
inline constexpr std::int64_t kJan2026 = 1767225600;
inline constexpr std::int64_t kJan2034 = 2019686400;

// The teacher's CA: O = CIEL, CN = `common_name`, valid 2024 to 2034.
inline lab::CertificateSpec ca_spec(const std::string& common_name) {
    lab::CertificateSpec spec;
    spec.subject = {{"O", "CIEL"}, {"CN", common_name}};
    spec.not_before = kJan2024;
    spec.not_after = kJan2034;
    spec.is_ca = true;
    return spec;
}

// A student's broker certificate as the lab sheet asks for it.
inline lab::CertificateSpec student_spec(const std::string& name) {
    lab::CertificateSpec spec;
    spec.subject = {{"O", "Ciel " + name}, {"OU", "iot " + name}, {"CN", "localhost"}};
    spec.san = {"DNS:localhost", "IP:127.0.0.1"};
    spec.not_before = kJan2024;
    spec.not_after = kJan2034;
    spec.serial = 2;
    return spec;
}

struct Authority {
    lab::PrivateKey key;
    std::vector<std::uint8_t> der;
};

inline Authority make_root(const std::string& common_name,
                           lab::KeyAlgorithm algorithm = lab::KeyAlgorithm::EcP256) {
    lab::PrivateKey key(algorithm);
    auto der = lab::make_self_signed(ca_spec(common_name), key);
    return {std::move(key), std::move(der)};
}

inline Authority make_intermediate(const Authority& parent, const std::string& common_name) {
    lab::PrivateKey key(lab::KeyAlgorithm::EcP256);
    auto der = lab::make_signed(ca_spec(common_name), key, parent.der, parent.key);
    return {std::move(key), std::move(der)};
}

inline std::vector<std::uint8_t> issue(const Authority& ca, const lab::CertificateSpec& spec) {
    const lab::PrivateKey key(lab::KeyAlgorithm::EcP256);
    return lab::make_signed(spec, key, ca.der, ca.key);
}

// A directory of its own under the system's temporary directory, removed at the end.
class ScratchDirectory {
public:
    ScratchDirectory()
        : path_(std::filesystem::temp_directory_path() /
                ("mqscan-x509-" + std::to_string(::getpid()) + "-" + std::to_string(next_++))) {
        std::filesystem::create_directories(path_);
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    ~ScratchDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    [[nodiscard]] std::filesystem::path write(const std::string& name,
                                              std::string_view content) const {
        const std::filesystem::path file = path_ / name;
        std::ofstream(file, std::ios::binary) << content;
        return file;
    }

private:
    static inline std::atomic<unsigned> next_{0};
    std::filesystem::path path_;
};

}  // namespace mqscan::test

namespace Catch {
template <>
struct StringMaker<mqscan::ChainVerification> {
    static std::string convert(const mqscan::ChainVerification& v) {
        return "{" + v.result + ", \"" + v.reason + "\", depth " +
               (v.depth ? std::to_string(*v.depth) : std::string("-")) + "}";
    }
};
}  // namespace Catch
