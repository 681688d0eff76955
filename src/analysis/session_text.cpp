#include "analysis/session_text.hpp"

#include <fmt/format.h>

namespace mqscan {

std::string session_name(const SessionReport& s) {
    const std::string client =
        s.client_id.empty() ? std::string() : fmt::format("client '{}', ", s.client_id);
    return fmt::format("#{} ({}{} -> {})", s.connection, client, s.client.to_string(), s.broker.to_string());
}

void ConnectionList::add(std::uint64_t id) {
    if (count_++ < kNamed) text_ += fmt::format("{}#{}", text_.empty() ? "" : ", ", id);
}

std::string ConnectionList::text() const {
    return count_ > kNamed ? fmt::format("{} and {} more", text_, count_ - kNamed) : text_;
}

std::string ConnectionList::counted() const {
    return fmt::format("{} connection{}", count_, count_ == 1 ? "" : "s");
}

std::string quoted_list(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) out += ", ";
        out += '\'';
        out += item;
        out += '\'';
    }
    return out;
}

}  // namespace mqscan
