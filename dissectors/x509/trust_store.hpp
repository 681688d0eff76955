#pragma once
// The CA certificates given with --ca, and the verdict on each observed chain
// against them, as `openssl verify -CAfile FILE -attime T` gives it (only the
// given CAs are trusted: no system store; no purpose or host name check).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mqscan/byte_reader.hpp"
#include "mqscan/certificate.hpp"
#include "mqscan/result.hpp"

namespace mqscan::x509 {

class TrustStore {
public:
    // A CA file is read whole; a larger one is refused (Debian's whole CA bundle is ~200 KiB).
    static constexpr std::uintmax_t kMaxCaFileBytes = 16 * 1024 * 1024;

    // Every PEM certificate of every file (a file may hold several, and keys or
    // other blocks, which are skipped), or a sentence naming the file that is
    // missing, unreadable, damaged or holds no certificate.
    static Result<TrustStore, std::string> load(
        const std::vector<std::filesystem::path>& pem_files);

    // The chain as sent (leaf first; the rest are candidate intermediates, in
    // any order), verified at the given time, normally the capture's.
    [[nodiscard]] ChainVerification verify(const std::vector<Bytes>& chain_der,
                                           std::int64_t at_unix_seconds) const;

    [[nodiscard]] std::size_t certificate_count() const;

    TrustStore(TrustStore&&) noexcept;
    TrustStore& operator=(TrustStore&&) noexcept;
    ~TrustStore();

private:
    struct Store;
    explicit TrustStore(std::unique_ptr<Store> store);
    std::unique_ptr<Store> store_;
};

}  // namespace mqscan::x509
