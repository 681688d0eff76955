#include "lab/scenario/scenario_registry.hpp"

namespace mqscan::lab {

const std::vector<Scenario>& all_scenarios() {
    static const std::vector<Scenario> all = [] {
        std::vector<Scenario> scenarios;
        for (const auto group : {lab1_scenarios(), tls_scenarios(), mistake_scenarios()})
            scenarios.insert(scenarios.end(), group.begin(), group.end());
        return scenarios;
    }();
    return all;
}

const Scenario* find_scenario(std::string_view name) {
    for (const Scenario& scenario : all_scenarios())
        if (scenario.name == name) return &scenario;
    return nullptr;
}

}  // namespace mqscan::lab
