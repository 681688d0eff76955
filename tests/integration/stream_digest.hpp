#pragma once
// One direction of a TCP stream reduced to what the differential test compares.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mqscan/byte_reader.hpp"

struct evp_md_ctx_st;

struct StreamDigest {
    std::uint64_t size = 0;
    std::string sha256;  // lowercase hex

    bool operator==(const StreamDigest&) const = default;
};

// SHA-256 over bytes that arrive in pieces.
class StreamDigester {
public:
    StreamDigester();
    void add(mqscan::Bytes bytes);
    // Ends the digest; the digester must not be used afterwards.
    [[nodiscard]] StreamDigest finish();

private:
    struct ContextFree {
        void operator()(evp_md_ctx_st* context) const;
    };
    std::unique_ptr<evp_md_ctx_st, ContextFree> context_;
    std::uint64_t size_ = 0;
};

// The digest of bytes that are all at hand.
StreamDigest digest_of(std::string_view bytes);

// A large value as failure messages show it: its first `shown` characters, its length and
// the start of its SHA-256, which still tell it apart from any other.
std::string shortened(const std::string& value, std::size_t shown = 48);
