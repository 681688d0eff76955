#pragma once

#include <string>
#include <vector>

#include "mqscan/session_report.hpp"

namespace mqscan {

// "#3 (client 'pub-q2', 127.0.0.1:60552 -> 127.0.0.1:1883)": how findings name a session.
std::string session_name(const SessionReport& session);

// "'ciel', 'maison/salon/temperature'": quoted and joined.
std::string quoted_list(const std::vector<std::string>& items);

// "#0, #3, #4 and 12 more": the connections a capture-wide finding names.
class ConnectionList {
public:
    void add(std::uint64_t id);
    [[nodiscard]] std::uint64_t count() const { return count_; }
    [[nodiscard]] std::string text() const;
    // "1 connection" / "3 connections"
    [[nodiscard]] std::string counted() const;

private:
    static constexpr std::size_t kNamed = 10;
    std::uint64_t count_ = 0;
    std::string text_;
};

}  // namespace mqscan
