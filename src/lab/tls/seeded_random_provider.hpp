#pragma once
// Internal: an OpenSSL 3 provider whose only algorithm is a random generator
// ("EVP_RAND") yielding the bytes of a seed's SplitMix64 stream.
//
// Why a provider: in OpenSSL 3.0 every random byte that libssl and the default
// provider draw (RAND_bytes_ex, RAND_priv_bytes_ex: hello randoms, session ids,
// key generation, ECDSA nonces, RSA-PSS salts, GCM explicit IVs, blinding)
// comes from the three DRBGs of the library context in use, and
// RAND_set_DRBG_type chooses their algorithm per context. The global
// RAND_METHOD would reach the same calls but changes every context of the process.
// The built-in TEST-RAND is no substitute: in 3.0 it replays a fixed buffer and
// fails once it is used up.

#include <cstdint>

#include <openssl/types.h>

namespace mqscan::lab {

// Makes every random byte drawn in `context` come from `seed`: the primary DRBG
// holds the stream, and the per-thread public and private DRBGs draw from it,
// so the bytes depend on the order of the draws alone. `context` must be new
// (no random bytes drawn yet). Returns the provider, to unload before freeing
// `context`; throws std::runtime_error when OpenSSL refuses.
OSSL_PROVIDER* install_seeded_random(OSSL_LIB_CTX* context, std::uint64_t seed);

}  // namespace mqscan::lab
