#include <catch2/catch.hpp>

#include <array>

#include "mqscan/byte_reader.hpp"

using mqscan::ByteReader;

TEST_CASE("ByteReader reads big- and little-endian integers", "[byte_reader]") {
    const std::array<std::uint8_t, 6> bytes{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};
    ByteReader reader(bytes);
    CHECK(reader.u16be() == 0x1234);
    CHECK(reader.u16le() == 0x7856);
    CHECK(reader.remaining() == 2);
    CHECK(reader.u8() == 0x9a);
    CHECK(reader.position() == 5);
}

TEST_CASE("A failed read leaves the reader where it was", "[byte_reader]") {
    const std::array<std::uint8_t, 3> bytes{1, 2, 3};
    ByteReader reader(bytes);
    reader.u8();
    CHECK_FALSE(reader.u32be().has_value());
    CHECK_FALSE(reader.bytes(3).has_value());
    CHECK_FALSE(reader.skip(3));
    CHECK_FALSE(reader.sub(3).has_value());
    CHECK(reader.position() == 1);
    CHECK(reader.u16be() == 0x0203);
    CHECK(reader.empty());
    CHECK_FALSE(reader.u8().has_value());
}

TEST_CASE("A sub-reader is bounded and consumes from its parent", "[byte_reader]") {
    const std::array<std::uint8_t, 5> bytes{1, 2, 3, 4, 5};
    ByteReader reader(bytes);
    auto sub = reader.sub(2);
    REQUIRE(sub.has_value());
    CHECK(sub->remaining() == 2);
    CHECK(sub->u16be() == 0x0102);
    CHECK_FALSE(sub->u8().has_value());
    CHECK(reader.u8() == 3);
    CHECK(reader.peek_u8(1) == 5);
    CHECK_FALSE(reader.peek_u8(2).has_value());
    CHECK(reader.position() == 3);
}
