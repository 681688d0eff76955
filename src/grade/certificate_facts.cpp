#include <algorithm>
#include <fmt/format.h>

#include "grade/fact_groups.hpp"
#include "mqscan/capture_report.hpp"

namespace mqscan::grade {
namespace {

enum class Role { Server, Client };
enum class Name { Subject, Issuer };

std::string_view role_words(Role role) { return role == Role::Server ? "broker (server)" : "client"; }

const std::vector<CertificateEntry>& chain_of(const TlsConnectionReport& t, Role role) {
    return role == Role::Server ? t.server_certificates : t.client_certificates;
}

struct Leaf {
    const TlsConnectionReport* connection = nullptr;
    const CertificateSummary* summary = nullptr;
};

// The first readable leaf certificate of `role`, by connection.
Leaf first_leaf(const CaptureReport& report, Role role) {
    for (const TlsConnectionReport& t : report.tls) {
        const auto& chain = chain_of(t, role);
        if (!chain.empty() && chain.front().summary) return {&t, &*chain.front().summary};
    }
    return {};
}

// No leaf: unknown when TLS 1.3 hid the certificates, else known absent.
FactValue no_leaf(const CaptureReport& report, Role role) {
    if (std::any_of(report.tls.begin(), report.tls.end(),
                    [](const TlsConnectionReport& t) { return !t.certificates_visible; }))
        return FactValue::unknown("TLS 1.3 encrypts the certificates: they cannot be seen without the keys");
    return {std::string(), true, fmt::format("no {} certificate in the capture", role_words(role))};
}

constexpr std::string_view kAttributes[] = {"O", "OU", "CN"};

template <Role role, Name name, std::size_t attribute>
FactValue name_attribute(const FactSource& s, std::string_view) {
    const Leaf leaf = first_leaf(s.report, role);
    if (leaf.summary == nullptr) return no_leaf(s.report, role);
    const DistinguishedName& dn = name == Name::Subject ? leaf.summary->subject : leaf.summary->issuer;
    const std::string_view key = kAttributes[attribute];
    const auto found = std::find_if(dn.begin(), dn.end(), [&](const NameAttribute& a) { return a.key == key; });
    if (found == dn.end())
        return {std::string(), true,
                fmt::format("the {} certificate (connection #{}) has no {} in its {}", role_words(role),
                            leaf.connection->connection, key, name == Name::Subject ? "subject" : "issuer")};
    return {found->value, true, fmt::format("the {} certificate, connection #{}", role_words(role), leaf.connection->connection)};
}

template <Role role>
FactValue verified(const FactSource& s, std::string_view) {
    if (!s.ca_given) return FactValue::unknown("no CA certificate given (--ca): chains were not verified");
    const Leaf leaf = first_leaf(s.report, role);
    if (leaf.summary == nullptr) {
        FactValue v = no_leaf(s.report, role);
        if (v.known) v.value = false;
        return v;
    }
    const auto& verification =
        role == Role::Server ? leaf.connection->server_verification : leaf.connection->client_verification;
    if (!verification) return FactValue::unknown("the chain was not verified");
    if (verification->ok) return {true, true, ""};
    return {false, true,
            fmt::format("the {} certificate (connection #{}) does not verify against the CA: {}", role_words(role),
                        leaf.connection->connection, verification->reason)};
}

#define MQSCAN_NAME_FACTS(role_name, role, name_word, name)                                                      \
    {"cert." role_name "." name_word ".O", FactType::Text, "", "O of the " role_name " certificate's " name_word, \
     name_attribute<role, name, 0>},                                                                            \
        {"cert." role_name "." name_word ".OU", FactType::Text, "",                                              \
         "OU of the " role_name " certificate's " name_word, name_attribute<role, name, 1>},                      \
        {"cert." role_name "." name_word ".CN", FactType::Text, "",                                              \
         "CN of the " role_name " certificate's " name_word, name_attribute<role, name, 2>}

const FactInfo kFacts[] = {
    MQSCAN_NAME_FACTS("server", Role::Server, "subject", Name::Subject),
    MQSCAN_NAME_FACTS("server", Role::Server, "issuer", Name::Issuer),
    MQSCAN_NAME_FACTS("client", Role::Client, "subject", Name::Subject),
    MQSCAN_NAME_FACTS("client", Role::Client, "issuer", Name::Issuer),
    {"cert.server.verified", FactType::Boolean, "", "the broker's chain verifies against --ca", verified<Role::Server>},
    {"cert.client.verified", FactType::Boolean, "", "the client's chain verifies against --ca", verified<Role::Client>},
};

#undef MQSCAN_NAME_FACTS

}  // namespace

std::span<const FactInfo> certificate_facts() { return kFacts; }

}  // namespace mqscan::grade
