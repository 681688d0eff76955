#pragma once

#include <cstdio>
#include <string>

namespace mqscan {

// A FILE* that reads `path` through zlib, so gzip-compressed and plain files
// read the same, streamed. ftell() gives the decompressed offset.
// Returns nullptr and sets errno on failure.
std::FILE* open_decompressing(const std::string& path);

// Reads up to `size` leading (decompressed) bytes of `path`; returns the count, or -1.
long read_leading_bytes(const std::string& path, unsigned char* out, std::size_t size);

// True when the file starts with the gzip magic.
bool is_gzip_file(const std::string& path);

}  // namespace mqscan
