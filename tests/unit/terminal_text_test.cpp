#include <catch2/catch.hpp>

#include "report/terminal_text.hpp"

using mqscan::terminal_line;

TEST_CASE("Capture text cannot forge terminal output", "[report]") {
    CHECK(terminal_line("client 'alice'") == "client 'alice'");
    CHECK(terminal_line("Inès Lefèvre\tciel") == "Inès Lefèvre\tciel");
    CHECK(terminal_line("a\nCONNECT client 'admin'") == "a\\x0aCONNECT client 'admin'");
    CHECK(terminal_line("\x1b[31mred") == "\\x1b[31mred");
    CHECK(terminal_line("del\x7f") == "del\\x7f");
    CHECK(terminal_line("c1\xc2\x9b") == "c1\\xc2\\x9b");   // U+009B, the 8-bit CSI
    CHECK(terminal_line("bad\xff\xc3") == "bad\\xff\\xc3");  // not UTF-8
}
