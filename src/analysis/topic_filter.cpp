#include "analysis/topic_filter.hpp"

#include <algorithm>

namespace mqscan {
namespace {

// Walks a topic name or filter one level at a time; levels may be empty
// ("a//b" has three levels, "/a" two).
class Levels {
public:
    explicit Levels(std::string_view text) : rest_(text) {}

    [[nodiscard]] bool done() const { return done_; }

    std::string_view next() {
        const std::size_t slash = rest_.find('/');
        const std::string_view level = rest_.substr(0, slash);
        if (slash == std::string_view::npos) {
            done_ = true;
            rest_ = {};
        } else {
            rest_.remove_prefix(slash + 1);
        }
        return level;
    }

private:
    std::string_view rest_;
    bool done_ = false;
};

bool starts_with_wildcard(std::string_view filter) {
    return filter.front() == '+' || filter.front() == '#';
}

}  // namespace

// One pass over the characters: every SUBSCRIBE filter is checked.
bool valid_topic_filter(std::string_view filter) {
    if (filter.empty()) return false;  // [MQTT-4.7.3-1]
    std::size_t level_start = 0;
    for (std::size_t i = 0; i < filter.size(); ++i) {
        const char c = filter[i];
        if (c == '\0') return false;  // [MQTT-4.7.3-2]
        if (c == '/') level_start = i + 1;
        if (c != '+' && c != '#') continue;
        // A wildcard fills its level [MQTT-4.7.1-3]; '#' only the last one [MQTT-4.7.1-2].
        const bool last = i + 1 == filter.size();
        if (i != level_start || !(last || filter[i + 1] == '/')) return false;
        if (c == '#' && !last) return false;
    }
    return true;
}

// A plain loop: find_first_of runs a memchr over "+#" for every character.
bool has_wildcard(std::string_view filter) {
    return std::any_of(filter.begin(), filter.end(), [](char c) { return c == '+' || c == '#'; });
}

bool valid_topic_name(std::string_view topic) { return !topic.empty() && !has_wildcard(topic); }

bool topic_matches(std::string_view filter, std::string_view topic) {
    return valid_topic_name(topic) && valid_topic_filter(filter) && valid_topic_matches(filter, topic);
}

bool valid_topic_matches(std::string_view filter, std::string_view topic) {
    if (topic.empty() || filter.empty()) return false;
    if (topic.front() == '$' && starts_with_wildcard(filter)) return false;  // [MQTT-4.7.2-1]
    Levels wanted(filter);
    Levels given(topic);
    while (!wanted.done()) {
        const std::string_view level = wanted.next();
        // '#' also matches the parent level: "sport/#" matches "sport" [MQTT-4.7.1-2].
        if (level == "#") return true;
        if (given.done()) return false;
        const std::string_view actual = given.next();
        if (level != "+" && level != actual) return false;
    }
    return given.done();
}

std::string_view subscription_topic_filter(std::string_view filter) {
    constexpr std::string_view kSharePrefix = "$share/";
    if (!filter.starts_with(kSharePrefix)) return filter;
    const std::string_view rest = filter.substr(kSharePrefix.size());
    const std::size_t slash = rest.find('/');
    // No filter after the share name: not a shared subscription [MQTT-4.8.2-2].
    if (slash == std::string_view::npos) return filter;
    return rest.substr(slash + 1);
}

}  // namespace mqscan
