#pragma once
// Which captures of the public corpus carry TLS, and what their upstream tests expect, read
// from the corpus itself (its MANIFEST.md, suricata-verify's test.yaml files).

#include <cstdint>
#include <string>
#include <vector>

struct TlsCorpusCapture {
    std::string path;
    std::vector<std::uint16_t> tls_ports;  // where tshark needs `-d tcp.port==P,tls`
};

// The captures whose "TLS / other properties" column in `corpus_dir`/MANIFEST.md mentions
// TLS, with the ports of their "tshark -d" column. Throws std::runtime_error when the manifest
// is missing or its table has another shape.
std::vector<TlsCorpusCapture> tls_corpus_captures(const std::string& corpus_dir);

// The JA4 fingerprints the upstream test of the capture at `path` expects: the `tls.ja4:`
// values of the test.yaml beside it (suricata-verify), if any.
std::vector<std::string> upstream_ja4(const std::string& path);
