#include "cli/lab_client_command.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>
#include <variant>

#include "analysis/connack_codes.hpp"
#include "analysis/topic_filter.hpp"
#include "cli/exit_codes.hpp"
#include "core/utf8.hpp"
#include "lab/engine/engine_time.hpp"
#include "lab/real/client_session.hpp"
#include "lab/real/mosquitto_options.hpp"
#include "lab/real/subscriber_output.hpp"

namespace mqscan::cli {
namespace {

using lab::ClientEvent;
using lab::real::ClientSession;
using lab::real::StopSignals;

constexpr std::uint32_t kConnectSeconds = 10;     // for the TCP and TLS handshakes and the CONNACK, together
constexpr std::uint32_t kAcknowledgeSeconds = 10;  // for a PUBACK, PUBCOMP or SUBACK
constexpr std::uint32_t kCloseSeconds = 5;         // for the DISCONNECT to leave

Timestamp seconds_from(const ClientSession& session, std::uint32_t seconds) {
    return lab::seconds_after(session.now(), seconds);
}

// A topic name or filter as MQTT encodes it: UTF-8 [MQTT-1.5.4-1], at most 65,535 bytes [MQTT-1.5.4].
bool encodable(const std::string& topic) { return topic.size() <= 0xFFFF && is_valid_utf8(topic); }

// mosquitto_pub's and mosquitto_sub's checks of -t, before any connection.
void check_topics(const LabClientOptions& o, std::string_view tool) {
    for (const std::string& topic : o.topics) {
        if (tool == "pub" && !(encodable(topic) && valid_topic_name(topic)))
            throw std::invalid_argument(
                fmt::format("Invalid publish topic '{}', does it contain '+' or '#'? (or is it empty, too long, "
                            "not UTF-8)",
                            topic));
        if (tool == "sub" && !(encodable(topic) && valid_topic_filter(topic)))
            throw std::invalid_argument(fmt::format(
                "Invalid subscription topic '{}', are all '+' and '#' wildcards correct? (or is it empty, too "
                "long, not UTF-8)",
                topic));
    }
}

// A problem of the user's making, std::invalid_argument with mosquitto_sub's words where it has some.
lab::real::ClientSessionOptions session_options(const LabClientOptions& o, std::string_view tool) {
    if (o.no_clean_session && o.id.empty())
        throw std::invalid_argument("you must provide a client id if you are using the -c option");
    if (o.password && !o.username) throw std::invalid_argument("-P needs a user name (-u)");
    // mosquitto_pub and mosquitto_sub refuse 0 too, though MQTT allows it (no keep alive).
    if (o.keepalive < 5) throw std::invalid_argument("Invalid keepalive given, it must be between 5 and 65535 inclusive.");
    check_topics(o, tool);
    lab::real::ClientSessionOptions session;
    session.host = o.host;
    session.connect_timeout_ms = kConnectSeconds * 1000;
    session.mqtt.version = *lab::real::protocol_version_named(o.version);
    session.mqtt.client_id = o.id;
    session.mqtt.clean_start = !o.no_clean_session;
    session.mqtt.keepalive = o.keepalive;
    session.mqtt.username = o.username;
    session.mqtt.password = o.password;
    // A 5.0 session without clean start is kept, as mosquitto_sub -c asks (session expiry "forever").
    if (o.no_clean_session && session.mqtt.version == mqtt::Version::V5) session.mqtt.session_expiry = 0xFFFFFFFF;
    const bool tls = !o.cafile.empty() || !o.cert.empty() || !o.key.empty();
    session.port = o.port.value_or(tls ? 8883 : 1883);
    if (!tls) return session;
    if (o.cafile.empty()) throw std::invalid_argument("TLS needs --cafile, to verify the broker's certificate");
    session.tls = lab::real::tls_options_from_files(lab::TlsRole::Client, {o.cafile, o.cert, o.key});
    if (!o.tls_version.empty())
        session.tls->versions = *lab::real::tls_versions_named(o.tls_version, lab::real::TlsVersionRole::Exact);
    // libmosquitto sends the host as SNI and matches it with the broker's certificate.
    session.tls->server_name = o.host;
    session.tls->check_host_name = !o.insecure;
    return session;
}

// Why there was no accepted CONNACK, in one line.
std::string connect_failure(const ClientSession& session, const std::optional<lab::Connected>& connack,
                            mqtt::Version version, ClientSession::Outcome outcome) {
    if (connack) {
        const std::string_view meaning = connack_meaning(version, connack->code);
        return fmt::format("Connection error: Connection Refused: {} (code {})",
                           meaning.empty() ? "unknown code" : meaning, connack->code);
    }
    if (const auto failure = session.tls_failure()) return "the TLS handshake failed: " + *failure;
    if (outcome == ClientSession::Outcome::TimedOut)
        return fmt::format("no TLS handshake and CONNACK within {} s", kConnectSeconds);
    if (outcome == ClientSession::Outcome::Stopped) return "stopped before the CONNACK";
    return "the broker closed the connection before its CONNACK";
}

// The options, checked; nullopt, the reason printed, for what cannot work.
std::optional<lab::real::ClientSessionOptions> checked_options(const LabClientOptions& o, std::string_view tool) {
    try {
        return session_options(o, tool);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "mqscan lab {}: {}\n", tool, e.what());
        return std::nullopt;
    }
}

// The session, once the broker accepted it; nullptr, the reason printed, otherwise.
std::unique_ptr<ClientSession> connect(const lab::real::ClientSessionOptions& options, std::string_view tool,
                                       const StopSignals& stop) {
    auto opened = ClientSession::open(options, stop);
    if (!opened) {
        fmt::print(stderr, "mqscan lab {}: {}\n", tool, opened.error());
        return nullptr;
    }
    std::unique_ptr<ClientSession> session = std::move(*opened);
    std::optional<lab::Connected> connack;
    const auto outcome = session->run(
        [&](const ClientEvent& event) {
            if (const auto* c = std::get_if<lab::Connected>(&event)) connack = *c;
            return connack.has_value() || std::holds_alternative<lab::Disconnected>(event);
        },
        session->connect_deadline(), stop);
    if (connack && connack->code == 0) return session;
    fmt::print(stderr, "mqscan lab {}: {}\n", tool, connect_failure(*session, connack, options.mqtt.version, outcome));
    return nullptr;
}

// DISCONNECT, then the connection closed once it has left; false when the
// connection ended before the DISCONNECT went out.
bool disconnect(ClientSession& session, const StopSignals& stop) {
    session.client().disconnect(session.now());
    return session.run([](const ClientEvent&) { return false; }, seconds_from(session, kCloseSeconds), stop) !=
           ClientSession::Outcome::Lost;
}

bool ends_session(const ClientEvent& event) { return std::holds_alternative<lab::Disconnected>(event); }

void add_client_options(CLI::App& command, LabClientOptions& o) {
    // -h is the host, as in mosquitto's clients.
    command.set_help_flag("--help", "print this help message and exit");
    command.add_option("-h,--host", o.host, "the broker's host")->capture_default_str();
    command.add_option("-p,--port", o.port, "the broker's port (default 1883, 8883 with --cafile)");
    command.add_option("-q,--qos", o.qos, "the quality of service")->check(CLI::Range(0, 2))->capture_default_str();
    command.add_option("-i,--id", o.id, "the client id (default: one the broker assigns)");
    command.add_option("-k,--keepalive", o.keepalive, "the keep alive, in seconds (5 to 65535)")->capture_default_str();
    command.add_flag("-c,--disable-clean-session", o.no_clean_session,
                     "a persistent session: the broker keeps it, and queues QoS 1 and 2 messages, while away (needs -i)");
    command.add_option("-u,--username", o.username, "the user name");
    command.add_option("-P,--pw", o.password, "the password");
    command.add_option("-V,--protocol-version", o.version, "the MQTT version")
        ->check(CLI::IsMember({"mqttv31", "mqttv311", "mqttv5", "31", "311", "5"}))
        ->capture_default_str();
    command.add_option("--cafile", o.cafile, "TLS: the PEM CA certificate(s) that verify the broker's")
        ->check(CLI::ExistingFile);
    command.add_option("--cert", o.cert, "TLS: this client's PEM certificate")->check(CLI::ExistingFile);
    command.add_option("--key", o.key, "TLS: this client's PEM private key (unencrypted)")->check(CLI::ExistingFile);
    command.add_option("--tls-version", o.tls_version, "TLS: the version offered (default: 1.2 and 1.3)")
        ->check(CLI::IsMember({"tlsv1.2", "tlsv1.3"}));
    command.add_flag("--insecure", o.insecure, "TLS: do not match the broker's certificate with the host");
}

}  // namespace

void add_lab_client_commands(CLI::App& lab, LabClientOptions& o) {
    CLI::App* pub = lab.add_subcommand("pub", "publish one message, as mosquitto_pub does");
    add_client_options(*pub, o);
    pub->add_option("-t,--topic", o.topics, "the topic")->required()->expected(1);
    pub->add_option("-m,--message", o.message, "the payload")->required();
    pub->add_flag("-r,--retain", o.retain, "the broker keeps the message for later subscribers (empty: clears it)");

    CLI::App* sub = lab.add_subcommand("sub", "subscribe and print the messages, as mosquitto_sub does");
    add_client_options(*sub, o);
    sub->add_option("-t,--topic", o.topics, "a topic filter, + and # allowed (repeatable)")
        ->required()
        ->allow_extra_args(false);
    sub->add_option("-C", o.count, "leave after this many messages")->check(CLI::PositiveNumber);
    sub->add_option("-W", o.timeout,
                    "leave after this many seconds (exit 1 if -C messages had not come; mosquitto_sub exits 27)")
        ->check(CLI::PositiveNumber);
    sub->add_flag("-v,--verbose", o.verbose, "print each message as 'topic payload'");
}

int run_lab_pub(const LabClientOptions& o) {
    const std::optional<lab::real::ClientSessionOptions> options = checked_options(o, "pub");
    if (!options) return kExitUnreadable;
    const StopSignals stop;
    const std::unique_ptr<ClientSession> session = connect(*options, "pub", stop);
    if (!session) return kExitUnreadable;
    const auto id = session->client().publish(session->now(), o.topics.front(), o.message,
                                              static_cast<std::uint8_t>(o.qos), o.retain);
    std::optional<lab::Published> done;
    if (id) {
        session->run(
            [&](const ClientEvent& event) {
                if (const auto* p = std::get_if<lab::Published>(&event); p != nullptr && p->packet_id == *id) done = *p;
                return done.has_value() || ends_session(event);
            },
            seconds_from(*session, kAcknowledgeSeconds), stop);
        if (!done || done->reason >= 0x80) {
            fmt::print(stderr, "mqscan lab pub: the message was not acknowledged{}\n",
                       done ? fmt::format(" (reason code 0x{:02x})", done->reason) : "");
            return kExitDamaged;
        }
    }
    if (!disconnect(*session, stop)) {
        fmt::print(stderr, "mqscan lab pub: the connection was lost before the DISCONNECT went out\n");
        return kExitDamaged;
    }
    return kExitComplete;
}

int run_lab_sub(const LabClientOptions& o) {
    const std::optional<lab::real::ClientSessionOptions> options = checked_options(o, "sub");
    if (!options) return kExitUnreadable;
    const StopSignals stop;
    const std::unique_ptr<ClientSession> session = connect(*options, "sub", stop);
    if (!session) return kExitUnreadable;
    std::vector<mqtt::Subscription> filters;
    for (const std::string& topic : o.topics) filters.push_back({topic, static_cast<std::uint8_t>(o.qos)});
    const auto id = session->client().subscribe(session->now(), filters);
    int received = 0;
    bool lost = false;
    bool all_refused = false;
    bool unwritable = false;
    // A persistent session's queued messages may come before the SUBACK: one handler for all.
    const auto on_event = [&](const ClientEvent& event) {
        if (const auto* m = std::get_if<lab::MessageReceived>(&event)) {
            unwritable = !lab::real::write_subscriber_line(stdout, m->message, o.verbose);
            return unwritable || ++received == o.count;
        }
        if (const auto* s = std::get_if<lab::Subscribed>(&event); s != nullptr && s->packet_id == id) {
            std::size_t refused = 0;
            for (std::size_t i = 0; i < s->codes.size() && i < o.topics.size(); ++i) {
                if (s->codes[i] < 0x80) continue;
                ++refused;
                fmt::print(stderr, "mqscan lab sub: subscription to '{}' refused\n", o.topics[i]);
            }
            // As mosquitto_sub: nothing can come, so there is nothing to wait for.
            all_refused = refused == s->codes.size();
            if (all_refused) fmt::print(stderr, "All subscription requests were denied.\n");
            return all_refused;
        }
        lost = ends_session(event);
        return lost;
    };
    const std::optional<Timestamp> until =
        o.timeout > 0 ? std::optional(seconds_from(*session, static_cast<std::uint32_t>(o.timeout))) : std::nullopt;
    const auto outcome = session->run(on_event, until, stop);
    if (lost || outcome == ClientSession::Outcome::Closed || outcome == ClientSession::Outcome::Lost) {
        fmt::print(stderr, "mqscan lab sub: the connection was lost\n");
        return kExitDamaged;
    }
    disconnect(*session, stop);
    if (unwritable) {
        fmt::print(stderr, "mqscan lab sub: cannot write the output\n");
        return kExitFailed;
    }
    if (all_refused) return kExitDamaged;
    if (outcome == ClientSession::Outcome::TimedOut && o.count > 0) {
        fmt::print(stderr, "mqscan lab sub: timed out after {} s with {} of {} messages\n", o.timeout, received, o.count);
        return kExitDamaged;
    }
    return kExitComplete;
}

}  // namespace mqscan::cli
