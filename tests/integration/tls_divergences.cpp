#include "tls_divergences.hpp"

#include <algorithm>

namespace {

// A fact of tcp.stream 0 that only mqscan states.
FactDifference mqscan_only(std::string fact, std::string value) {
    return {0, std::move(fact), std::move(value), "none"};
}

// Each entry is also described in README.md ("Documented divergences").
const std::vector<KnownTlsDivergence> kDivergences{
    {"zeek/testing/btest/Traces/tls/tls-fragmented-handshake.pcap.gz",
     "tshark is wrong: it does not reassemble the server's 339,629-byte Certificate message "
     "(frame 25 starts it: 16 03 03 40 00 0b 05 2e ad, a handshake record of 16384 bytes "
     "holding type 11 of length 0x052ead; a list of one certificate of 0x052ea7 = 339,623 "
     "bytes) spread over 21 records (frames 25 to 410, 20 of 16384 bytes and one of 11953). "
     "tshark shows each of them as 'Encrypted Handshake Message', although no "
     "ChangeCipherSpec came before, and no Certificate. Zeek's baseline "
     "(scripts.base.protocols.ssl.fragment/.stdout) reads the certificate and its 10000 "
     "subject alternative names; mqscan reads it too (and lists the first 100 names)",
     {
         mqscan_only("from 4433: certificate[0].der_length", "339623"),
         mqscan_only("from 4433: certificate[0].is_ca", "false"),
         mqscan_only("from 4433: certificate[0].issuer", "CN=Bro"),
         mqscan_only("from 4433: certificate[0].key", "RSA 2048"),
         mqscan_only("from 4433: certificate[0].not_after", "2016-03-10T23:27:53Z"),
         mqscan_only("from 4433: certificate[0].not_before", "2015-03-11T23:27:53Z"),
         mqscan_only("from 4433: certificate[0].san",
                     "DNS:1.alt.helloIamADomain.example DNS:2.alt.helloIamADomain.example "
                     "DNS:3.alt.helloIamADomain.example DNS:4.alt.helloIamADomain.example "
                     "DNS:5.alt.helloIamADomain.example DNS:6.alt.helloIamADomain.exam..."
                     "[3491 characters, sha256 4f237b25667a280b]"),
         mqscan_only("from 4433: certificate[0].serial", "C8BCD2FE4449B8B3"),
         mqscan_only("from 4433: certificate[0].sha256",
                     "af4a46e989dc24078ee2a205490856e059e7f2f9d2114cec4d4c44974add9d34"),
         mqscan_only("from 4433: certificate[0].signature_algorithm", "sha256WithRSAEncryption"),
         mqscan_only("from 4433: certificate[0].subject", "CN=Bro"),
         {0, "from 4433: certificates", "1", "0"},
         {0, "from 4433: handshake",
          "server_hello certificate server_key_exchange server_hello_done",
          "server_hello server_key_exchange server_hello_done"},
     }},
};

}  // namespace

const KnownTlsDivergence* known_tls_divergence(std::string_view relative_path) {
    const auto found = std::ranges::find(kDivergences, relative_path, &KnownTlsDivergence::capture);
    return found == kDivergences.end() ? nullptr : &*found;
}
