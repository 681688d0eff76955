#pragma once
// MQTT topic names and topic filters [MQTT-4.7]: pure functions, also used to
// narrow a report to a topic filter given on the command line.

#include <string_view>

namespace mqscan {

// A well-formed topic filter: at least one character [MQTT-4.7.3-1], no NUL
// [MQTT-4.7.3-2], '#' alone in the last level [MQTT-4.7.1-2], '+' alone in its
// level [MQTT-4.7.1-3].
[[nodiscard]] bool valid_topic_filter(std::string_view filter);

// The filter holds '+' or '#'.
[[nodiscard]] bool has_wildcard(std::string_view filter);

// A well-formed topic name: at least one character, no wildcard [MQTT-4.7.1-1].
[[nodiscard]] bool valid_topic_name(std::string_view topic);

// Whether `topic` (a topic name) matches `filter`, level by level [MQTT-4.7]:
// '+' matches one level, '#' the parent level and any number of levels below;
// a filter starting with a wildcard matches no topic starting with '$'
// [MQTT-4.7.2-1]. An invalid filter or topic name matches nothing.
[[nodiscard]] bool topic_matches(std::string_view filter, std::string_view topic);

// topic_matches() for a filter and a topic name already checked with
// valid_topic_filter() and valid_topic_name(): for matching many times.
[[nodiscard]] bool valid_topic_matches(std::string_view filter, std::string_view topic);

// The topic filter a subscription applies: for a 5.0 shared subscription
// "$share/{ShareName}/{filter}" [MQTT-4.8.2] the part after the share name,
// else the filter itself.
[[nodiscard]] std::string_view subscription_topic_filter(std::string_view filter);

}  // namespace mqscan
