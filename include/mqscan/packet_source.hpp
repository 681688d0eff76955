#pragma once

#include <memory>
#include <string>

#include "mqscan/capture_info.hpp"
#include "mqscan/frame.hpp"
#include "mqscan/result.hpp"

namespace mqscan {

enum class ReadStatus { Frame, End, Error };

// Pull interface over any capture: a file, a live interface. One frame at a time.
class PacketSource {
public:
    virtual ~PacketSource() = default;
    // Fills `frame` on ReadStatus::Frame; on Error, error() says why.
    virtual ReadStatus next(RawFrame& frame) = 0;
    [[nodiscard]] virtual const CaptureInfo& info() const = 0;
    [[nodiscard]] virtual std::string error() const = 0;
    // True when the error means the file ends inside a record or header.
    [[nodiscard]] virtual bool error_is_truncation() const = 0;
};

// Opens a pcap or pcapng file, gzip-compressed or not. On failure, one line
// saying what is wrong with the file.
Result<std::unique_ptr<PacketSource>, std::string> open_capture_file(const std::string& path);

// The same over capture bytes held in memory (fuzzing, tests); `name` stands
// for the file name in messages. `bytes` must outlive the source.
Result<std::unique_ptr<PacketSource>, std::string> open_capture_bytes(Bytes bytes,
                                                                     const std::string& name);

}  // namespace mqscan
