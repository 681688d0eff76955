// Every stable id a report can print is documented in docs/json-schema.md.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "grade/fact.hpp"
#include "mqscan/anomaly.hpp"
#include "mqscan/finding.hpp"

namespace mqscan {
namespace {

std::string doc_text(const char* path) {
    std::ifstream in(std::string(MQSCAN_SOURCE_DIR "/") + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string schema_text() { return doc_text("docs/json-schema.md"); }

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

TEST_CASE("Every grading fact is in docs/grading.md's tables", "[docs][grade]") {
    const std::string doc = doc_text("docs/grading.md");
    REQUIRE_FALSE(doc.empty());
    for (const grade::FactInfo& f : grade::fact_catalogue()) {
        const std::string shown =
            f.argument.empty() ? std::string(f.name) : std::string(f.name) + "(\"" + std::string(f.argument) + "\")";
        INFO(shown);
        CHECK(documented(doc, shown));
    }
}

}  // namespace mqscan
