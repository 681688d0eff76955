#include "report/tls_step_facts.hpp"

#include "report/text_tls.hpp"

namespace mqscan {

TlsStepFacts tls_step_facts(const TlsStepEvent& event) {
    const TlsConnectionReport& tls = event.tls;
    const std::string_view step = event.step.type;
    TlsStepFacts facts;
    if (step == "client_hello" && !tls.sni.empty()) facts.emplace_back("sni", tls.sni);
    if (step == "server_hello" && !tls.version.empty()) {
        facts.emplace_back("version", tls.version);
        facts.emplace_back("cipher", tls.cipher);
    }
    if (step == "certificate") {
        const auto& chain =
            event.step.dir == Direction::ToClient ? tls.server_certificates : tls.client_certificates;
        if (event.step.dir == Direction::ToServer && tls.client_cert_sent == false) {
            facts.emplace_back("subject", "none: the client sent no certificate");
        } else if (!chain.empty() && chain.front().summary) {
            facts.emplace_back("subject", distinguished_name_text(chain.front().summary->subject));
        }
    }
    return facts;
}

}  // namespace mqscan
