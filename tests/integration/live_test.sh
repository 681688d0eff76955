#!/usr/bin/env bash
# `mqscan live` (issue 8) on the loopback interface, with a real mosquitto and its clients:
#
#   live_test.sh MQSCAN OUTDIR
#
# mqscan live streams JSON lines while a subscriber (keepalive 5 s, so it pings once) and
# publishers at QoS 0, 1 and 2 talk to the broker, and one publisher over TLS (the broker's
# second listener, certificates made as in the lab); SIGINT stops it. Then: exit 0, every
# expected packet type and TLS handshake step among the lines, the findings streamed (those of
# the report), the report as the last line, the libpcap statistics on
# stderr, and the report equal to `mqscan --format json` of the pcap it saved (-w) apart from
# capture.file ("interface lo" against the file's path). Also: --duration and -c stop by
# themselves, a wrong interface is refused (exit 2) with the list of interfaces, and so is a
# capture without privileges (exit 2) with what to do.
# Needs root (or capture capabilities), mosquitto, mosquitto-clients, openssl, python3. Every wait is
# bounded; the outputs stay in OUTDIR for a look after a failure.
set -euo pipefail

readonly FIRST_PORT=19100       # apart from the other integration scripts' ports
readonly PORTS_TO_TRY=10
readonly CLIENT_TIMEOUT=10      # seconds, for every mosquitto client run
readonly SUBSCRIBER_TIMEOUT=40  # the subscriber outlives its keepalive, three publishers and a slow CI
readonly KEEPALIVE=5            # mosquitto_sub's minimum: it pings after 5 s without sending
readonly WAIT_SECONDS=15        # for each expected line
readonly STUDENT="Léa Live"     # in the broker certificate's subject

mqscan=$(readlink -f "$1")
out=$2
work=$(mktemp -d)
pki="$work/pki"
port=""  # cleartext MQTT; port + 1: MQTT over TLS
script_name=live_test
# shellcheck source=background_processes.sh
source "$(dirname "$(readlink -f "$0")")/background_processes.sh"
# shellcheck source=lab_pki.sh
source "$(dirname "$(readlink -f "$0")")/lab_pki.sh"

broker_conf() {
    broker_conf_start
    cat <<EOF
listener $1 127.0.0.1
listener $(($1 + 1)) 127.0.0.1
cafile $pki/ca.crt
certfile $pki/broker.crt
keyfile $pki/broker.key
EOF
}

client() {
    local tool=$1
    shift
    timeout "$CLIENT_TIMEOUT" "$tool" -h 127.0.0.1 -p "$port" "$@" </dev/null
}

# start_live NAME ARGS...: mqscan live on lo for the broker's port, stdout in NAME.out, stderr
# in NAME.err; waits until it listens. Its pid goes to $live_pid.
start_live() {
    local name=$1
    shift
    "$mqscan" live -i lo -f "tcp port $port or tcp port $((port + 1))" "$@" </dev/null >"$out/$name.out" 2>"$out/$name.err" &
    live_pid=$!
    started_pids+=("$live_pid")
    wait_for_line 'listening on lo' "$out/$name.err" "$live_pid" 10 || die "mqscan live did not start: $(cat "$out/$name.err")"
}

# expect_exit PID CODE: waits (bounded) for PID to end by itself with CODE.
expect_exit() {
    local pid=$1 code=$2 rc=0 tries=$((WAIT_SECONDS * 10))
    while kill -0 "$pid" 2>/dev/null && ((tries-- > 0)); do sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && die "mqscan live (pid $pid) did not stop"
    wait "$pid" || rc=$?
    ((rc == code)) || die "mqscan live exited with $rc, not $code"
}

rm -rf "$out"
mkdir -p "$out"
make_certificates
start_mosquitto_on_free_port "$FIRST_PORT" 2 "$PORTS_TO_TRY" broker_conf

# A wrong interface: exit 2, the message and the list.
rc=0
"$mqscan" live -i no-such-interface0 >"$out/wrong.out" 2>"$out/wrong.err" || rc=$?
((rc == 2)) || die "a wrong interface exited with $rc, not 2"
grep -q "no interface named 'no-such-interface0'" "$out/wrong.err" || die "no message for a wrong interface"
grep -Eq '^  lo ' "$out/wrong.err" || die "the interfaces are not listed: $(cat "$out/wrong.err")"

# Without privileges (user nobody, when it may run this mqscan): exit 2 and what to do.
if setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$mqscan" 2>/dev/null; then
    rc=0
    setpriv --reuid=65534 --regid=65534 --clear-groups "$mqscan" live -i lo 2>"$out/unprivileged.err" || rc=$?
    ((rc == 2)) || die "an unprivileged capture exited with $rc, not 2"
    grep -q 'setcap cap_net_raw,cap_net_admin=eip' "$out/unprivileged.err" || die "no advice without privileges"
fi

# --duration 1: stops by itself, with the report, while the main capture starts.
start_live duration --duration 1 --format json
duration_pid=$live_pid
start_live counted -c 5 --format json
counted_pid=$live_pid
start_live live --format jsonl -w "$out/live.pcap"

start_background "$work/sub.log" timeout "$SUBSCRIBER_TIMEOUT" \
    mosquitto_sub -h 127.0.0.1 -p "$port" -i live-sub -k "$KEEPALIVE" -q 2 -t 'live/#' -C 4
wait_for_line '"type":"SUBACK"' "$out/live.out" "$live_pid" "$WAIT_SECONDS" || die "no SUBACK streamed"
for qos in 0 1 2; do client mosquitto_pub -i "live-pub-q$qos" -q "$qos" -t "live/q$qos" -m "qos $qos"; done
wait_for_line '"type":"PINGRESP"' "$out/live.out" "$live_pid" "$WAIT_SECONDS" || die "no PINGRESP streamed"
# Over TLS, on a topic the subscriber does not follow.
timeout "$CLIENT_TIMEOUT" mosquitto_pub -h 127.0.0.1 -p $((port + 1)) --cafile "$pki/ca.crt" -i live-pub-tls \
    -q 1 -t tls/hello -m secret </dev/null || die "the TLS publisher failed"
wait_for_line '"step":"encrypted_handshake"' "$out/live.out" "$live_pid" "$WAIT_SECONDS" || die "no TLS step streamed"
client mosquitto_pub -i live-pub-last -q 0 -t live/last -m last  # the subscriber's 4th: it leaves
# The subscriber's DISCONNECT and its connection's end (the 4 publishers' ended before).
tries=$((WAIT_SECONDS * 10))
until (($(grep -c '"event":"mqtt_end"' "$out/live.out") >= 5)); do
    ((tries-- > 0)) || die "the subscriber's end was not streamed"
    sleep 0.1
done
kill -INT "$live_pid"
expect_exit "$live_pid" 0
expect_exit "$duration_pid" 0
expect_exit "$counted_pid" 0

"$mqscan" --format json "$out/live.pcap" >"$out/file.json" || die "mqscan could not read the saved capture"

python3 - "$out" <<'EOF' || die "the checks above failed (outputs in $out)"
import decimal, json, re, sys

out = sys.argv[1]
def load(text):  # times keep all their decimals
    return json.loads(text, parse_float=decimal.Decimal)

lines = [load(l) for l in open(f"{out}/live.out")]
failures = []
def check(ok, what):
    if not ok: failures.append(what)

packets = [l["packet"] for l in lines if l["event"] == "mqtt_packet"]
types = {p["type"] for p in packets}
for t in ["CONNECT", "CONNACK", "SUBSCRIBE", "SUBACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL",
          "PUBCOMP", "PINGREQ", "PINGRESP", "DISCONNECT"]:
    check(t in types, f"no {t} line")
published = {p["qos"] for p in packets if p["type"] == "PUBLISH" and p["dir"] == "to_server"}
check(published == {0, 1, 2}, f"PUBLISH to the broker at QoS {sorted(published)}, not 0, 1, 2")
check(all(set(p) >= {"frame", "time", "dir", "type"} for p in packets), "a packet without frame, time, dir or type")

steps = [l for l in lines if l["event"] == "tls_step"]
step_names = [(s["dir"], s["step"]) for s in steps]
for step in [("to_server", "client_hello"), ("to_client", "server_hello"), ("to_client", "encrypted_handshake")]:
    check(step in step_names, f"no {step[1]} line ({step[0]})")
hello = next((s for s in steps if s["step"] == "server_hello"), {})
check(hello.get("version") == "TLS 1.3", f"the server_hello line says version {hello.get('version')}, not TLS 1.3")
check(all(set(s) >= {"connection", "frame", "time", "dir", "length"} for s in steps), "a TLS step without its fields")
check(not any(p["type"] == "PUBLISH" and p.get("topic") == "tls/hello" for p in packets),
      "the TLS publisher's PUBLISH was streamed as cleartext")

check(lines[-1]["event"] == "report", "the last line is not the report")
check(sum(l["event"] == "report" for l in lines) == 1, "not exactly one report line")
report = lines[-1]["report"]
check(report["capture"]["file"] == "interface lo", "capture.file is not 'interface lo'")
check(report["counters"]["mqtt_packets"]["total"] == len(packets), "the report counts other MQTT packets than streamed")

saved = load(open(f"{out}/file.json").read())
for r in (report, saved):
    del r["capture"]["file"]
check(report == saved, "the live report differs from the report of the saved capture")
def finding_key(f):
    return (f["id"], f.get("connection") or 0, f.get("frame") or 0, f["message"])
streamed = sorted(finding_key(f) for f in lines if f["event"] == "finding")
listed = sorted(finding_key(f) for f in report["findings"])
check(streamed and streamed == listed, "the findings streamed are not those of the report")

stats = re.compile(r"^mqscan live: \d+ packets captured, \d+ received by filter, \d+ dropped by kernel, \d+ dropped by interface$", re.M)
check(stats.search(open(f"{out}/live.err").read()) is not None, "no libpcap statistics on stderr")
check(all(l["event"] != "stats" for l in lines), "statistics on stdout")

counted = load(open(f"{out}/counted.out").read())
check(counted["capture"]["packets"] == 5, f"-c 5 read {counted['capture']['packets']} packets")
check("verdict" in load(open(f"{out}/duration.out").read()), "--duration 1 wrote no report")

for f in failures: print("live_test:", f, file=sys.stderr)
sys.exit(1 if failures else 0)
EOF
echo "live_test: $(grep -c '"event":"mqtt_packet"' "$out/live.out") MQTT packets streamed, all checks passed"
