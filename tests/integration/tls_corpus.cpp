#include "tls_corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>

#include "tshark_process.hpp"

namespace fs = std::filesystem;

namespace {

std::string trimmed(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t`");
    const auto end = text.find_last_not_of(" \t`");
    return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

// The cells of a Markdown table row "| a | b |".
std::vector<std::string> cells(const std::string& row) {
    std::vector<std::string> found;
    std::size_t start = row.find('|') + 1;
    for (std::size_t bar; (bar = row.find('|', start)) != std::string::npos; start = bar + 1)
        found.push_back(trimmed(row.substr(start, bar - start)));
    return found;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
    const auto found = std::ranges::find(header, name);
    if (found == header.end())
        throw std::runtime_error("no column '" + name + "' in the corpus MANIFEST.md");
    return static_cast<std::size_t>(found - header.begin());
}

std::vector<std::uint16_t> tls_ports_in(const std::string& options) {
    static const std::regex kDecodeAs(R"(tcp\.port==(\d+),tls)");
    std::vector<std::uint16_t> ports;
    for (std::sregex_iterator it(options.begin(), options.end(), kDecodeAs), end; it != end; ++it)
        ports.push_back(static_cast<std::uint16_t>(parse_number((*it)[1].str())));
    return ports;
}

}  // namespace

std::vector<TlsCorpusCapture> tls_corpus_captures(const std::string& corpus_dir) {
    std::ifstream manifest(fs::path(corpus_dir) / "MANIFEST.md");
    if (!manifest) throw std::runtime_error("cannot read " + corpus_dir + "/MANIFEST.md");
    std::vector<std::string> header;
    std::vector<TlsCorpusCapture> captures;
    for (std::string line; std::getline(manifest, line);) {
        if (line.starts_with("| file |")) header = cells(line);
        if (header.empty() || !line.starts_with("| `")) continue;
        const std::vector<std::string> row = cells(line);
        if (row.size() != header.size())
            throw std::runtime_error("a MANIFEST.md row with another number of cells: " + line);
        if (row[column(header, "TLS / other properties")].find("TLS") == std::string::npos)
            continue;
        captures.push_back({(fs::path(corpus_dir) / row[column(header, "file")]).lexically_normal(),
                            tls_ports_in(row[column(header, "tshark -d")])});
    }
    if (captures.empty()) throw std::runtime_error("no TLS capture in the corpus MANIFEST.md");
    std::ranges::sort(captures, {}, &TlsCorpusCapture::path);
    return captures;
}

std::vector<std::string> upstream_ja4(const std::string& path) {
    std::ifstream test(fs::path(path).parent_path() / "test.yaml");
    static const std::regex kJa4(R"(^\s*tls\.ja4:\s*(\S+)\s*$)");
    std::vector<std::string> expected;
    std::smatch match;
    for (std::string line; std::getline(test, line);)
        if (std::regex_match(line, match, kJa4)) expected.push_back(match[1].str());
    return expected;
}
