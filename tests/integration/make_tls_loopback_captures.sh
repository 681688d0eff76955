#!/usr/bin/env bash
# Records the cases of the TLS lab (LABS.md, lab 2) between mosquitto clients and a private
# mosquitto broker on the loopback interface, one capture per case, for the TLS
# differential test (see README.md).
#
#   make_tls_loopback_captures.sh OUTDIR
#
# Needs root (or capture capabilities), openssl, mosquitto, mosquitto-clients and tcpdump.
# Traffic goes to 127.0.0.1 only; every wait is bounded.
set -euo pipefail

readonly FIRST_PORT=18883       # not 8883, so a broker already running there is left alone
readonly PORT_PAIRS_TO_TRY=8    # the test decodes TLS on 18883..18898
readonly CLIENT_TIMEOUT=10      # seconds, for every mosquitto client run
readonly STUDENT="Inès Lefèvre" # UTF-8 in the certificate subjects, as in a French class

work=$(mktemp -d)
pki="$work/pki"
port=""  # the listener with server authentication only; port + 1 asks for client certificates

script_name=make_tls_loopback_captures
# shellcheck source=background_processes.sh
source "$(dirname "$(readlink -f "$0")")/background_processes.sh"

# shellcheck source=lab_pki.sh
source "$(dirname "$(readlink -f "$0")")/lab_pki.sh"

# mosquitto's --tls-version is a minimum (as tls_version in the broker): TLS 1.2 at most
# is asked of the client's OpenSSL by a configuration file.
write_tls12_config() {
    cat >"$work/tls12.cnf" <<EOF
openssl_conf = tls12_only
[tls12_only]
ssl_conf = tls12_ssl
[tls12_ssl]
system_default = tls12_system
[tls12_system]
MaxProtocol = TLSv1.2
EOF
}

# The broker of the lab sheet on PORT (server authentication) and PORT + 1 (mutual TLS,
# the client certificate's CN as user name); the second sends its chain with the CA.
broker_conf() {
    broker_conf_start
    cat <<EOF
listener $1 127.0.0.1
cafile $pki/ca.crt
certfile $pki/broker.crt
keyfile $pki/broker.key
tls_version tlsv1.2
listener $(($1 + 1)) 127.0.0.1
cafile $pki/ca.crt
certfile $pki/broker-chain.crt
keyfile $pki/broker.key
tls_version tlsv1.2
require_certificate true
use_identity_as_username true
EOF
}

# publish LISTENER [ARGS...]: "hello" at QoS 1 on ciel, bounded in time.
publish() {
    local listener=$1
    shift
    timeout "$CLIENT_TIMEOUT" mosquitto_pub -h 127.0.0.1 -p "$listener" -t ciel -m hello -q 1 \
        "$@" </dev/null 2>>"$work/clients.log"
}

# The cases; each succeeds when the client does. "tls12": TLS 1.2 at most.
tls12() { OPENSSL_CONF="$work/tls12.cnf" "$@"; }
server_auth() { publish "$port" --cafile "$pki/ca.crt"; }
mutual() {
    publish $((port + 1)) --cafile "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key"
}
no_client_certificate() { publish $((port + 1)) --cafile "$pki/ca.crt"; }
wrong_ca() { publish "$port" --cafile "$pki/wrong-ca.crt"; }
cleartext_to_tls_port() { publish "$port"; }

# record FILE EXPECTED CASE...: records the case, which must end as EXPECTED (succeeds|fails).
record() {
    local file=$1 expected=$2 outcome=succeeds
    shift 2
    rm -f "$file"
    start_capture "$work/capture.log" "${TCPDUMP[@]}" -i lo -w "$file" \
        "tcp port $port or tcp port $((port + 1))"
    "$@" || outcome=fails
    stop_capture "$file" "$work/capture.log"
    [[ $outcome == "$expected" ]] ||
        die "$file: the client $outcome, it should have: $(cat "$work/clients.log")"
    ! capture_lost_packets "$work/capture.log" || die "$file: tcpdump lost packets"
    echo "wrote $file"
}

main() {
    [[ $# -eq 1 ]] || die "usage: $0 OUTDIR"
    local tool out=$1
    for tool in openssl mosquitto mosquitto_pub tcpdump timeout; do
        command -v "$tool" >/dev/null || die "$tool is not installed"
    done
    make_certificates
    write_tls12_config
    start_mosquitto_on_free_port "$FIRST_PORT" 2 "$PORT_PAIRS_TO_TRY" broker_conf
    echo "mosquitto listening on ports $port and $((port + 1))"
    mkdir -p "$out"
    cp "$pki/ca.crt" "$out/ca.crt"  # for mqscan grade --ca (grade_points.cmake)
    record "$out/tls12-server-auth.pcap" succeeds tls12 server_auth
    record "$out/tls12-mutual.pcap" succeeds tls12 mutual
    record "$out/tls13-mutual.pcap" succeeds mutual
    record "$out/tls12-no-client-certificate.pcap" fails tls12 no_client_certificate
    record "$out/tls13-no-client-certificate.pcap" fails no_client_certificate
    record "$out/tls12-wrong-ca.pcap" fails tls12 wrong_ca
    record "$out/tls13-wrong-ca.pcap" fails wrong_ca
    record "$out/cleartext-mqtt-to-tls-port.pcap" fails cleartext_to_tls_port
}

main "$@"
