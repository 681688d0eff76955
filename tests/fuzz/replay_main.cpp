// Replays fuzz inputs without libFuzzer: runs LLVMFuzzerTestOneInput over every
// file given, and every file inside each directory given (not recursive, the
// crash-* files last), so any compiler can build a target and ctest can replay
// its corpus.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(const fs::path& argument) {
    if (!fs::is_directory(argument)) return {argument};
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(argument))
        if (entry.is_regular_file()) files.push_back(entry.path());
    // A stable order makes failures reproducible; the reproducers of known
    // bugs come last, so that the rest of the corpus is replayed before them.
    const auto known_crash = [](const fs::path& file) {
        return file.filename().string().starts_with("crash-");
    };
    std::sort(files.begin(), files.end(), [&](const fs::path& a, const fs::path& b) {
        return std::pair(known_crash(a), a) < std::pair(known_crash(b), b);
    });
    return files;
}

bool run_one(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
        return false;
    }
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                          std::istreambuf_iterator<char>()};
    // Unbuffered, so that the last name printed before a crash is the culprit.
    std::fprintf(stderr, "replay: %s\n", file.c_str());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
        return 2;
    }
    std::size_t ran = 0;
    for (int i = 1; i < argc; ++i) {
        const fs::path argument(argv[i]);
        if (!fs::exists(argument)) {
            std::fprintf(stderr, "replay: %s does not exist\n", argv[i]);
            return 2;
        }
        for (const fs::path& file : inputs_of(argument)) {
            if (!run_one(file)) return 2;
            ++ran;
        }
    }
    std::printf("replay: %zu inputs ran\n", ran);
    return ran == 0 ? 1 : 0;
}
