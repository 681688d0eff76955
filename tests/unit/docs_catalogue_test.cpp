// Every stable id a report can print is documented in docs/json-schema.md.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "mqscan/anomaly.hpp"
#include "mqscan/finding.hpp"

namespace mqscan {
namespace {

std::string schema_text() {
    std::ifstream in(MQSCAN_SOURCE_DIR "/docs/json-schema.md");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool documented(const std::string& schema, std::string_view id) {
    return schema.find("| `" + std::string(id) + "` |") != std::string::npos;
}

}  // namespace

TEST_CASE("Every finding id is in the JSON schema's catalogue", "[docs]") {
    const std::string schema = schema_text();
    REQUIRE_FALSE(schema.empty());
    for (std::size_t i = 0; i < finding_kind_count(); ++i) {
        const std::string_view id = describe(static_cast<FindingId>(i)).id;
        INFO(id);
        CHECK(documented(schema, id));
    }
}

TEST_CASE("Every anomaly id is in the JSON schema's catalogue", "[docs]") {
    const std::string schema = schema_text();
    for (std::size_t i = 0; i < anomaly_kind_count(); ++i) {
        const std::string_view id = describe(static_cast<AnomalyId>(i)).id;
        INFO(id);
        CHECK(documented(schema, id));
    }
}

}  // namespace mqscan
