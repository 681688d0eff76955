#include "tshark_follow.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "tshark_process.hpp"

namespace {

using mqscan::Endpoint;
using mqscan::IpVersion;

// "192.0.2.1:1883", "[2001:db8::1]:1883", or ":0" for a stream tshark does not have.
std::optional<Endpoint> parse_node(std::string_view text) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos)
        throw std::runtime_error(fmt::format("bad tshark node '{}'", text));
    std::string address(text.substr(0, colon));
    if (address.empty()) return std::nullopt;
    Endpoint endpoint;
    endpoint.port = static_cast<std::uint16_t>(parse_number(text.substr(colon + 1)));
    int family = AF_INET;
    if (address.front() == '[' && address.back() == ']') {
        address = address.substr(1, address.size() - 2);
        family = AF_INET6;
        endpoint.address.version = IpVersion::V6;
    }
    if (inet_pton(family, address.c_str(), endpoint.address.bytes.data()) != 1)
        throw std::runtime_error(fmt::format("bad address in tshark node '{}'", text));
    return endpoint;
}

// Where the peer acknowledged bytes the capture lacks and later data is waiting, tshark puts
// its own record "[N bytes missing in capture file]", NUL-terminated, among the data: a
// placeholder, not payload. Returns N for such a record.
std::optional<std::uint64_t> missing_bytes_marker(const std::vector<std::uint8_t>& record) {
    using namespace std::string_view_literals;
    constexpr std::string_view kSuffix = " bytes missing in capture file]\0"sv;
    const std::string_view text(reinterpret_cast<const char*>(record.data()), record.size());
    if (!text.starts_with('[') || !text.ends_with(kSuffix)) return std::nullopt;
    const std::string_view digits = text.substr(1, text.size() - 1 - kSuffix.size());
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value;
}

// Reads the blocks tshark prints for `-z follow,tcp,raw,N` (in any order):
//   ====...
//   Follow: tcp,raw
//   Filter: tcp.stream eq N
//   Node 0: 192.0.2.1:50000
//   Node 1: 192.0.2.2:1883
//   ====...
//   <hex of a record node 0 sent>
//   <TAB><hex of a record node 1 sent>
//   ...
//   ====...
class FollowParser {
public:
    explicit FollowParser(std::uint64_t count) : streams_(count), digesters_(count) {}

    void line(std::string_view text) {
        if (text.empty() || text.starts_with("=====") || text == "Follow: tcp,raw") return;
        if (text.starts_with(kFilter)) return select(parse_number(text.substr(kFilter.size())));
        if (text.starts_with(kNode0)) return set_node(0, text.substr(kNode0.size()));
        if (text.starts_with(kNode1)) return set_node(1, text.substr(kNode1.size()));
        const int node = text.starts_with('\t') ? 1 : 0;
        const std::vector<std::uint8_t> record = parse_hex(text.substr(node));
        if (const auto missing = missing_bytes_marker(record)) {
            streams_.at(current()).missing[node] += *missing;
        } else {
            digesters_.at(current()).at(node).add(record);
        }
    }

    std::vector<TsharkStream> finish() {
        for (std::size_t i = 0; i < streams_.size(); ++i)
            for (int node : {0, 1}) streams_[i].sent[node] = digesters_[i][node].finish();
        return std::move(streams_);
    }

private:
    static constexpr std::string_view kFilter = "Filter: tcp.stream eq ";
    static constexpr std::string_view kNode0 = "Node 0: ";
    static constexpr std::string_view kNode1 = "Node 1: ";

    void select(std::uint64_t stream) {
        if (stream >= streams_.size())
            throw std::runtime_error(fmt::format("tshark followed unrequested stream {}", stream));
        current_ = stream;
    }
    void set_node(int node, std::string_view text) {
        streams_.at(current()).nodes[node] = parse_node(text);
    }
    std::size_t current() const {
        if (!current_) throw std::runtime_error("tshark printed data before a Filter: line");
        return *current_;
    }

    std::vector<TsharkStream> streams_;
    std::vector<std::array<StreamDigester, 2>> digesters_;
    std::optional<std::size_t> current_;
};

}  // namespace

std::vector<TsharkStream> tshark_follow_tcp(const std::string& path, std::uint64_t count) {
    std::string arguments = "-n -q -r " + shell_quote(path);
    for (std::uint64_t stream = 0; stream < count; ++stream)
        arguments += fmt::format(" -z follow,tcp,raw,{}", stream);
    FollowParser parser(count);
    run_tshark(arguments, [&](std::string_view line) { parser.line(line); });
    return parser.finish();
}

std::uint64_t tshark_tcp_stream_count(const std::string& path) {
    std::uint64_t count = 0;
    run_tshark("-n -r " + shell_quote(path) + " -T fields -e tcp.stream",
               [&](std::string_view line) {
                   // A frame with several TCP headers (e.g. in an ICMP error) lists several.
                   while (!line.empty()) {
                       const std::size_t comma = std::min(line.find(','), line.size());
                       count = std::max(count, parse_number(line.substr(0, comma)) + 1);
                       line.remove_prefix(std::min(comma + 1, line.size()));
                   }
               });
    return count;
}
