#pragma once
// A pcapng file may carry its TLS keys (a Decryption Secrets Block), which tshark then uses
// unasked. mqscan decrypts nothing, so tshark reads a copy without them.

#include <string>

class CaptureWithoutSecrets {
public:
    // Copies a pcapng (or .pcapng.gz) capture without its secrets (`editcap
    // --discard-all-secrets`) into a temporary file; any other capture is used as it is.
    // Throws std::runtime_error when the copy fails.
    explicit CaptureWithoutSecrets(const std::string& path);
    ~CaptureWithoutSecrets();
    CaptureWithoutSecrets(const CaptureWithoutSecrets&) = delete;
    CaptureWithoutSecrets& operator=(const CaptureWithoutSecrets&) = delete;

    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
    bool temporary_ = false;
};
