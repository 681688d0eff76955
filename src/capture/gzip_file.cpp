#include "capture/gzip_file.hpp"

#include <zlib.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace mqscan {
namespace {

struct GzCookie {
    gzFile file;
    off64_t consumed = 0;
};

ssize_t cookie_read(void* cookie, char* buffer, size_t size) {
    auto* gz = static_cast<GzCookie*>(cookie);
    const unsigned chunk = size > UINT_MAX ? UINT_MAX : static_cast<unsigned>(size);
    const int n = gzread(gz->file, buffer, chunk);
    if (n < 0) {
        errno = EIO;
        return -1;
    }
    gz->consumed += n;
    return n;
}

// Only position queries are supported: libpcap never seeks, ftell() must work.
int cookie_seek(void* cookie, off64_t* position, int whence) {
    auto* gz = static_cast<GzCookie*>(cookie);
    if (whence == SEEK_CUR && *position == 0) {
        *position = gz->consumed;
        return 0;
    }
    errno = ESPIPE;
    return -1;
}

int cookie_close(void* cookie) {
    auto* gz = static_cast<GzCookie*>(cookie);
    const int rc = gzclose(gz->file);
    delete gz;
    return rc == Z_OK ? 0 : EOF;
}

constexpr unsigned kZlibBuffer = 256 * 1024;
constexpr std::size_t kStdioBuffer = 256 * 1024;

}  // namespace

std::FILE* open_decompressing(const std::string& path) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) return nullptr;
    gzbuffer(file, kZlibBuffer);
    auto* cookie = new GzCookie{file};
    cookie_io_functions_t functions{cookie_read, nullptr, cookie_seek, cookie_close};
    std::FILE* stream = fopencookie(cookie, "rb", functions);
    if (stream == nullptr) {
        gzclose(file);
        delete cookie;
        return nullptr;
    }
    std::setvbuf(stream, nullptr, _IOFBF, kStdioBuffer);
    return stream;
}

long read_leading_bytes(const std::string& path, unsigned char* out, std::size_t size) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) return -1;
    const int n = gzread(file, out, static_cast<unsigned>(size));
    gzclose(file);
    return n;
}

bool is_gzip_file(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return false;
    unsigned char magic[2] = {0, 0};
    const std::size_t n = std::fread(magic, 1, 2, file);
    std::fclose(file);
    return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

}  // namespace mqscan
