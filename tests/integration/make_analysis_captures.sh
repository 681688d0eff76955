#!/usr/bin/env bash
# Records the lab situations the analysis report must explain (issue 5's acceptance), between
# mosquitto clients and a private mosquitto broker on the loopback interface, one capture per
# scenario, for analysis_scenarios_test.cpp:
#
#   qos2-complete.pcap          a QoS 2 publish, whole
#   qos2-missing-pubcomp.pcap   the same capture without its PUBCOMP frame (editcap)
#   keepalive-expired.pcap      a subscriber with keepalive 6 s, stopped: the broker closes
#   persistent-session.pcap     a persistent session gets the messages queued while offline
#   retained.pcap               a retained message set, delivered to a new subscriber, cleared
#   wildcards.pcap              maison/#, maison/+/temperature, maison/salon/# and 3 publishes
#   credentials-in-clear.pcap   a username and password in clear, then an anonymous client refused
#   ports                       "PORT PASSWORD_PORT": the broker's two listeners
#
#   make_analysis_captures.sh OUTDIR
#
# Needs root (or capture capabilities), mosquitto (and mosquitto_passwd), mosquitto-clients,
# tcpdump, tshark and editcap (wireshark-common, a dependency of tshark). Traffic goes to
# 127.0.0.1 only; every wait is bounded. Client ids, topics and payloads are fixed.
set -euo pipefail

readonly FIRST_PORT=18930       # not 1883, and apart from make_loopback_captures.sh (ctest runs both at once)
readonly PORT_PAIRS_TO_TRY=10   # PORT for anonymous clients, PORT + 1 with a password file
readonly CLIENT_TIMEOUT=10      # seconds, for every mosquitto client run
# The keepalive, in seconds, of the client whose keepalive expires. Even, so that 1.5 x it is
# whole seconds: mosquitto counts in whole seconds and closes once now_s - last_s exceeds
# keepalive * 3 / 2 in integer arithmetic; for an odd keepalive (5: 7 s, not 7.5 s) that can come
# less than 1.5 x keepalive after the client's last packet. With 6 (mosquitto_sub's minimum is
# 5), after more than 9 s.
readonly KEEPALIVE=6
readonly EXPIRY_WAIT=20         # seconds: mosquitto closes after 1.5 x KEEPALIVE (+ its check)
readonly USERNAME=eleve
readonly PASSWORD=secret123

work=$(mktemp -d)
port=""
out=""

script_name=make_analysis_captures
# shellcheck source=background_processes.sh
source "$(dirname "$(readlink -f "$0")")/background_processes.sh"

# The broker on PORT (anonymous clients welcome) and PORT + 1 (username and password required).
# No persistence file: persistent sessions live in the broker's memory, which is enough here.
broker_conf() {
    cat <<EOF
# Not user mosquitto, which could not read the password file in the private scratch directory.
user root
per_listener_settings true
persistence false
log_dest stderr
log_type all
listener $1 127.0.0.1
allow_anonymous true
listener $(($1 + 1)) 127.0.0.1
allow_anonymous false
password_file $work/passwords
EOF
}

# Runs one mosquitto client against the broker's PORT (or PORT + 1 with `client_on PORT ...`),
# bounded in time.
client() {
    client_on "$port" "$@"
}
client_on() {
    local on=$1 tool=$2
    shift 2
    timeout "$CLIENT_TIMEOUT" "$tool" -h 127.0.0.1 -p "$on" "$@" </dev/null
}

# start_scenario NAME [PORT]: starts tcpdump on lo for the broker port, into $work/NAME.pcap.
start_scenario() {
    local name=$1 on=${2:-$port}
    scenario_file="$work/$name.pcap"
    rm -f "$scenario_file"
    start_capture "$work/$name.capture.log" "${TCPDUMP[@]}" -i lo -w "$scenario_file" "tcp port $on"
}

# end_scenario NAME: stops tcpdump, checks it lost nothing, moves the capture to OUTDIR.
end_scenario() {
    local name=$1
    stop_capture "$scenario_file" "$work/$name.capture.log"
    if capture_lost_packets "$work/$name.capture.log"; then
        die "tcpdump lost packets of $name: $(cat "$work/$name.capture.log")"
    fi
    mv "$scenario_file" "$out/$name.pcap"
    echo "wrote $out/$name.pcap"
}

# (a) mosquitto_pub at QoS 2: PUBLISH, PUBREC, PUBREL, PUBCOMP, DISCONNECT; then the PUBCOMP
# frame (broker to client) is removed, leaving a flow that lacks its last step.
qos2_missing_pubcomp() {
    start_scenario qos2-complete
    client mosquitto_pub -i pub-q2 -q 2 -t ciel -m ciel-qos2
    end_scenario qos2-complete
    local complete="$out/qos2-complete.pcap" found pubcomp
    # One frame from the broker with a PUBCOMP, and nothing else in it (removing the frame
    # must remove nothing else): "N<tab>7".
    found=$(tshark -n -r "$complete" -d "tcp.port==$port,mqtt" \
        -Y "mqtt.msgtype == 7 && tcp.srcport == $port" \
        -T fields -e frame.number -e mqtt.msgtype 2>/dev/null)
    local one_pubcomp=$'^([0-9]+)\t7$'
    [[ $found =~ $one_pubcomp ]] || die "not one frame with only a PUBCOMP in $complete: '$found'"
    pubcomp=${BASH_REMATCH[1]}
    # -F pcap: editcap would write pcapng otherwise.
    editcap -F pcap "$complete" "$out/qos2-missing-pubcomp.pcap" "$pubcomp"
    echo "wrote $out/qos2-missing-pubcomp.pcap (frame $pubcomp removed)"
}

# (b) mosquitto_sub with keepalive 6 s (see KEEPALIVE), stopped (SIGSTOP) once subscribed: it
# sends nothing more, the broker closes the connection after 1.5 x 6 s of silence, then the
# client is killed.
keepalive_expired() {
    start_scenario keepalive-expired
    # timeout's child execs mosquitto_sub: its pid is the one to stop. stdbuf: mosquitto_sub's
    # -d lines would stay in its stdio buffer otherwise.
    # shellcheck disable=SC2016  # $$ and $1 are the inner shell's
    start_background "$work/sleepy.log" timeout "$((CLIENT_TIMEOUT + EXPIRY_WAIT))" \
        bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$work/sleepy.pid" \
        stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$port" -d -k "$KEEPALIVE" -i sleepy -t ciel
    local timeout_pid=$last_pid sleepy
    wait_for_line 'received SUBACK' "$work/sleepy.log" "$timeout_pid" "$CLIENT_TIMEOUT" ||
        die "the keepalive client did not subscribe: $(cat "$work/sleepy.log")"
    sleepy=$(cat "$work/sleepy.pid")
    kill -STOP "$sleepy"
    wait_for_line 'Client sleepy has exceeded timeout' "$work/broker.log" "$broker_pid" \
        "$EXPIRY_WAIT" || die "the broker did not close the silent client's connection"
    sleep 0.2  # the broker's FIN and the client kernel's ACK
    kill -KILL "$sleepy"
    wait "$timeout_pid" 2>/dev/null || true
    end_scenario keepalive-expired
}

# (c) A persistent session (clean session 0) subscribes at QoS 1 and disconnects; two messages
# are published while it is offline; it reconnects and the broker delivers them.
persistent_session() {
    start_scenario persistent-session
    client mosquitto_sub -c -i persist -q 1 -t ciel/persist -E
    client mosquitto_pub -i pub-persist -q 1 -t ciel/persist -m queued-1
    client mosquitto_pub -i pub-persist -q 1 -t ciel/persist -m queued-2
    client mosquitto_sub -c -i persist -q 1 -t ciel/persist -C 2 -W "$CLIENT_TIMEOUT" \
        >"$work/persist.out"
    [[ $(cat "$work/persist.out") == $'queued-1\nqueued-2' ]] ||
        die "the persistent session got '$(cat "$work/persist.out")', not queued-1 and queued-2"
    end_scenario persistent-session
}

# (d) A retained message set at QoS 1, delivered with the retain flag to a new subscriber,
# then cleared by an empty retained message.
retained() {
    start_scenario retained
    client mosquitto_pub -i pub-retain -r -q 1 -t maison/salon/temperature -m 21.5
    client mosquitto_sub -i sub-retain -q 1 -t maison/salon/temperature -C 1 -F '%r %t %p' \
        -W "$CLIENT_TIMEOUT" >"$work/retained.out"
    [[ $(cat "$work/retained.out") == "1 maison/salon/temperature 21.5" ]] ||
        die "the new subscriber got '$(cat "$work/retained.out")', not the retained message"
    client mosquitto_pub -i clear-retain -r -q 1 -t maison/salon/temperature -n
    end_scenario retained
}

# (e) Three subscribers with wildcard filters, three publishes at QoS 1: each subscriber gets
# exactly the messages its filter matches.
wildcards() {
    start_scenario wildcards
    local ids=(sub-all sub-temperature sub-salon)
    local filters=('maison/#' 'maison/+/temperature' 'maison/salon/#')
    local counts=(3 2 2) pids=() i
    local expected=(
        $'maison/salon/temperature 21.5\nmaison/chambre_1/temperature 19.0\nmaison/salon/humidite 45'
        $'maison/salon/temperature 21.5\nmaison/chambre_1/temperature 19.0'
        $'maison/salon/temperature 21.5\nmaison/salon/humidite 45')
    for i in 0 1 2; do
        # -d: "received SUBACK" says the subscription is in place (stdbuf: at once);
        # -F: messages as "T topic payload".
        timeout "$CLIENT_TIMEOUT" stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$port" -d \
            -i "${ids[i]}" -q 1 -t "${filters[i]}" -C "${counts[i]}" -F 'T %t %p' \
            -W "$CLIENT_TIMEOUT" </dev/null >"$work/${ids[i]}.out" &
        pids+=($!)
        started_pids+=($!)
    done
    for i in 0 1 2; do
        wait_for_line 'received SUBACK' "$work/${ids[i]}.out" "${pids[i]}" "$CLIENT_TIMEOUT" ||
            die "${ids[i]} did not subscribe: $(cat "$work/${ids[i]}.out")"
    done
    client mosquitto_pub -i pub-salon-temp -q 1 -t maison/salon/temperature -m 21.5
    client mosquitto_pub -i pub-chambre-temp -q 1 -t maison/chambre_1/temperature -m 19.0
    client mosquitto_pub -i pub-salon-hum -q 1 -t maison/salon/humidite -m 45
    for i in 0 1 2; do
        wait "${pids[i]}" || die "${ids[i]} did not get ${counts[i]} messages"
        [[ $(sed -n 's/^T //p' "$work/${ids[i]}.out") == "${expected[i]}" ]] ||
            die "${ids[i]} got '$(sed -n 's/^T //p' "$work/${ids[i]}.out")'"
    done
    end_scenario wildcards
}

# (f) On the listener with a password file: a client with username and password (in clear),
# then an anonymous one the broker refuses (CONNACK 5, not authorised).
credentials_in_clear() {
    local password_port=$((port + 1))
    start_scenario credentials-in-clear "$password_port"
    client_on "$password_port" mosquitto_pub -i pub-eleve -u "$USERNAME" -P "$PASSWORD" \
        -t ciel -m with-password
    if client_on "$password_port" mosquitto_pub -i pub-anonymous -t ciel -m anonymous \
        >"$work/anonymous.out" 2>&1; then
        die "the broker accepted an anonymous client on its password listener"
    fi
    grep -q 'not authorised' "$work/anonymous.out" ||
        die "the anonymous client was not refused as not authorised: $(cat "$work/anonymous.out")"
    end_scenario credentials-in-clear
}

main() {
    [[ $# -eq 1 ]] || die "usage: $0 OUTDIR"
    local tool
    for tool in mosquitto mosquitto_passwd mosquitto_pub mosquitto_sub tcpdump tshark editcap timeout; do
        command -v "$tool" >/dev/null || die "$tool is not installed"
    done
    out=$1
    mkdir -p "$out"
    rm -f "$out"/*.pcap "$out/ports"
    mosquitto_passwd -b -c "$work/passwords" "$USERNAME" "$PASSWORD"
    start_mosquitto_on_free_port "$FIRST_PORT" 2 "$PORT_PAIRS_TO_TRY" broker_conf
    echo "mosquitto listening on ports $port and $((port + 1))"
    qos2_missing_pubcomp
    keepalive_expired
    persistent_session
    retained
    wildcards
    credentials_in_clear
    echo "$port $((port + 1))" >"$out/ports"
}

main "$@"
