#pragma once
// The only code that indexes untrusted bytes. Every read checks against
// remaining() and a failed read leaves the reader exactly where it was.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mqscan {

using Bytes = std::span<const std::uint8_t>;

constexpr std::uint32_t byte_swap32(std::uint32_t v) {
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

class ByteReader {
public:
    ByteReader() = default;
    explicit ByteReader(Bytes bytes) : bytes_(bytes) {}

    [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }
    [[nodiscard]] std::size_t position() const { return pos_; }
    [[nodiscard]] bool empty() const { return remaining() == 0; }
    // The unread bytes, without consuming them.
    [[nodiscard]] Bytes rest() const { return bytes_.subspan(pos_); }

    std::optional<std::uint8_t> u8() {
        if (remaining() < 1) return std::nullopt;
        return bytes_[pos_++];
    }
    std::optional<std::uint16_t> u16be() { return read_uint<std::uint16_t>(2, true); }
    std::optional<std::uint16_t> u16le() { return read_uint<std::uint16_t>(2, false); }
    std::optional<std::uint32_t> u32be() { return read_uint<std::uint32_t>(4, true); }
    std::optional<std::uint32_t> u32le() { return read_uint<std::uint32_t>(4, false); }

    [[nodiscard]] std::optional<std::uint8_t> peek_u8(std::size_t offset = 0) const {
        if (remaining() <= offset) return std::nullopt;
        return bytes_[pos_ + offset];
    }

    std::optional<Bytes> bytes(std::size_t n) {
        if (remaining() < n) return std::nullopt;
        Bytes out = bytes_.subspan(pos_, n);
        pos_ += n;
        return out;
    }

    bool skip(std::size_t n) {
        if (remaining() < n) return false;
        pos_ += n;
        return true;
    }

    // A reader over the next n bytes, which are consumed from this one.
    std::optional<ByteReader> sub(std::size_t n) {
        auto span = bytes(n);
        if (!span) return std::nullopt;
        return ByteReader(*span);
    }

private:
    template <typename T>
    std::optional<T> read_uint(std::size_t width, bool big_endian) {
        if (remaining() < width) return std::nullopt;
        T value = 0;
        for (std::size_t i = 0; i < width; ++i) {
            const std::size_t index = big_endian ? i : width - 1 - i;
            value = static_cast<T>((value << 8) | bytes_[pos_ + index]);
        }
        pos_ += width;
        return value;
    }

    Bytes bytes_{};
    std::size_t pos_ = 0;
};

}  // namespace mqscan
