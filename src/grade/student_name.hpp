#pragma once
// Whose capture it is: from the lab certificates (O = "Ciel <name>", OU =
// "iot <name>"), else from the file name the lab asks for (mqtt-<name>.pcap).

#include <string>
#include <string_view>

namespace mqscan {
struct CaptureReport;
}

namespace mqscan::grade {

struct StudentName {
    std::string name;    // empty when nothing tells
    std::string source;  // "certificate O", "certificate OU", "file name", or empty
};

StudentName student_name(const CaptureReport& report, std::string_view path);

}  // namespace mqscan::grade
