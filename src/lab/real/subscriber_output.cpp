#include "lab/real/subscriber_output.hpp"

namespace mqscan::lab::real {

std::string subscriber_line(const Message& message, bool with_topic) {
    return with_topic ? message.topic + " " + message.payload : message.payload;
}

bool write_subscriber_line(std::FILE* out, const Message& message, bool with_topic) {
    std::string line = subscriber_line(message, with_topic);
    line += '\n';
    return std::fwrite(line.data(), 1, line.size(), out) == line.size() && std::fflush(out) == 0;
}

}  // namespace mqscan::lab::real
