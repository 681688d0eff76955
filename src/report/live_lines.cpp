#include "report/live_lines.hpp"

#include <fmt/format.h>

#include "mqscan/anomaly.hpp"
#include "report/packet_lines.hpp"
#include "report/terminal_text.hpp"
#include "report/tls_step_facts.hpp"

namespace mqscan {

void LiveLinePrinter::on_tls_step(const TlsStepEvent& event) {
    std::string facts;
    for (const auto& [name, value] : tls_step_facts(event))
        facts += fmt::format("{}{} {}", facts.empty() ? "" : ", ", name, value);
    write_line(fmt::format("{}  TLS {}{}", line_prefix(event.at, precision_, event.connection.id, event.step.dir),
                           event.step.type, facts.empty() ? "" : " (" + facts + ")"));
}

void LiveLinePrinter::on_tls_alert(const TlsAlertEvent& event) {
    const TlsAlert& a = event.alert;
    std::string what = a.encrypted ? "alert (encrypted)" : fmt::format("alert {} {}", a.level_name, a.description_name);
    if (!a.explanation.empty()) what += ": " + a.explanation;
    write_line(fmt::format("{}  TLS {}", line_prefix(event.at, precision_, event.connection.id, a.dir), what));
}

void LiveLinePrinter::on_finding(const Finding& finding) {
    std::string where;
    if (finding.connection) where += fmt::format(" #{}", *finding.connection);
    if (finding.frame) where += fmt::format(" frame {}", *finding.frame);
    write_line(fmt::format("finding [{}]{}: {}", to_string(describe(finding.id).severity), where, finding.message));
}

void LiveLinePrinter::write_line(const std::string& line) {
    const std::string shown = terminal_line(line) + "\n";
    std::fwrite(shown.data(), 1, shown.size(), out_);
}

}  // namespace mqscan
