#pragma once
// Where OpenSSL finds its algorithms and draws its random bytes for the lab's
// TLS: the system's library (real randomness, for a lab broker that talks to
// real clients), or a library of its own whose every random byte comes from a
// seed (reference captures: the same seed gives the same bytes on the wire).
//
// A seeded library is not secure, by design: its keys, randoms and nonces
// follow from 64 bits. It is meant to be used by one thread at a time.
// OpenSSL stays behind this header.

#include <cstdint>
#include <memory>

namespace mqscan::lab {

class CryptoLibrary {
public:
    // OpenSSL's default library context, as configured on this host.
    static std::shared_ptr<const CryptoLibrary> system();
    // A library context of its own: OpenSSL's default provider for the
    // algorithms, none of the host's configuration, and a random generator
    // that yields the bytes of the seed's SplitMix64 stream, in the order
    // OpenSSL asks for them (keys, hello randoms, session ids, key shares,
    // signature nonces and salts, explicit IVs alike).
    static std::shared_ptr<const CryptoLibrary> seeded(std::uint64_t seed);

    CryptoLibrary(const CryptoLibrary&) = delete;
    CryptoLibrary& operator=(const CryptoLibrary&) = delete;
    ~CryptoLibrary();

    [[nodiscard]] bool is_seeded() const;

private:
    struct Context;
    explicit CryptoLibrary(std::unique_ptr<Context> context);
    std::unique_ptr<Context> context_;
    friend struct CryptoLibraryAccess;  // how code that talks to OpenSSL reaches the context
};

}  // namespace mqscan::lab
