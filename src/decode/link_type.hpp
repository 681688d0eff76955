#pragma once

#include <cstdint>

namespace mqscan {

// libpcap DLT values (as pcap_datalink() reports them on Linux) of the link
// types mqscan decodes.
enum class LinkType : int {
    Null = 0,          // BSD loopback, family in the capturing host's byte order
    Ethernet = 1,      // EN10MB, with 802.1Q / 802.1ad / QinQ tags
    Raw = 12,          // raw IP (LINKTYPE_RAW 101 is mapped to it by libpcap)
    RawOpenBsd = 14,   // raw IP as OpenBSD numbers it
    Loop = 108,        // OpenBSD loopback, family in network byte order
    LinuxSll = 113,    // Linux cooked v1
    Ipv4 = 228,
    Ipv6 = 229,
    LinuxSll2 = 276,   // Linux cooked v2, what `tcpdump -i any` writes
};

[[nodiscard]] bool is_supported_link_type(int dlt);

}  // namespace mqscan
