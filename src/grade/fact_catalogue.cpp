#include <algorithm>
#include <vector>

#include "grade/fact_groups.hpp"

namespace mqscan::grade {

std::string_view to_string(FactType type) {
    switch (type) {
        case FactType::Boolean: return "boolean";
        case FactType::Number: return "number";
        case FactType::Text: return "text";
    }
    return "?";
}

std::span<const FactInfo> fact_catalogue() {
    static const std::vector<FactInfo> all = [] {
        std::vector<FactInfo> facts;
        for (const auto group : {capture_facts(), mqtt_facts(), tls_facts(), certificate_facts(), cleartext_facts()})
            facts.insert(facts.end(), group.begin(), group.end());
        return facts;
    }();
    return all;
}

const FactInfo* find_fact(std::string_view name) {
    const auto all = fact_catalogue();
    const auto found = std::find_if(all.begin(), all.end(), [&](const FactInfo& f) { return f.name == name; });
    return found == all.end() ? nullptr : &*found;
}

}  // namespace mqscan::grade
