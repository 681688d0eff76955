#pragma once
// Per-capture results computed on worker threads ahead of the checks: tshark needs about a
// second to start, so the captures are processed on a few threads, in order, while the test
// checks the ones already done.

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

template <typename Result>
class BackgroundResults {
public:
    using Compute = std::function<Result(const std::string& path)>;

    BackgroundResults(std::vector<std::string> paths, Compute compute)
        : paths_(std::move(paths)), compute_(std::move(compute)), promises_(paths_.size()) {
        for (auto& promise : promises_) results_.push_back(promise.get_future().share());
        const unsigned threads = std::max(2U, std::thread::hardware_concurrency());
        for (unsigned i = 0; i < threads; ++i)
            workers_.emplace_back([this](const std::stop_token& stop) { work(stop); });
    }

    [[nodiscard]] std::size_t size() const { return paths_.size(); }
    [[nodiscard]] const std::string& path(std::size_t index) const { return paths_.at(index); }
    // Waits for capture `index`; rethrows what its computation threw.
    const Result& get(std::size_t index) const { return results_.at(index).get(); }

private:
    void work(const std::stop_token& stop) {
        for (std::size_t index = next_++; index < paths_.size() && !stop.stop_requested();
             index = next_++) {
            try {
                promises_[index].set_value(compute_(paths_[index]));
            } catch (...) {
                promises_[index].set_exception(std::current_exception());
            }
        }
    }

    std::vector<std::string> paths_;
    Compute compute_;
    std::vector<std::promise<Result>> promises_;
    std::vector<std::shared_future<Result>> results_;
    std::atomic<std::size_t> next_{0};
    std::vector<std::jthread> workers_;  // last: stopped and joined before the rest goes
};
