#!/usr/bin/env bash
# mqscan lab broker, pub and sub against mosquitto 2.0 and its clients (issue 6's acceptance):
#
#   lab_interop_test.sh MQSCAN OUTDIR mosquitto-clients|mqscan-clients|mqttjs
#
# The reference is mosquitto_pub/sub against a real mosquitto. The same scenarios are played
# by mosquitto's clients against `mqscan lab broker` (mosquitto-clients), or by `mqscan lab
# pub/sub` against mosquitto and against `mqscan lab broker` (mqscan-clients), and must give
# what the reference gives: the messages each subscriber printed, in order, and the brokers'
# "New client connected" lines (protocol, clean session, keepalive, the user name a client
# certificate gives). Scenarios, each in MQTT 3.1.1 and 5.0, in clear and over TLS with a
# client certificate: QoS 0, 1 and 2 delivery; a retained message set, delivered to a later
# subscriber, cleared; a persistent session that gets what was published while it was away;
# the `maison/...` wildcards of lab 1. mosquitto-clients also checks that both brokers refuse a
# TLS client without a certificate and log it alike; mqttjs runs MQTT.js (mqttjs_session.js:
# 3.1.1 and 5.0, QoS 0, 1, 2) against `mqscan lab broker` alone, in clear.
# Both brokers listen on 127.0.0.1 only; every wait is bounded; the outputs stay in OUTDIR.
set -euo pipefail

readonly FIRST_PORT=19300  # apart from the other integration scripts' ports
readonly PORTS_TO_TRY=10
readonly CLIENT_TIMEOUT=10  # seconds, for every client run
readonly WAIT_SECONDS=10    # for a line in a broker's log
readonly STUDENT="Inès Interop"

mqscan=$(readlink -f "$1")
out=$2
mode=$3
work=$(mktemp -d)
pki="$work/pki"
port=""
here=$(dirname "$(readlink -f "$0")")
script_name=lab_interop_test
# shellcheck source=background_processes.sh
source "$here/background_processes.sh"
# shellcheck source=lab_pki.sh
source "$here/lab_pki.sh"

# The lab's broker (LABS.md): 1883 in clear, 8883 with mutual TLS and the certificate's CN as user name.
mosquitto_conf() {
    broker_conf_start
    cat <<EOF
log_type all
listener $1 127.0.0.1
listener $(($1 + 1)) 127.0.0.1
cafile $pki/ca.crt
certfile $pki/broker.crt
keyfile $pki/broker.key
require_certificate true
use_identity_as_username true
EOF
}

start_brokers() {
    start_mosquitto_on_free_port "$FIRST_PORT" 2 "$PORTS_TO_TRY" mosquitto_conf
    mosquitto_ports=("$port" $((port + 1)))
    start_lab_broker "$work/lab.log" "$mqscan" --tls-port 0 --cafile "$pki/ca.crt" --certfile "$pki/broker.crt" \
        --keyfile "$pki/broker.key" --require-certificate --use-identity-as-username
    lab_ports=("$lab_port" "$lab_tls_port")
}

# use BROKER CLIENTS: the broker (mosquitto or lab) and the clients (mosquitto or mqscan) the
# next scenarios run with.
use() {
    if [[ $1 == mosquitto ]]; then
        ports=("${mosquitto_ports[@]}") broker_log="$work/broker.log"
    else
        ports=("${lab_ports[@]}") broker_log="$work/lab.log"
    fi
    if [[ $2 == mosquitto ]]; then
        pub_tool=(mosquitto_pub) sub_tool=(mosquitto_sub)
    else
        pub_tool=("$mqscan" lab pub) sub_tool=("$mqscan" lab sub)
    fi
}

# over clear|tls VERSION: the connection options of the next clients.
over() {
    connection=(-h 127.0.0.1 -V "$2")
    if [[ $1 == clear ]]; then
        connection+=(-p "${ports[0]}")
    else
        connection+=(-p "${ports[1]}" --cafile "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key")
    fi
}

pub() { timeout "$CLIENT_TIMEOUT" "${pub_tool[@]}" "${connection[@]}" "$@" </dev/null || die "pub $* failed"; }
sub() { timeout "$CLIENT_TIMEOUT" "${sub_tool[@]}" "${connection[@]}" "$@" </dev/null || die "sub $* failed"; }

# start_sub NAME ID ARGS...: a subscriber with client id ID in the background, its messages in
# NAME.txt; returns once the broker has sent its SUBACK.
start_sub() {
    local name=$1 id=$2
    shift 2
    timeout "$CLIENT_TIMEOUT" "${sub_tool[@]}" "${connection[@]}" -i "$id" "$@" </dev/null >"$run/$name.txt" &
    sub_pids[$name]=$!
    started_pids+=("$!")  # stopped at exit, should a check fail before it ends
    wait_for_line "Sending SUBACK to $id\$" "$broker_log" "${sub_pids[$name]}" "$WAIT_SECONDS" ||
        die "no SUBACK for $id ($name)"
}

finish_sub() {
    wait "${sub_pids[$1]}" || die "subscriber $1 failed"
}

qos_delivery() {
    start_sub qos "q-$tag" -q 2 -t "$tag/ciel" -C 3 -v
    for qos in 0 1 2; do pub -q "$qos" -t "$tag/ciel" -m "qos $qos"; done
    finish_sub qos
}

retain() {
    pub -q 1 -r -t "$tag/retain" -m kept
    sub -q 1 -t "$tag/retain" -C 1 -v >"$run/retain-set.txt"
    pub -q 1 -r -t "$tag/retain" -m ''  # an empty retained message clears it
    pub -q 1 -r -t "$tag/marker" -m after
    # Cleared: the first retained message this subscriber gets is the marker's.
    sub -q 1 -t "$tag/retain" -t "$tag/marker" -C 1 -v >"$run/retain-cleared.txt"
}

persistent_session() {
    start_sub persist-online "p-$tag" -c -q 1 -t "$tag/persist" -C 1
    pub -q 1 -t "$tag/persist" -m online
    finish_sub persist-online
    pub -q 1 -t "$tag/persist" -m "while away"
    sub -i "p-$tag" -c -q 1 -t "$tag/persist" -C 1 >"$run/persist-back.txt"
}

wildcards() {
    start_sub maison-all "wa-$tag" -q 1 -t 'maison/#' -C 4 -v
    start_sub maison-salon "ws-$tag" -q 1 -t 'maison/salon/#' -C 2 -v
    start_sub maison-temperature "wt-$tag" -q 1 -t 'maison/+/temperature' -C 2 -v
    pub -q 1 -t maison/salon/temperature -m 21.5
    pub -q 1 -t maison/salon/humidite -m 40
    pub -q 1 -t maison/chambre_1/temperature -m 19
    pub -q 1 -t jardin/temperature -m 12
    pub -q 1 -t maison/chambre_1/lumiere -m on
    for name in maison-all maison-salon maison-temperature; do finish_sub "$name"; done
}

# play CLIENTS BROKER: every scenario, in both versions, in clear and over TLS; the outputs go to
# OUTDIR/CLIENTS-BROKER with the run's tag replaced by TAG.
play() {
    local clients=$1 broker=$2 transport version
    run="$out/$clients-$broker"
    mkdir -p "$run"
    use "$broker" "$clients"
    local log_start
    log_start=$(wc -l <"$broker_log")
    for version in mqttv311 mqttv5; do
        for transport in clear tls; do
            # Unique per run: retained messages and sessions stay in a broker from one run to the next.
            tag="${clients:0:2}${broker:0:2}${version#mqttv}${transport:0:1}"
            over "$transport" "$version"
            local before=$run
            run="$before/$version-$transport"
            mkdir -p "$run"
            qos_delivery
            retain
            persistent_session
            wildcards
            run=$before
        done
    done
    # Which clients the broker let in, and how: "as ID (pP, cC, kK[, u'USER'])."
    tail -n +"$((log_start + 1))" "$broker_log" | sed -nE 's/^[0-9]+: New client connected from [^ ]+ as ([^ ]+ \(.*)$/\1/p' |
        grep -v '^auto-' >"$run/connected.txt" || true
    find "$run" -name '*.txt' -exec sed -i -E 's/\b(mo|mq)(mo|la)(311|5)[ct]\b/TAG/g' {} +
}

# The reference must show every scenario, or the comparisons below would compare nothing.
check_reference() {
    local file
    while IFS= read -r file; do
        [[ -s $file ]] || die "the reference $file is empty"
    done < <(find "$out/mosquitto-mosquitto" -name '*.txt')
    # 8 outputs per version and transport, and connected.txt.
    [[ $(find "$out/mosquitto-mosquitto" -name '*.txt' | wc -l) -eq $((8 * 4 + 1)) ]] || die "the reference misses outputs"
}

same_as_reference() {
    diff -r "$out/mosquitto-mosquitto" "$out/$1" >"$out/$1.diff" ||
        die "$1 differs from mosquitto_pub/sub against mosquitto: $(cat "$out/$1.diff")"
}

# A TLS client without a certificate: refused by both brokers, which log it alike.
refusal() {
    local broker=$1 log
    use "$broker" mosquitto
    if timeout "$CLIENT_TIMEOUT" mosquitto_pub -h 127.0.0.1 -p "${ports[1]}" --cafile "$pki/ca.crt" -t x -m y \
        </dev/null 2>/dev/null; then
        die "$broker let in a TLS client without a certificate"
    fi
    log=$(sed -E 's/^[0-9]+: //' "$broker_log")
    grep -q '^OpenSSL Error\[0\]: error:0A0000C7:SSL routines::peer did not return a certificate$' <<<"$log" ||
        die "$broker did not log OpenSSL's error for the client without a certificate"
    grep -q '^Client <unknown> disconnected: Protocol error\.$' <<<"$log" ||
        die "$broker did not log the end of the client without a certificate"
}

rm -rf "$out"
mkdir -p "$out"
declare -A sub_pids
case "$mode" in
    mosquitto-clients | mqscan-clients)
        make_certificates
        start_brokers
        ;;
    mqttjs) start_lab_broker "$work/lab.log" "$mqscan" ;;  # MQTT.js in clear: no mosquitto, no certificates
esac
case "$mode" in
    mosquitto-clients)
        play mosquitto mosquitto
        check_reference
        play mosquitto lab
        same_as_reference mosquitto-lab
        refusal mosquitto
        refusal lab
        ;;
    mqscan-clients)
        play mosquitto mosquitto
        check_reference
        play mqscan mosquitto
        same_as_reference mqscan-mosquitto
        play mqscan lab
        same_as_reference mqscan-lab
        ;;
    mqttjs)
        NODE_PATH=/usr/share/nodejs timeout 20 node --no-deprecation "$here/mqttjs_session.js" 127.0.0.1 "$lab_port" \
            </dev/null >"$out/mqttjs.log" 2>&1 || die "MQTT.js against mqscan lab broker: $(cat "$out/mqttjs.log")"
        for version in 4 5; do
            grep -Eq "Sending PUBLISH to mqttjs-v$version \(d0, q2, r0, m[0-9]+, 'mqttjs/v$version'" "$work/lab.log" ||
                die "mqscan lab broker did not deliver MQTT.js's QoS 2 message (version $version)"
        done
        ;;
    *) die "unknown mode $mode" ;;
esac
[[ $mode == mqttjs ]] || cp "$work/broker.log" "$out/mosquitto.log"
cp "$work/lab.log" "$out/lab-broker.log"
echo "$script_name: $mode: all checks passed"
