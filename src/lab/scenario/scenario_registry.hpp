#pragma once
// Every lab scenario, found by name.

#include <string_view>
#include <vector>

#include "lab/scenario/scenario.hpp"

namespace mqscan::lab {

// Lab 1's, then lab 2's, then the mistakes.
const std::vector<Scenario>& all_scenarios();
// nullptr for an unknown name.
const Scenario* find_scenario(std::string_view name);

}  // namespace mqscan::lab
