#pragma once

#include <string>
#include <string_view>

namespace mqscan {

// One output line made safe for a terminal: capture text can carry escape
// sequences or line breaks that would forge output. Control characters (C0
// but tab, DEL, C1) and invalid UTF-8 bytes become \xNN.
std::string terminal_line(std::string_view line);

}  // namespace mqscan
