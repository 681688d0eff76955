// The benchmark's baseline: libpcap reading a capture file and touching every
// packet, nothing else. mqscan's throughput is compared with this loop's.
#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CAPTURE\n", argv[0]);
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    pcap_t* handle = pcap_open_offline(argv[1], errbuf);
    if (handle == nullptr) {
        std::fprintf(stderr, "mqscan_pcap_loop: %s\n", errbuf);
        return 2;
    }

    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    unsigned last_bytes_sum = 0;  // reads each packet's data, not just its header
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(handle, &header, &data)) == 1) {
        ++packets;
        bytes += header->caplen;
        if (header->caplen > 0) last_bytes_sum += data[header->caplen - 1];
    }
    const bool failed = rc != PCAP_ERROR_BREAK;
    if (failed) std::fprintf(stderr, "mqscan_pcap_loop: %s\n", pcap_geterr(handle));
    std::printf("packets %llu bytes %llu last-byte-sum %u\n",
                static_cast<unsigned long long>(packets), static_cast<unsigned long long>(bytes),
                last_bytes_sum);
    pcap_close(handle);
    return failed ? 1 : 0;
}
