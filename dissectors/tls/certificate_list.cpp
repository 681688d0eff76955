#include "tls/certificate_list.hpp"

#include <fmt/core.h>

#include "tls/wire.hpp"

namespace mqscan::tls {

Result<CertificateList, std::string> parse_certificate_list(Bytes body, std::size_t keep) {
    ByteReader in(body);
    auto list = read_vector(in, 3);
    if (!list) return fail(std::string("certificate: the certificate list runs past the message"));
    if (!in.empty())
        return fail(fmt::format("certificate: {} bytes after the certificate list", in.remaining()));
    CertificateList certificates;
    while (!list->empty()) {
        const auto entry = read_vector(*list, 3);
        if (!entry) {
            certificates.entry_overruns = true;
            break;
        }
        if (certificates.kept.size() < keep) certificates.kept.push_back(entry->rest());
        ++certificates.count;
    }
    return certificates;
}

}  // namespace mqscan::tls
