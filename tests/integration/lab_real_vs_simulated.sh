#!/usr/bin/env bash
# A lab scenario played for real gives the report of its simulated capture (issue 6's last
# acceptance point):
#
#   lab_real_vs_simulated.sh MQSCAN OUTDIR SCENARIO
#
# The real capture: `mqscan lab broker` on 127.0.0.1 with the options of the scenario's broker (a
# password file; a TLS listener with --cafile, and --require-certificate
# --use-identity-as-username for mutual TLS; no packet size limit, as the simulated broker and
# mosquitto by default, else a 5.0 CONNACK would carry Maximum Packet Size), tcpdump on lo, and the scenario's client steps
# (src/lab/scenario/*.cpp: the same client ids, topics, payloads, QoS, retain flags, clean
# session, MQTT version and 5.0 properties, user and password, TLS credentials) played with
# mosquitto_sub and mosquitto_pub -l (several messages over one connection); the one client they
# cannot play, the wildcards' "capteurs" (four topics over one connection), is MQTT.js
# (mqttjs_publish.js). A step starts once the broker has logged the previous one and then been
# quiet for QUIET seconds (the simulation's "one command per second"); a subscriber leaves by
# SIGINT (DISCONNECT) once it printed the messages the scenario gives it. The certificates
# (lab_pki.sh) have the subjects of the simulation's (student "Alice Martin", CA O=Ciel OU=iot,
# broker CN vm-ciel) and its broker key type (EC P-256, so the same cipher suite; the CA's key,
# which no compared fact shows, stays RSA). The simulated capture: `mqscan lab record
# SCENARIO`. The view of mqscan's JSON report of each (lab_report_view.py: verdict, findings,
# sessions, TLS outcome and certificate subjects, QoS flows, subscriptions, retained messages,
# fan-outs and deliveries, keep alive, anomaly counts) must be the same; the diff is printed and
# kept in OUTDIR/view.diff.
#
# What is inherently different, and how each is handled (nothing else is masked):
# - addresses, ports, times, durations, latencies and frame numbers: masked in the findings'
#   messages and the verdict's summary by lab_report_view.py's MASKS, left out elsewhere; the
#   real capture is read with --mqtt-port and --tls-port for the kernel's ports (1883 and 8883,
#   the simulation's, are mqscan's defaults);
# - the TLS version: the simulated listener allows only the scenario's, its clients offer 1.2 and
#   1.3; `mqscan lab broker --tls-version` and mosquitto_pub/sub's are minimums, as mosquitto's,
#   so the real clients are held to TLS 1.2 by an OpenSSL configuration (MaxProtocol): the
#   negotiated version is the same, only the ClientHello's offer differs (not compared);
# - over TLS, which side ends TCP first, and whether by FIN or RST (lab_report_view.py: "closed"):
#   mosquitto_sub stopped after its DISCONNECT lets the broker close first, libmosquitto after
#   its fatal alert resets, before or after the broker's FIN; the simulated clients close at once.
#   Both close_notify alerts are compared, not their order;
# - the 5.0 clients: the simulated ones are MQTTX's (MQTT.js), the real ones mosquitto_pub/sub,
#   which always send Receive Maximum in CONNECT and order properties their own way: properties
#   (with their values) are compared sorted, and a CONNECT's receive_maximum is left out;
# - under TLS 1.3, which encrypted records are the client's last handshake ones and which its
#   first MQTT ones: mqscan tells them apart by where they fall, and the simulated client sends
#   its CONNECT in the segment of its Finished where OpenSSL's sends it in the next one; only
#   the number of encrypted records each way is compared (under TLS 1.2 also the application
#   data records and bytes: the size of the MQTT inside);
# - the order in which one message's deliveries to several subscribers reach the wire (the real
#   broker's I/O loop): deliveries are compared by subscriber;
# - no --ca: the simulation's CA is made in memory and `mqscan lab record` does not write it.
# Not played: keepalive-pings and keepalive-expiry (35 s and 16 s of real time each),
# student-submission (MQTTX 5.0 over mutual TLS beside the clear part; about 20 s of steps).
# Needs root (tcpdump on lo), mosquitto-clients, openssl, python3, nodejs and node-mqtt. Every
# wait is bounded; the captures, reports, views and logs stay in OUTDIR.
set -euo pipefail

readonly CLIENT_TIMEOUT=60  # seconds, a safety net for every client run (each step has its own bound)
readonly WAIT_SECONDS=10    # for a line in the broker's log or a subscriber's output
readonly QUIET=0.2          # seconds of silence in the broker's log that end a step
readonly STUDENT="Alice Martin"  # mqscan lab record's default student
export CA_SUBJECT="/O=Ciel/OU=iot/CN=Ciel CA" BROKER_CN=vm-ciel BROKER_KEY_TYPE=ec  # the simulation's (lab_pki.sh)

mqscan=$(readlink -f "$1")
out=$2
scenario=$3
here=$(dirname "$(readlink -f "$0")")
work=$(mktemp -d)
pki="$work/pki"
script_name="lab_real_vs_simulated $scenario"
# shellcheck source=background_processes.sh
source "$here/background_processes.sh"
# shellcheck source=lab_pki.sh
source "$here/lab_pki.sh"

broker_log="$out/broker.log"
declare -A client_pid client_fd

# Every QoS 1 and 2 exchange the broker's log shows begun has its acknowledgement, both ways
# (a resent PUBLISH, d1, answers for its first sending).
exchanges_done() {
    count() { grep -Ec -- "$1" "$broker_log" || true; }
    (($(count 'Sending PUBLISH to .* \(d0, q1,') == $(count 'Received PUBACK from '))) &&
        (($(count 'Sending PUBLISH to .* \(d0, q2,') == $(count 'Received PUBCOMP from '))) &&
        (($(count 'Received PUBLISH from .* \(d0, q1,') == $(count 'Sending PUBACK to '))) &&
        (($(count 'Received PUBLISH from .* \(d0, q2,') == $(count 'Sending PUBCOMP to ')))
}

# Returns once every exchange begun is finished and the broker's log has not grown for QUIET
# seconds (at most WAIT_SECONDS): the next step starts on a quiet broker, however slow a client.
settle() {
    local size previous=-1 tries=$((WAIT_SECONDS * 10))
    while ((tries-- > 0)); do
        size=$(stat -c %s "$broker_log")
        [[ $size == "$previous" ]] && exchanges_done && return 0
        previous=$size
        sleep "$QUIET"
    done
    die "the broker's log never went quiet, or an exchange never ended"
}

# wait_log_count PATTERN N: until N lines of the broker's log match the extended regex PATTERN.
wait_log_count() {
    local pattern=$1 count=$2 tries=$((WAIT_SECONDS * 10))
    while ((tries-- > 0)); do
        (($(grep -Ec -- "$pattern" "$broker_log") >= count)) && return 0
        sleep 0.1
    done
    die "fewer than $count lines of the broker's log match '$pattern'"
}

# The client's connection options, NUL-separated: MQTT 3.1.1 (mosquitto's clients' default) unless
# the scenario sets `mqtt_version`, to the scenario's port; over TLS with the credentials of
# `tls_client` (lab, none or wrong-ca); the scenario's user name and password.
connection() {
    local options=(-h 127.0.0.1 -V "$mqtt_version")
    case $tls_client in
        clear) options+=(-p "$server_port") ;;
        lab) options+=(-p "$server_port" --cafile "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key") ;;
        none) options+=(-p "$server_port" --cafile "$pki/ca.crt") ;;
        wrong-ca) options+=(-p "$server_port" --cafile "$pki/wrong-ca.crt" --cert "$pki/client.crt" --key "$pki/client.key") ;;
    esac
    options+=("${credentials[@]}")
    printf '%s\0' "${options[@]}"
}

client_options() { mapfile -d '' -t client_args < <(connection); }

# start_client ID INPUT OUTPUT COMMAND...: COMMAND in the background, reading INPUT and writing
# OUTPUT (both streams), bounded by CLIENT_TIMEOUT, without the FIFOs' write ends this script
# holds (a publisher sees the end of its input when the script closes its FIFO, not when every
# client started after it has ended too).
start_client() {
    local id=$1 input=$2 output=$3
    shift 3
    (
        for fd in "${client_fd[@]}"; do exec {fd}>&-; done
        exec timeout "$CLIENT_TIMEOUT" "$@" <"$input" >"$output" 2>&1
    ) &
    client_pid[$id]=$!
    started_pids+=("${client_pid[$id]}")
}

# sub_start ID ARGS...: mosquitto_sub -i ID -v ARGS... in the background; returns once subscribed.
sub_start() {
    local id=$1
    shift
    local subacks
    subacks=$(grep -c "Sending SUBACK to $id\$" "$broker_log" || true)
    client_options
    start_client "$id" /dev/null "$out/$id.txt" "${client_env[@]}" mosquitto_sub "${client_args[@]}" -i "$id" -v "$@"
    wait_log_count "Sending SUBACK to $id\$" $((subacks + 1))
    settle
}

# sub_stop ID MESSAGES: once the subscriber printed MESSAGES messages, SIGINT: it sends DISCONNECT.
sub_stop() {
    local id=$1 messages=$2 tries=$((WAIT_SECONDS * 10))
    while (($(wc -l <"$out/$id.txt") < messages)) && ((tries-- > 0)); do sleep 0.1; done
    (($(wc -l <"$out/$id.txt") == messages)) || die "$id printed $(wc -l <"$out/$id.txt") messages, not $messages"
    kill -INT "${client_pid[$id]}"
    wait "${client_pid[$id]}" || die "mosquitto_sub $id failed: $(cat "$out/$id.txt")"
    settle
}

# pub_open ID ARGS...: mosquitto_pub -i ID -l ARGS... in the background, reading its messages from a
# FIFO (one per line, an empty line an empty message): one connection for several messages.
pub_open() {
    local id=$1
    shift
    local connacks fd
    connacks=$(grep -c "Sending CONNACK to $id " "$broker_log" || true)
    client_options
    mkfifo "$work/$id.fifo"
    start_client "$id" "$work/$id.fifo" "$out/$id.pub.txt" "${client_env[@]}" mosquitto_pub "${client_args[@]}" -i "$id" -l "$@"
    exec {fd}>"$work/$id.fifo"
    client_fd[$id]=$fd
    wait_log_count "Sending CONNACK to $id " $((connacks + 1))
    settle
}

# pub_line ID MESSAGE: ID publishes MESSAGE; returns once the broker has it and is quiet again.
pub_line() {
    local pattern="Received PUBLISH from $1 " publishes
    publishes=$(grep -c "$pattern" "$broker_log" || true)
    echo "$2" >&"${client_fd[$1]}"
    wait_log_count "$pattern" $((publishes + 1))
    settle
}

# pub_close ID: end of its input: mosquitto_pub sends DISCONNECT once its messages are acknowledged.
pub_close() {
    local id=$1 fd=${client_fd[$1]}
    exec {fd}>&-
    unset "client_fd[$id]"
    wait "${client_pid[$id]}" || die "mosquitto_pub $id failed: $(cat "$out/$id.pub.txt")"
    rm "$work/$id.fifo"
    settle
}

# A client whose connection fails (mistake_scenarios.cpp's failed_connection): it must not succeed.
failed_connection() {
    local id=$1
    client_options
    if timeout "$CLIENT_TIMEOUT" "${client_env[@]}" mosquitto_pub "${client_args[@]}" -i "$id" -t ciel -m x </dev/null >"$out/$id.pub.txt" 2>&1; then
        die "$id connected: $(cat "$out/$id.pub.txt")"
    fi
    settle
}

# scenario_steps.cpp's publish_to_a_subscriber: sub-ciel subscribes to 'ciel', pub-ciel publishes
# each payload there at QOS over one connection and disconnects, then sub-ciel does.
publish_to_a_subscriber() {
    local qos=$1 payload
    shift
    sub_start sub-ciel -t ciel -q "$qos"
    pub_open pub-ciel -t ciel -q "$qos"
    for payload in "$@"; do pub_line pub-ciel "$payload"; done
    pub_close pub-ciel
    sub_stop sub-ciel $#
}

# The scenarios: the broker each needs, the real clients' TLS version and credentials, the steps.
play_qos0() { publish_to_a_subscriber 0 21.5 21.6 21.8; }
play_qos1() { publish_to_a_subscriber 1 21.5 21.6 21.8; }
play_qos2() { publish_to_a_subscriber 2 21.5 21.6 21.8; }

play_retain() {
    pub_open pub-retain -t ciel -q 1 -r
    pub_line pub-retain 19.5
    sub_start sub-late -t ciel -q 1
    pub_line pub-retain ''  # an empty retained message clears it
    sub_start sub-after-clear -t ciel -q 1
    pub_close pub-retain
    sub_stop sub-late 2  # the retained message, then the empty one
    sub_stop sub-after-clear 0
}

play_persistent_session() {
    sub_start sub-persistent -c -t ciel -q 1
    sub_stop sub-persistent 0
    pub_open pub-ciel -t ciel -q 1
    pub_line pub-ciel 22.0
    pub_line pub-ciel 22.4
    pub_close pub-ciel
    # Back without subscribing again, as the simulated client: mosquitto_pub -c with no message
    # connects with clean session 0, acknowledges what the broker queued, and disconnects.
    pub_open sub-persistent -c -t ciel -q 1
    wait_log_count "Received PUBACK from sub-persistent " 2
    pub_close sub-persistent
}

play_wildcards() {
    local i filters=('maison/#' 'maison/salon/#' 'maison/+/temperature')
    for i in 0 1 2; do sub_start "sub-wildcard-$((i + 1))" -t "${filters[i]}" -q 0; done
    # Four topics over one connection: MQTT.js (mosquitto_pub publishes on one topic per run).
    NODE_PATH=/usr/share/nodejs timeout "$CLIENT_TIMEOUT" node --no-deprecation "$here/mqttjs_publish.js" 127.0.0.1 \
        "$server_port" capteurs maison/salon/temperature=20.5 maison/chambre_1/temperature=18.0 \
        maison/salon/humidite=45 maison/cuisine/lumiere=on </dev/null >"$out/capteurs.txt" 2>&1 ||
        die "the MQTT.js publisher failed: $(cat "$out/capteurs.txt")"
    settle
    sub_stop sub-wildcard-1 4
    sub_stop sub-wildcard-2 2
    sub_stop sub-wildcard-3 2
}

# MQTTX's 5.0 clients: mosquitto_sub/pub -V mqttv5 with the same properties; mosquitto_pub sends
# the topic with alias 1 in its first PUBLISH, then the alias alone.
play_mqtt5_properties() {
    local value
    mqtt_version=mqttv5
    sub_start mqttx_sub -x 3600 -D connect user-property client MQTTX -t maison/salon/temperature -q 1
    pub_open mqttx_pub -t maison/salon/temperature -q 1 -D publish topic-alias 1 \
        -D publish user-property unit celsius -D publish message-expiry-interval 300
    for value in 20.5 20.7 21.0; do pub_line mqttx_pub "$value"; done
    pub_close mqttx_pub
    sub_stop mqttx_sub 3
}

play_password_in_clear() { publish_to_a_subscriber 1 21.5; }
play_tls_server_only() { publish_to_a_subscriber 1 21.5; }
play_mutual_tls() { publish_to_a_subscriber 1 21.5; }
play_tls13() { publish_to_a_subscriber 1 21.5; }
play_no_client_certificate() { failed_connection sub-ciel; }
play_wrong_ca() { failed_connection sub-ciel; }
play_cleartext_to_8883() { failed_connection sub-ciel; }

# scenario: broker (clear, password, server-only or mutual TLS), the port the clients use (clear, tls), the clients'
# TLS credentials (clear, lab, none, wrong-ca) and the highest TLS version they offer.
declare -A SCENARIOS=(
    [qos0]="clear clear clear -"
    [qos1]="clear clear clear -"
    [qos2]="clear clear clear -"
    [retain]="clear clear clear -"
    [persistent-session]="clear clear clear -"
    [wildcards]="clear clear clear -"
    [mqtt5-properties]="clear clear clear -"
    [password-in-clear]="password clear clear -"
    [tls-server-only]="server-only tls none 1.2"
    [mutual-tls]="mutual tls lab 1.2"
    [tls13]="mutual tls lab 1.3"
    [no-client-certificate]="mutual tls none 1.2"
    [wrong-ca]="mutual tls wrong-ca 1.2"
    [cleartext-to-8883]="mutual tls clear -"
)

[[ -n ${SCENARIOS[$scenario]:-} ]] || die "no real counterpart for scenario $scenario"
read -r broker port_kind tls_client client_tls_max <<<"${SCENARIOS[$scenario]}"
credentials=()
client_env=()
mqtt_version=mqttv311
if [[ $client_tls_max == 1.2 ]]; then
    # mosquitto_pub/sub's --tls-version is a minimum: OpenSSL's configuration sets the maximum.
    printf '%s\n' "openssl_conf = init" "[init]" "ssl_conf = ssl" "[ssl]" "system_default = default" "[default]" \
        "MaxProtocol = TLSv1.2" >"$work/tls12.cnf"
    client_env=(env "OPENSSL_CONF=$work/tls12.cnf")
fi

rm -rf "$out"
mkdir -p "$out"
# As the simulated broker, and mosquitto by default: no packet size limit, so no Maximum Packet
# Size in a 5.0 CONNACK (mqscan lab broker's default is 1 MiB).
broker_options=(--max-packet-size 268435455)
case $broker in
    clear) start_lab_broker "$broker_log" "$mqscan" "${broker_options[@]}" ;;
    password)
        echo "eleve:ciel2026" >"$work/passwords"
        start_lab_broker "$broker_log" "$mqscan" "${broker_options[@]}" --password-file "$work/passwords"
        credentials=(-u eleve -P ciel2026)
        ;;
    server-only)
        make_certificates
        start_lab_broker "$broker_log" "$mqscan" "${broker_options[@]}" --tls-port 0 --cafile "$pki/ca.crt" --certfile "$pki/broker.crt" \
            --keyfile "$pki/broker.key"
        ;;
    mutual)
        make_certificates
        start_lab_broker "$broker_log" "$mqscan" "${broker_options[@]}" --tls-port 0 --cafile "$pki/ca.crt" --certfile "$pki/broker.crt" \
            --keyfile "$pki/broker.key" --require-certificate --use-identity-as-username
        ;;
esac
if [[ $port_kind == clear ]]; then server_port=$lab_port; else server_port=$lab_tls_port; fi
ports=(--mqtt-port "$lab_port")
filter="tcp port $lab_port"
if [[ -n $lab_tls_port ]]; then
    ports+=(--tls-port "$lab_tls_port")
    filter+=" or tcp port $lab_tls_port"
fi

start_capture "$out/tcpdump.log" "${TCPDUMP[@]}" -i lo -w "$out/real.pcap" "$filter"
"play_${scenario//-/_}"
stop_capture "$out/real.pcap" "$out/tcpdump.log"
! capture_lost_packets "$out/tcpdump.log" || die "tcpdump lost packets: $(cat "$out/tcpdump.log")"

"$mqscan" lab record "$scenario" -o "$out/simulated.pcap" >/dev/null
"$mqscan" --format json "$out/simulated.pcap" >"$out/simulated.json" || die "mqscan failed on the simulated capture"
"$mqscan" --format json "${ports[@]}" "$out/real.pcap" >"$out/real.json" || die "mqscan failed on the real capture"
python3 "$here/lab_report_view.py" "$out/simulated.json" "$out/real.json"
diff -u "$out/simulated.view" "$out/real.view" >"$out/view.diff" ||
    die "the real capture's report differs from the simulated one's (- simulated, + real):
$(cat "$out/view.diff")"
echo "$script_name: the real and simulated captures give the same report ($(wc -l <"$out/real.view") facts)"
