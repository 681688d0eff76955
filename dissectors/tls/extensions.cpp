#include "tls/extensions.hpp"

#include <bitset>
#include <optional>

#include "tls/names.hpp"
#include "tls/wire.hpp"

namespace mqscan::tls {
namespace {

std::string text_of(Bytes bytes) { return std::string(bytes.begin(), bytes.end()); }

// RFC 6066 §3: a list of (name_type, name); the first host_name (0) is the SNI.
bool read_server_name(ByteReader& data, HelloKind kind, TlsHelloSummary& hello) {
    if (kind != HelloKind::Client) return true;  // the server's is empty
    auto list = read_vector(data, 2);
    if (!list) return false;
    while (!list->empty()) {
        const auto name_type = list->u8();
        const auto name = read_vector(*list, 2);
        if (!name_type || !name) return false;
        if (*name_type == 0 && hello.sni.empty()) hello.sni = text_of(name->rest());
    }
    return true;
}

// RFC 8446 §4.2.1: the client's list, or the server's one selected version.
bool read_supported_versions(ByteReader& data, HelloKind kind, TlsHelloSummary& hello) {
    if (kind == HelloKind::Client) {
        auto versions = read_u16_list(data, 1);
        if (versions) hello.supported_versions = std::move(*versions);
        return versions.has_value();
    }
    const auto selected = data.u16be();
    if (selected) hello.supported_versions = {*selected};
    return selected.has_value();
}

// RFC 7301 §3.1: a list of non-empty protocol names; the server's holds one.
bool read_alpn(ByteReader& data, TlsHelloSummary& hello) {
    auto list = read_vector(data, 2);
    if (!list) return false;
    while (!list->empty()) {
        const auto name = read_vector(*list, 1);
        if (!name) return false;
        hello.alpn.push_back(text_of(name->rest()));
    }
    return true;
}

// RFC 8446 §4.2.8: the client's shares, the server's share, or the group a
// HelloRetryRequest asks for.
bool read_key_share(ByteReader& data, HelloKind kind, TlsHelloSummary& hello) {
    const auto read_share = [&hello](ByteReader& in) {
        const auto group = in.u16be();
        if (!group || !read_vector(in, 2)) return false;
        hello.key_share_groups.push_back(*group);
        return true;
    };
    if (kind == HelloKind::Server) return read_share(data);
    if (kind == HelloKind::RetryRequest) {
        const auto group = data.u16be();
        if (group) hello.key_share_groups.push_back(*group);
        return group.has_value();
    }
    auto shares = read_vector(data, 2);
    if (!shares) return false;
    while (!shares->empty())
        if (!read_share(*shares)) return false;
    return true;
}

// RFC 8446 §4.2.11: identities (identity, obfuscated age) and binders, or
// the index of the identity the server selected.
bool read_pre_shared_key(ByteReader& data, HelloKind kind, TlsHelloSummary& hello) {
    if (kind != HelloKind::Client) {
        hello.psk_selected_identity = data.u16be();
        return hello.psk_selected_identity.has_value();
    }
    auto identities = read_vector(data, 2);
    auto binders = identities ? read_vector(data, 2) : std::nullopt;
    if (!identities || !binders) return false;
    while (!identities->empty()) {
        if (!read_vector(*identities, 2) || !identities->u32be()) return false;
        ++hello.psk_identities;
    }
    while (!binders->empty())
        if (!read_vector(*binders, 1)) return false;
    return true;
}

// RFC 6066 §8: status_type, responder_id_list, request_extensions; the
// server's is empty.
bool read_status_request(ByteReader& data, HelloKind kind, TlsHelloSummary& hello) {
    hello.status_request = true;
    if (kind != HelloKind::Client) return true;
    return data.u8() && read_vector(data, 2) && read_vector(data, 2);
}

// Reads one extension's content; false when it contradicts its lengths.
bool read_content(std::uint16_t type, ByteReader& data, HelloKind kind, TlsHelloSummary& hello) {
    const auto assign = [](auto& field, auto value) {
        if (value) field = std::move(*value);
        return value.has_value();
    };
    switch (type) {
        case extension::kServerName: return read_server_name(data, kind, hello);
        case extension::kSupportedVersions: return read_supported_versions(data, kind, hello);
        case extension::kSupportedGroups: return assign(hello.supported_groups, read_u16_list(data, 2));
        case extension::kSignatureAlgorithms:
            return assign(hello.signature_algorithms, read_u16_list(data, 2));
        case extension::kEcPointFormats: return assign(hello.ec_point_formats, read_u8_list(data));
        case extension::kAlpn: return read_alpn(data, hello);
        case extension::kKeyShare: return read_key_share(data, kind, hello);
        case extension::kPskKeyExchangeModes: return assign(hello.psk_key_exchange_modes, read_u8_list(data));
        case extension::kPreSharedKey: return read_pre_shared_key(data, kind, hello);
        case extension::kEarlyData: hello.early_data = true; return true;
        case extension::kStatusRequest: return read_status_request(data, kind, hello);
        case extension::kRecordSizeLimit: return assign(hello.record_size_limit, data.u16be());
        default: data.skip(data.remaining()); return true;
    }
}

}  // namespace

bool read_extensions(ByteReader block, HelloKind kind, TlsHelloSummary& hello,
                     std::vector<ParseIssue>& issues) {
    std::bitset<65536> seen;
    while (!block.empty()) {
        const auto type = block.u16be();
        auto data = type ? read_vector(block, 2) : std::nullopt;
        if (!data) return false;
        hello.extensions.push_back(*type);
        if (seen.test(*type)) {
            issues.push_back({AnomalyId::TlsExtensionDuplicate, extension_name(*type)});
            continue;  // the first one stays
        }
        seen.set(*type);
        if (!read_content(*type, *data, kind, hello) || !data->empty())
            issues.push_back({AnomalyId::TlsExtensionMalformed, extension_name(*type)});
    }
    return true;
}

}  // namespace mqscan::tls
