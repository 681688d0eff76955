#include "grade/grader.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fmt/format.h>
#include <mutex>
#include <system_error>
#include <thread>

#include "grade/student_name.hpp"

namespace mqscan::grade {
namespace {

bool is_capture_name(const std::filesystem::path& path) {
    const std::string name = path.filename().string();
    for (std::string_view extension : {".pcap", ".pcapng", ".pcap.gz", ".pcapng.gz"})
        if (name.size() > extension.size() && name.compare(name.size() - extension.size(), extension.size(), extension) == 0)
            return true;
    return false;
}

// Walked by hand rather than with recursive_directory_iterator, which ends
// the whole walk at the first folder it cannot open.
void add_directory(const std::filesystem::path& root, std::vector<GradeInput>& inputs) {
    std::vector<GradeInput> found;
    std::vector<std::filesystem::path> folders{root};
    while (!folders.empty()) {
        const std::filesystem::path folder = std::move(folders.back());
        folders.pop_back();
        std::error_code error;
        for (std::filesystem::directory_iterator it(folder, error);
             !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
            std::error_code ignored;  // an entry gone or unreadable meanwhile is no capture
            if (it->is_directory(ignored) && !it->is_symlink(ignored))
                folders.push_back(it->path());
            else if (is_capture_name(it->path()) && it->is_regular_file(ignored))
                found.push_back({it->path().string(), {}});
        }
        if (error) found.push_back({folder.string(), error.message()});
    }
    std::sort(found.begin(), found.end(), [](const GradeInput& a, const GradeInput& b) { return a.path < b.path; });
    inputs.insert(inputs.end(), found.begin(), found.end());
}

GradeRow unread_folder_row(const GradeInput& input) {
    GradeRow row;
    row.file = input.path;
    row.error = fmt::format("folder not read ({}): the captures in it are not graded", input.folder_error);
    return row;
}

GradeStatus status_of(AnalysisStatus status) {
    switch (status) {
        case AnalysisStatus::Complete: return GradeStatus::Graded;
        case AnalysisStatus::Damaged: return GradeStatus::Truncated;
        case AnalysisStatus::Unreadable: break;
    }
    return GradeStatus::Unreadable;
}

}  // namespace

std::string shown_points(double points) { return fmt::format("{}", points); }

std::string_view to_string(GradeStatus status) {
    switch (status) {
        case GradeStatus::Graded: return "graded";
        case GradeStatus::Truncated: return "truncated";
        case GradeStatus::Unreadable: return "unreadable";
    }
    return "?";
}

std::string GradeRow::notes(const Rubric& rubric) const {
    std::vector<std::string> notes;
    if (!error.empty()) notes.push_back(error);
    for (std::size_t i = 0; i < checks.size() && i < rubric.checks.size(); ++i) {
        const CheckResult& r = checks[i];
        if (r.truth == Truth::True) continue;
        const Check& check = rubric.checks[i];
        notes.push_back(fmt::format("{} ({}{} pt{}): {}", check.id, r.truth == Truth::Unknown ? "unknown, " : "-",
                                    shown_points(check.points), check.points == 1 ? "" : "s", r.reason));
    }
    return fmt::format("{}", fmt::join(notes, "; "));
}

GradeRow grade_capture(const std::string& path, const Rubric& rubric, const AnalysisSettings& settings) {
    GradeRow row;
    row.file = path;
    const AnalysisResult result = analyze_file(path, settings);
    row.status = status_of(result.status);
    if (row.status == GradeStatus::Unreadable) {
        row.error = result.message;
        return row;
    }
    if (row.status == GradeStatus::Truncated)
        row.error = fmt::format("{}: graded on what could be read", result.report.capture.error);
    const StudentName name = student_name(result.report, path);
    row.student = name.name;
    row.name_source = name.source;
    const FactSource source{result.report, row.status == GradeStatus::Graded, settings.trust_store != nullptr};
    for (const Check& check : rubric.checks) {
        Outcome outcome = check.condition.evaluate(source);
        const bool passed = outcome.truth == Truth::True;
        row.checks.push_back({outcome.truth, passed ? check.points : 0, passed ? std::string() : std::move(outcome.reason)});
        row.total += row.checks.back().earned;
    }
    return row;
}

std::vector<GradeInput> capture_files(const std::vector<std::string>& inputs) {
    std::vector<GradeInput> files;
    for (const std::string& input : inputs) {
        std::error_code error;
        if (std::filesystem::is_directory(input, error)) {
            add_directory(input, files);
        } else {
            files.push_back({input, {}});
        }
    }
    return files;
}

std::vector<GradeRow> grade_all(const std::vector<GradeInput>& files, const Rubric& rubric,
                                const AnalysisSettings& settings, unsigned jobs,
                                const std::function<void(std::size_t, std::size_t, const std::string&)>& progress) {
    std::vector<GradeRow> rows(files.size());
    std::atomic<std::size_t> next{0};
    std::mutex progress_lock;
    std::size_t done = 0;
    const auto work = [&] {
        for (std::size_t i = next++; i < files.size(); i = next++) {
            const GradeInput& input = files[i];
            try {
                rows[i] = input.folder_error.empty() ? grade_capture(input.path, rubric, settings)
                                                     : unread_folder_row(input);
            } catch (const std::exception& e) {  // one capture's failure must not end the batch
                rows[i] = GradeRow{};
                rows[i].file = input.path;
                rows[i].error = fmt::format("internal error: {}", e.what());
            }
            const std::lock_guard<std::mutex> lock(progress_lock);
            ++done;
            if (progress) progress(done, files.size(), input.path);
        }
    };
    const unsigned threads = std::clamp<unsigned>(jobs, 1, static_cast<unsigned>(std::max<std::size_t>(files.size(), 1)));
    {
        std::vector<std::jthread> pool;  // joined at the end of this block, before rows are returned
        try {
            for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
        } catch (const std::system_error&) {
            // The system allows no more threads: those started, and this one, share the work.
        }
        work();
    }
    return rows;
}

}  // namespace mqscan::grade
