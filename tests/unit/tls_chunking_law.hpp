#pragma once
// The chunking law for TLS conversations, as Catch assertions.

#include <catch2/catch.hpp>

#include "tls_fixtures.hpp"

namespace mqscan::test::tls {

// The chunking law: fed 1, 2, 3 and 7 bytes at a time, and (with
// `every_split`) each chunk cut once at each position, the report and the
// anomalies are those of the conversation fed whole.
inline void check_chunking_law(const Conversation& conversation, const TlsSettings& settings = {},
                               bool every_split = true) {
    const std::vector<std::string> whole = run(conversation, settings).lines();
    for (const std::size_t piece : {1u, 2u, 3u, 7u}) {
        INFO("pieces of " << piece << " bytes");
        REQUIRE(run(conversation, settings, piece).lines() == whole);
    }
    if (!every_split) return;
    for (std::size_t chunk = 0; chunk < conversation.size(); ++chunk) {
        for (std::size_t at = 1; at < conversation[chunk].bytes.size(); ++at) {
            INFO("chunk " << chunk << " cut at " << at);
            REQUIRE(run(conversation, settings, 0, chunk, at).lines() == whole);
        }
    }
}

}  // namespace mqscan::test::tls
