#pragma once
// `mqscan grade`: a folder of student captures in, one CSV row per capture out.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mqscan::cli {

struct GradeOptions {
    std::vector<std::string> inputs;
    std::string rubric = "lab-qos";
    std::vector<std::string> ca_files;
    unsigned jobs = 0;  // 0: the number of cores
    std::string output = "-";
    std::string format = "csv";
    bool excel = false;
    bool list_facts = false;
};

CLI::App* add_grade_command(CLI::App& app, GradeOptions& options);
int run_grade(const GradeOptions& options);

}  // namespace mqscan::cli
