#include "cli/grade_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <thread>
#include <unistd.h>

#include "cli/analysis_options.hpp"
#include "cli/exit_codes.hpp"
#include "grade/grader.hpp"
#include "report/grade_output.hpp"
#include "x509/trust_store.hpp"

namespace mqscan::cli {
namespace {

void print_facts() {
    for (const grade::FactInfo& f : grade::fact_catalogue()) {
        const std::string name = f.argument.empty() ? std::string(f.name) : fmt::format("{}(\"{}\")", f.name, f.argument);
        fmt::print("{:<34} {:<8} {}\n", name, grade::to_string(f.type), f.description);
    }
}

// "grading 12/30 mqtt-alice.pcap" on one line of a terminal, rewritten in place.
void show_progress(std::size_t done, std::size_t total, const std::string& file) {
    fmt::print(stderr, "\r\x1b[2Kgrading {}/{} {}", done, total, file);
    if (done == total) fmt::print(stderr, "\r\x1b[2K");
    std::fflush(stderr);
}

bool write_all(const std::string& path, const std::string& text) {
    if (path == "-") return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0;
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), std::fclose);
    return file && std::fwrite(text.data(), 1, text.size(), file.get()) == text.size() && std::fflush(file.get()) == 0;
}

}  // namespace

CLI::App* add_grade_command(CLI::App& app, GradeOptions& o) {
    CLI::App* grade = app.add_subcommand("grade", "grade student captures against a rubric: one CSV row per capture");
    grade->add_option("captures", o.inputs, "capture files, or directories searched for .pcap, .pcapng, .pcap.gz");
    grade->add_option("--rubric", o.rubric, "a built-in rubric (lab-qos, lab-tls) or a TOML file")
        ->capture_default_str();
    grade->add_option("--ca", o.ca_files, "PEM file of the class CA certificates (repeatable)")
        ->allow_extra_args(false)
        ->check(CLI::ExistingFile);
    grade->add_option("-j,--jobs", o.jobs, "captures graded at once (default: the number of cores)")
        ->check(CLI::Range(1U, 256U));
    grade->add_option("-o,--output", o.output, "where to write the grades (- for standard output)")
        ->capture_default_str();
    grade->add_option("--format", o.format, "csv or json")->check(CLI::IsMember({"csv", "json"}))->capture_default_str();
    grade->add_flag("--excel", o.excel, "CSV for French spreadsheets: a byte order mark, ';' between fields, decimal comma");
    grade->add_flag("--list-facts", o.list_facts, "list the facts a rubric's conditions can test, and exit");
    return grade;
}

int run_grade(const GradeOptions& o) {
    if (o.list_facts) {
        print_facts();
        return kExitComplete;
    }
    if (o.inputs.empty()) {
        fmt::print(stderr, "mqscan grade: give the captures (files or directories) to grade\n");
        return kExitUnreadable;
    }
    // The rubric and the CA are read first: a mistake in them costs no analysis time.
    auto rubric = grade::load_rubric(o.rubric);
    if (!rubric) {
        fmt::print(stderr, "mqscan grade: {}\n", rubric.error());
        return kExitUnreadable;
    }
    AnalysisSettings settings;
    std::optional<x509::TrustStore> trust_store;
    if (const auto error = load_trust_store(o.ca_files, settings, trust_store)) {
        fmt::print(stderr, "mqscan grade: {}\n", *error);
        return kExitUnreadable;
    }
    const std::vector<grade::GradeInput> files = grade::capture_files(o.inputs);
    if (files.empty()) {
        fmt::print(stderr, "mqscan grade: no .pcap, .pcapng or .pcap.gz file in {}\n", fmt::join(o.inputs, ", "));
        return kExitUnreadable;
    }
    const unsigned jobs = o.jobs != 0 ? o.jobs : std::max(1U, std::thread::hardware_concurrency());
    const bool terminal = isatty(fileno(stderr)) != 0;
    const std::vector<grade::GradeRow> rows =
        grade::grade_all(files, *rubric, settings, jobs, terminal ? show_progress : nullptr);
    const std::string text = o.format == "json" ? grades_json(*rubric, rows) : grades_csv(*rubric, rows, {o.excel});
    if (!write_all(o.output, text)) {
        fmt::print(stderr, "mqscan grade: cannot write {}: {}\n", o.output == "-" ? "the output" : o.output,
                   std::strerror(errno));
        return kExitFailed;
    }
    const bool all_graded = std::all_of(rows.begin(), rows.end(),
                                        [](const grade::GradeRow& r) { return r.status == grade::GradeStatus::Graded; });
    return all_graded ? kExitComplete : kExitDamaged;
}

}  // namespace mqscan::cli
