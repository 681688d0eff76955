#!/usr/bin/env bash
# Records MQTT sessions between mosquitto clients and a private mosquitto broker on the
# loopback interface, once per capture variant, for the tshark differential test.
#
#   make_loopback_captures.sh OUTDIR          every variant into OUTDIR (see README.md)
#   make_loopback_captures.sh --sample FILE   one short session, `tcpdump -i lo`, no large message
#
# Needs root (or capture capabilities), mosquitto, mosquitto-clients, tcpdump, dumpcap, and
# node with Debian's node-mqtt (MQTT.js). Traffic goes to 127.0.0.1 and ::1 only; every wait
# is bounded.
set -euo pipefail

readonly FIRST_PORT=18830       # not 1883, so a broker already running there is left alone
readonly PORTS_TO_TRY=20
readonly CLIENT_TIMEOUT=20      # seconds, for every mosquitto client run
readonly RETAINED_TOPIC=maison/salon/temperature
readonly TOPIC=ciel
readonly MQTTJS_SESSION="$(dirname "$(readlink -f "$0")")/mqttjs_session.js"

work=$(mktemp -d)
port=""

script_name=make_loopback_captures
# shellcheck source=background_processes.sh
source "$(dirname "$(readlink -f "$0")")/background_processes.sh"

ipv6_loopback_available() {
    grep -q '^00000000000000000000000000000001 .* lo$' /proc/net/if_inet6 2>/dev/null
}

# The broker's configuration with its listener on PORT, on 127.0.0.1 (and ::1 if present).
broker_conf() {
    echo "listener $1 127.0.0.1"
    ipv6_loopback_available && echo "listener $1 ::1"
    echo "allow_anonymous true"
    echo "persistence false"
    echo "log_dest stderr"
}

# Runs one mosquitto client against the broker at HOST, bounded in time.
client() {
    local host=$1 tool=$2
    shift 2
    timeout "$CLIENT_TIMEOUT" "$tool" -h "$host" -p "$port" "$@" </dev/null
}

# Runs the MQTT.js session (mqttjs_session.js) against the broker at HOST, bounded in time.
mqttjs_client() {
    local host=$1
    NODE_PATH=/usr/share/nodejs timeout "$CLIENT_TIMEOUT" \
        node --no-deprecation "$MQTTJS_SESSION" "$host" "$port" </dev/null
}

# The MQTT scenario: a retained message, a 3.1.1 and a 5.0 subscriber, "hello" at QoS 0, 1
# and 2 from a 3.1.1 and a 5.0 publisher, and the EXTRAS named (space-separated): "large", a
# large message spanning segments; "mqttjs", the MQTT.js session.
run_session() {
    local host=$1 extras=" $2 "
    local expected=7 versions=(mqttv311 mqttv5) subscriber_pids=() version qos i
    if [[ $extras == *" large "* ]]; then expected=8; fi

    client "$host" mosquitto_pub -V mqttv311 -q 1 -r -t "$RETAINED_TOPIC" -m 21.5
    for version in "${versions[@]}"; do
        client "$host" mosquitto_sub -V "$version" -q 2 -t "$TOPIC" -t "$RETAINED_TOPIC" \
            -v -C "$expected" -W "$CLIENT_TIMEOUT" >"$work/sub-$version.out" &
        subscriber_pids+=($!)
        started_pids+=($!)
    done
    # The retained message reaches a subscriber once its subscription is in place.
    for i in 0 1; do
        wait_for_line "^$RETAINED_TOPIC " "$work/sub-${versions[i]}.out" \
            "${subscriber_pids[i]}" "$CLIENT_TIMEOUT" ||
            die "the ${versions[i]} subscriber did not get the retained message"
    done
    for version in mqttv311 mqttv5; do
        for qos in 0 1 2; do
            client "$host" mosquitto_pub -V "$version" -q "$qos" -t "$TOPIC" -m hello
        done
    done
    if [[ $extras == *" large "* ]]; then
        client "$host" mosquitto_pub -V mqttv5 -q 1 -t "$TOPIC" -f "$work/large.txt"
    fi
    if [[ $extras == *" mqttjs "* ]]; then
        mqttjs_client "$host" || die "the MQTT.js session failed"
    fi
    for i in 0 1; do
        wait "${subscriber_pids[i]}" ||
            die "the ${versions[i]} subscriber did not get all $expected messages"
    done
}

# Records one session: record_session FILE HOST EXTRAS CAPTURER [ARGS...]
# EXTRAS as for run_session ("" for none); the capturer's arguments must include the filter.
record_session() {
    local file=$1 host=$2 extras=$3
    shift 3
    rm -f "$file"
    start_capture "$work/capture.log" "$@"
    run_session "$host" "$extras"
    stop_capture "$file" "$work/capture.log"
}

# Like record_session, again if the capturer lost packets: lost packets are holes that
# the peer may never acknowledge, which tshark's follow does not show (see README.md).
capture_variant() {
    local file=$1 attempt
    for attempt in 1 2 3; do
        record_session "$@"
        if ! capture_lost_packets "$work/capture.log"; then
            echo "wrote $file"
            return 0
        fi
        echo "make_loopback_captures: $file lost packets (attempt $attempt)" >&2
    done
    die "the capturer keeps losing packets: $(cat "$work/capture.log")"
}

# tcpdump_variant FILE HOST EXTRAS [TCPDUMP ARGS...]
tcpdump_variant() {
    local file=$1 host=$2 extras=$3
    shift 3
    capture_variant "$file" "$host" "$extras" "${TCPDUMP[@]}" -w "$file" "$@" "tcp port $port"
}

make_all_variants() {
    local out=$1
    mkdir -p "$out"
    tcpdump_variant "$out/lo-ethernet.pcap" 127.0.0.1 "large mqttjs" -i lo
    tcpdump_variant "$out/any-sll2.pcap" 127.0.0.1 large -i any
    tcpdump_variant "$out/any-sll.pcap" 127.0.0.1 large -i any -y LINUX_SLL
    tcpdump_variant "$out/lo-snaplen96.pcap" 127.0.0.1 large -i lo -s 96
    tcpdump_variant "$out/lo-nanosecond.pcap" 127.0.0.1 large -i lo --time-stamp-precision nano
    capture_variant "$out/lo-dumpcap.pcapng" 127.0.0.1 large \
        dumpcap -B 64 -i lo -w "$out/lo-dumpcap.pcapng" -f "tcp port $port"
    if ipv6_loopback_available; then
        tcpdump_variant "$out/lo-ipv6.pcap" ::1 large -i lo
    else
        echo "make_loopback_captures: WARNING: ::1 is not configured on lo; no IPv6 capture" >&2
    fi
}

make_sample() {
    local file=$1
    capture_variant "$file" 127.0.0.1 "" "${TCPDUMP[@]}" -i lo -w "$file" "tcp port $port"
}

main() {
    [[ $# -ge 1 ]] || die "usage: $0 OUTDIR | $0 --sample FILE"
    local tool
    for tool in mosquitto mosquitto_pub mosquitto_sub tcpdump dumpcap timeout node; do
        command -v "$tool" >/dev/null || die "$tool is not installed"
    done
    [[ -d /usr/share/nodejs/mqtt ]] || die "MQTT.js is not installed (Debian package node-mqtt)"
    # About 100 KB of numbered lines: a message whose segments were reordered hashes differently.
    seq 1 18900 >"$work/large.txt"
    start_mosquitto_on_free_port "$FIRST_PORT" 1 "$PORTS_TO_TRY" broker_conf
    echo "mosquitto listening on port $port"
    if [[ $1 == --sample ]]; then
        [[ $# -eq 2 ]] || die "usage: $0 --sample FILE"
        make_sample "$2"
    else
        make_all_variants "$1"
    fi
}

main "$@"
