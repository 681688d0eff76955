#!/usr/bin/env bash
# Sets `mqscan mosquitto` beside the real thing: runs an MQTT session against a private
# `mosquitto` 2.0 that logs everything (as -v does), captures it with tcpdump on the
# loopback interface, and checks that the view writes the broker's own lines, in the
# broker's order, each stamped with the broker's second or the one after it.
# The broker's start and stop lines are left out: a capture cannot know them.
#
#   mosquitto_log_test.sh MQSCAN [KEEP_DIR]    KEEP_DIR keeps the capture and both logs
#
# Needs root (or capture capabilities), mosquitto, mosquitto-clients and tcpdump; exits 77
# (skipped) when one is missing. Traffic goes to 127.0.0.1 only; every wait is bounded.
set -euo pipefail

readonly FIRST_PORT=18890       # a range of its own: other integration tests use 18830..
readonly PORT_PAIRS_TO_TRY=20
readonly CLIENT_TIMEOUT=20      # seconds, for every mosquitto client run
readonly SKIPPED=77
# Lines about the broker itself, not about a connection.
readonly BROKER_ONLY='^[0-9]+: (mosquitto version .* (starting|running|terminating)|Config loaded from |Opening ipv[46] listen socket on port )'

mqscan=""
work=$(mktemp -d)
port=""           # the listener that lets anonymous clients in
refusing_port=""  # the one that refuses them

script_name=mosquitto_log_test
# shellcheck source=background_processes.sh
source "$(dirname "$(readlink -f "$0")")/background_processes.sh"

# A broker with two listeners on 127.0.0.1: PORT lets anonymous clients in, PORT+1 refuses them.
# It logs to stderr, which is unbuffered: its stdout reaches a file only when it stops.
broker_conf() {
    cat <<EOF
per_listener_settings true
listener $1 127.0.0.1
allow_anonymous true
listener $(($1 + 1)) 127.0.0.1
allow_anonymous false
persistence false
log_type all
log_dest stderr
EOF
}

start_broker() {
    start_mosquitto_on_free_port "$FIRST_PORT" 2 "$PORT_PAIRS_TO_TRY" broker_conf
    refusing_port=$((port + 1))
}

# Runs one mosquitto client, bounded in time: client TOOL [ARGS...]
client() {
    local tool=$1
    shift
    timeout "$CLIENT_TIMEOUT" "$tool" -h 127.0.0.1 "$@" </dev/null
}

# Starts a subscriber in the background and waits until the broker has answered its SUBSCRIBE.
start_subscriber() {
    local id=$1
    shift
    client mosquitto_sub -p "$port" -i "$id" "$@" >"$work/$id.out" 2>&1 &
    started_pids+=($!)
    wait_for_line "Sending SUBACK to $id\$" "$work/broker.log" "$broker_pid" "$CLIENT_TIMEOUT" ||
        die "subscriber $id was not answered"
}

# Each step waits for the previous one, so that only the two subscribers overlap others.
run_session() {
    # Two subscribers with a 5 s keep alive, kept 8 s: each sends a PINGREQ.
    start_subscriber sub311 -V mqttv311 -q 2 -k 5 -W 8 -t ciel -t 'maison/#' -t 'a/+/b'
    local sub311=$!
    start_subscriber sub5 -V mqttv5 -q 1 -k 5 -W 8 -t ciel -u student \
        --will-topic adieu --will-payload bye --will-qos 1
    local sub5=$!
    client mosquitto_pub -p "$port" -V mqttv311 -i pub311 -q 1 -t ciel -m hello
    client mosquitto_pub -p "$port" -V mqttv5 -i pub5 -q 2 -r -t ciel -m bonjour
    client mosquitto_pub -p "$port" -V mqttv31 -i pub31 -q 0 -t maison/salon -m 21.5
    # Two UNSUBSCRIBEs in a row, before either is answered.
    client mosquitto_sub -p "$port" -V mqttv5 -i unsub5 -t x/y -t z -U x/y -U z -W 1 >/dev/null 2>&1 || true
    # Killed, so the kernel closes its socket without a DISCONNECT: "closed its connection".
    # --foreground: only the client is killed, not timeout itself.
    timeout --foreground -s KILL 1 mosquitto_sub -h 127.0.0.1 -p "$port" -i vanish -t ciel \
        </dev/null >/dev/null || true
    client mosquitto_sub -p "$port" -V mqttv311 -i ret311 -q 2 -t ciel -C 1 >/dev/null
    client mosquitto_pub -p "$port" -V mqttv5 -i clear5 -r -n -t ciel
    client mosquitto_pub -p "$refusing_port" -V mqttv311 -i refused311 -t ciel -m no 2>/dev/null &&
        die "the refusing listener let a client in"
    client mosquitto_pub -p "$refusing_port" -V mqttv5 -i refused5 -t ciel -m no 2>/dev/null &&
        die "the refusing listener let a client in"
    wait "$sub311" "$sub5" || true  # -W ends them with a non-zero status
}

record() {
    start_capture "$work/tcpdump.log" "${TCPDUMP[@]}" -i lo -w "$work/session.pcap" \
        "tcp port $port or tcp port $refusing_port"
    run_session
    stop_capture "$work/session.pcap" "$work/tcpdump.log"
    stop_process "$broker_pid"
    ! capture_lost_packets "$work/tcpdump.log" || die "tcpdump lost packets: $(cat "$work/tcpdump.log")"
}

# Fails unless the broker wrote each kind of line this session is meant to exercise.
check_coverage() {
    local wanted
    for wanted in '(p1, c1' '(p2, c1' "(p5, c1, k5, u'student')" 'Will message specified' \
        'Received PINGREQ' 'Sending PINGRESP' 'Received UNSUBSCRIBE' 'Sending PUBREL' \
        'Received PUBCOMP' 'Received PUBREL' 'Sending PUBCOMP' 'Client vanish closed its connection' \
        'Sending CONNACK to 127.0.0.1 (0, 5)' 'Sending CONNACK to 127.0.0.1 (0, 135)' \
        'Client <unknown> disconnected, not authorised'; do
        grep -Fq -- "$wanted" "$work/expected.log" || die "the broker never wrote '$wanted'"
    done
}

# Numbers the lines of a log (LOG) and files each under its client, as
# "CLIENT<tab>NUMBER<tab>SECONDS<tab>MESSAGE", sorted by client, in order within one.
# A line naming no client ("\tciel (QoS 2)", "sub311 2 ciel", the will lines) goes
# with the line before it, which mosquitto writes in the same breath.
by_client() {
    awk '{
        seconds = $1; sub(/:$/, "", seconds)
        message = substr($0, index($0, ": ") + 2)
        split(message, w, " ")
        if (message ~ /^New connection from /) key = "@" w[4]
        else if (message ~ /^New client connected from /) { key = w[7]; client_at["@" w[5]] = key }
        else if (message ~ /^(Received|Sending) [A-Z]+ (from|to) /) key = w[4]
        else if (message ~ /^Client /) key = w[2]
        n++; keys[n] = key; times[n] = seconds; messages[n] = message
    }
    END {
        for (i = 1; i <= n; i++) {
            key = keys[i] in client_at ? client_at[keys[i]] : keys[i]
            print key "\t" i "\t" times[i] "\t" messages[i]
        }
    }' "$1" | sort -t$'\t' -k1,1 -k2,2n
}

# Each client's lines must be the same, in the same order. Across clients the order may
# differ: mosquitto logs a packet when it queues it, and writes each socket in its turn.
# The view's second is the broker's or the one after, because the broker reads its clock
# before it waits for sockets (mosquitto's src/loop.c).
compare() {
    local expected=$1 actual=$2
    by_client "$expected" >"$work/expected.by-client"
    by_client "$actual" >"$work/actual.by-client"
    if ! diff <(cut -f1,4 "$work/expected.by-client") <(cut -f1,4 "$work/actual.by-client") >"$work/diff"; then
        cat "$work/diff" >&2
        die "the view's lines differ from the broker's (< broker, > mqscan)"
    fi
    paste <(cut -f3,4 "$work/expected.by-client") <(cut -f3 "$work/actual.by-client") |
        awk -F'\t' '$3 != $1 && $3 != $1 + 1 { print "broker " $1 ", mqscan " $3 ": " $2; bad = 1 }
                    END { exit bad }' >&2 ||
        die "a line's time is off by more than the broker's clock lag"
    local reordered
    reordered=$(diff <(cut -d' ' -f2- "$expected") <(cut -d' ' -f2- "$actual") | grep -c '^>' || true)
    echo "$reordered lines stand elsewhere in the broker's log, among other clients' lines"
}

main() {
    [[ $# -ge 1 ]] || die "usage: $0 MQSCAN [KEEP_DIR]"
    mqscan=$1
    local tool
    for tool in mosquitto mosquitto_pub mosquitto_sub tcpdump timeout; do
        command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit "$SKIPPED"; }
    done
    start_broker
    record
    grep -Ev "$BROKER_ONLY" "$work/broker.log" >"$work/expected.log"
    "$mqscan" mosquitto "$work/session.pcap" --mqtt-port "$port" --mqtt-port "$refusing_port" \
        >"$work/mqscan.log"
    if [[ $# -ge 2 ]]; then
        mkdir -p "$2"
        cp "$work/session.pcap" "$work/broker.log" "$work/expected.log" "$work/mqscan.log" "$2"
    fi
    check_coverage
    compare "$work/expected.log" "$work/mqscan.log"
    echo "mqscan mosquitto wrote the broker's $(wc -l <"$work/expected.log") lines"
}

main "$@"
