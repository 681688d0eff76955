// The grades CSV (and its French-spreadsheet variant) and JSON.
#include <catch2/catch.hpp>

#include "report/grade_output.hpp"

namespace mqscan {
namespace {

grade::Rubric two_checks() {
    auto rubric = grade::parse_rubric(R"(title = "t"
[[check]]
id = "qos2"
label = "QoS 2"
points = 1.5
condition = "mqtt.qos2_complete >= 1"
[[check]]
id = "mutual"
label = "mutual TLS"
condition = "tls.mutual"
)",
                                      "t.toml");
    REQUIRE(rubric);
    return *rubric;
}

std::vector<grade::GradeRow> rows() {
    grade::GradeRow graded;
    graded.file = "class/mqtt-inès.pcap";
    graded.student = "Inès Lefèvre";
    graded.name_source = "certificate O";
    graded.status = grade::GradeStatus::Graded;
    graded.checks = {{grade::Truth::True, 1.5, ""}, {grade::Truth::Unknown, 0, "tls.mutual: TLS 1.3, hidden"}};
    graded.total = 1.5;
    grade::GradeRow unreadable;
    unreadable.file = "class/notes.pcap";
    unreadable.error = "not a capture file";
    return {graded, unreadable};
}

}  // namespace

TEST_CASE("grades CSV: a row per capture, ? for unknown, the reasons in notes", "[grade][csv]") {
    CHECK(grades_csv(two_checks(), rows(), {}) ==
          "file,student,name_source,status,qos2,mutual,total,max,notes\r\n"
          "class/mqtt-inès.pcap,Inès Lefèvre,certificate O,graded,1.5,?,1.5,2.5,"
          "\"mutual (unknown, 1 pt): tls.mutual: TLS 1.3, hidden\"\r\n"
          "class/notes.pcap,,,unreadable,,,,2.5,not a capture file\r\n");
}

TEST_CASE("grades CSV for Excel: byte order mark, semicolons, decimal commas", "[grade][csv]") {
    const std::string csv = grades_csv(two_checks(), rows(), {true});
    CHECK(csv.substr(0, 3) == "\xef\xbb\xbf");
    CHECK(csv.find("file;student;name_source;status;qos2;mutual;total;max;notes\r\n") == 3);
    CHECK(csv.find(";graded;1,5;?;1,5;2,5;mutual (unknown, 1 pt): tls.mutual: TLS 1.3, hidden\r\n") !=
          std::string::npos);
}

TEST_CASE("grades JSON: the rubric, then each capture's checks", "[grade][json]") {
    const std::string json = grades_json(two_checks(), rows());
    CHECK(json.find(R"("max": 2.5)") != std::string::npos);
    CHECK(json.find(R"("state": "unknown")") != std::string::npos);
    CHECK(json.find(R"("reason": "tls.mutual: TLS 1.3, hidden")") != std::string::npos);
    CHECK(json.find(R"("status": "unreadable",
      "error": "not a capture file",
      "checks": [],
      "total": null)") != std::string::npos);
}

}  // namespace mqscan
