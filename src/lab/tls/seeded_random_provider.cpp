#include "lab/tls/seeded_random_provider.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "lab/net/prng.hpp"
#include "x509/der_certificate.hpp"

namespace mqscan::lab {

namespace {

constexpr const char* kProviderName = "mqscan-seeded-random";
constexpr const char* kAlgorithmName = "MQSCAN-SEEDED";
constexpr const char* kProperties = "provider=mqscan-seeded-random";
constexpr const char* kSeedParameter = "mqscan-seed";  // uint64, set on the primary DRBG
// What a generator claims, so that no caller asks for more (OpenSSL's DRBGs claim 256).
constexpr unsigned int kStrength = 256;

// One DRBG of the context: the primary holds the stream; the others draw from it.
struct SeededRandom {
    int state = EVP_RAND_STATE_UNINITIALISED;
    std::optional<net::Prng> stream;
    SeededRandom* parent = nullptr;    // set when the parent is one of ours
    std::unique_ptr<std::mutex> lock;  // when OpenSSL shares this one between threads
};

void fill(net::Prng& stream, unsigned char* out, std::size_t length) {
    while (length > 0) {
        const std::uint64_t word = stream.next();
        const std::size_t taken = std::min<std::size_t>(length, sizeof word);
        for (std::size_t i = 0; i < taken; ++i)
            out[i] = static_cast<unsigned char>(word >> (8 * i));
        out += taken;
        length -= taken;
    }
}

int generate(void* vctx, unsigned char* out, std::size_t length, unsigned int /*strength*/,
             int /*prediction_resistance*/, const unsigned char* /*adin*/,
             std::size_t /*adin_length*/) {
    auto* random = static_cast<SeededRandom*>(vctx);
    if (random->stream) {
        fill(*random->stream, out, length);
        return 1;
    }
    SeededRandom* primary = random->parent;
    if (primary == nullptr || !primary->stream) return 0;  // never fall back on real randomness
    std::unique_lock<std::mutex> held;
    if (primary->lock) held = std::unique_lock<std::mutex>(*primary->lock);
    fill(*primary->stream, out, length);
    return 1;
}

bool is_ours(const OSSL_DISPATCH* dispatch) {
    for (; dispatch != nullptr && dispatch->function_id != 0; ++dispatch)
        if (dispatch->function_id == OSSL_FUNC_RAND_GENERATE)
            return dispatch->function == reinterpret_cast<void (*)()>(&generate);
    return false;
}

void* new_context(void* /*provider_context*/, void* parent, const OSSL_DISPATCH* parent_dispatch) {
    auto* random = new (std::nothrow) SeededRandom;
    // The primary's parent is the context's seed source, which it never uses.
    if (random != nullptr && parent != nullptr && is_ours(parent_dispatch))
        random->parent = static_cast<SeededRandom*>(parent);
    return random;
}

void free_context(void* vctx) { delete static_cast<SeededRandom*>(vctx); }

int set_context_parameters(void* vctx, const OSSL_PARAM parameters[]) {
    auto* random = static_cast<SeededRandom*>(vctx);
    const OSSL_PARAM* seed = OSSL_PARAM_locate_const(parameters, kSeedParameter);
    if (seed == nullptr) return 1;
    std::uint64_t value = 0;
    if (OSSL_PARAM_get_uint64(seed, &value) != 1) return 0;
    random->stream.emplace(value);
    return 1;
}

int instantiate(void* vctx, unsigned int strength, int /*prediction_resistance*/,
                const unsigned char* /*personalisation*/, std::size_t /*personalisation_length*/,
                const OSSL_PARAM parameters[]) {
    if (strength > kStrength || set_context_parameters(vctx, parameters) != 1) return 0;
    static_cast<SeededRandom*>(vctx)->state = EVP_RAND_STATE_READY;
    return 1;
}

int uninstantiate(void* vctx) {
    static_cast<SeededRandom*>(vctx)->state = EVP_RAND_STATE_UNINITIALISED;
    return 1;
}

int enable_locking(void* vctx) {
    auto* random = static_cast<SeededRandom*>(vctx);
    if (!random->lock) random->lock.reset(new (std::nothrow) std::mutex);
    return random->lock != nullptr ? 1 : 0;
}

int lock(void* vctx) {
    auto* random = static_cast<SeededRandom*>(vctx);
    if (random->lock) random->lock->lock();
    return 1;
}

void unlock(void* vctx) {
    auto* random = static_cast<SeededRandom*>(vctx);
    if (random->lock) random->lock->unlock();
}

int get_context_parameters(void* vctx, OSSL_PARAM parameters[]) {
    const auto* random = static_cast<const SeededRandom*>(vctx);
    OSSL_PARAM* p = OSSL_PARAM_locate(parameters, OSSL_RAND_PARAM_STATE);
    if (p != nullptr && OSSL_PARAM_set_int(p, random->state) != 1) return 0;
    p = OSSL_PARAM_locate(parameters, OSSL_RAND_PARAM_STRENGTH);
    if (p != nullptr && OSSL_PARAM_set_uint(p, kStrength) != 1) return 0;
    p = OSSL_PARAM_locate(parameters, OSSL_RAND_PARAM_MAX_REQUEST);
    if (p != nullptr && OSSL_PARAM_set_size_t(p, INT_MAX) != 1) return 0;
    return 1;
}

const OSSL_PARAM* gettable_context_parameters(void* /*vctx*/, void* /*provider_context*/) {
    static const OSSL_PARAM kGettable[] = {
        OSSL_PARAM_int(OSSL_RAND_PARAM_STATE, nullptr),
        OSSL_PARAM_uint(OSSL_RAND_PARAM_STRENGTH, nullptr),
        OSSL_PARAM_size_t(OSSL_RAND_PARAM_MAX_REQUEST, nullptr),
        OSSL_PARAM_END,
    };
    return kGettable;
}

const OSSL_PARAM* settable_context_parameters(void* /*vctx*/, void* /*provider_context*/) {
    static const OSSL_PARAM kSettable[] = {
        OSSL_PARAM_uint64(kSeedParameter, nullptr),
        OSSL_PARAM_END,
    };
    return kSettable;
}

// OpenSSL's dispatch tables hold every function as void (*)(void).
template <typename Function>
OSSL_DISPATCH entry(int id, Function* function) {
    return OSSL_DISPATCH{id, reinterpret_cast<void (*)()>(function)};
}

const OSSL_DISPATCH kRandomFunctions[] = {
    entry(OSSL_FUNC_RAND_NEWCTX, &new_context),
    entry(OSSL_FUNC_RAND_FREECTX, &free_context),
    entry(OSSL_FUNC_RAND_INSTANTIATE, &instantiate),
    entry(OSSL_FUNC_RAND_UNINSTANTIATE, &uninstantiate),
    entry(OSSL_FUNC_RAND_GENERATE, &generate),
    entry(OSSL_FUNC_RAND_ENABLE_LOCKING, &enable_locking),
    entry(OSSL_FUNC_RAND_LOCK, &lock),
    entry(OSSL_FUNC_RAND_UNLOCK, &unlock),
    entry(OSSL_FUNC_RAND_GETTABLE_CTX_PARAMS, &gettable_context_parameters),
    entry(OSSL_FUNC_RAND_GET_CTX_PARAMS, &get_context_parameters),
    entry(OSSL_FUNC_RAND_SETTABLE_CTX_PARAMS, &settable_context_parameters),
    entry(OSSL_FUNC_RAND_SET_CTX_PARAMS, &set_context_parameters),
    {0, nullptr},
};

const OSSL_ALGORITHM kAlgorithms[] = {
    {kAlgorithmName, kProperties, kRandomFunctions, "SplitMix64 stream of a seed (not secure)"},
    {nullptr, nullptr, nullptr, nullptr},
};

const OSSL_ALGORITHM* query_operation(void* /*provider_context*/, int operation, int* no_cache) {
    *no_cache = 0;
    return operation == OSSL_OP_RAND ? kAlgorithms : nullptr;
}

const OSSL_DISPATCH kProviderFunctions[] = {
    entry(OSSL_FUNC_PROVIDER_QUERY_OPERATION, &query_operation),
    {0, nullptr},
};

int initialise_provider(const OSSL_CORE_HANDLE* /*core*/, const OSSL_DISPATCH* /*from_core*/,
                        const OSSL_DISPATCH** to_core, void** provider_context) {
    static int unused_state = 0;  // the provider keeps none; the core only passes it back
    *to_core = kProviderFunctions;
    *provider_context = &unused_state;
    return 1;
}

void require(bool done, const char* what) {
    if (!done) throw std::runtime_error(std::string(what) + " (" + x509::openssl_reason() + ")");
}

}  // namespace

OSSL_PROVIDER* install_seeded_random(OSSL_LIB_CTX* context, std::uint64_t seed) {
    require(OSSL_PROVIDER_add_builtin(context, kProviderName, &initialise_provider) == 1,
            "cannot register the seeded random provider");
    // Before the DRBGs exist: they are made with the type set here.
    require(RAND_set_DRBG_type(context, kAlgorithmName, kProperties, nullptr, nullptr) == 1,
            "cannot choose the seeded random generator");
    OSSL_PROVIDER* provider = OSSL_PROVIDER_load(context, kProviderName);
    require(provider != nullptr, "cannot load the seeded random provider");
    OSSL_PARAM parameters[] = {
        OSSL_PARAM_construct_uint64(kSeedParameter, &seed),
        OSSL_PARAM_construct_end(),
    };
    EVP_RAND_CTX* primary = RAND_get0_primary(context);
    if (primary == nullptr || EVP_RAND_CTX_set_params(primary, parameters) != 1) {
        const std::string reason = x509::openssl_reason();
        OSSL_PROVIDER_unload(provider);
        throw std::runtime_error("cannot seed the random generator (" + reason + ")");
    }
    return provider;
}

}  // namespace mqscan::lab
