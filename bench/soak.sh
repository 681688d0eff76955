#!/usr/bin/env bash
# Soak test of `mqscan live` (issue 8): sustained MQTT load on the loopback interface for a
# while, mqscan's memory sampled as it goes, the kernel's drops at the end. Run by hand, as
# root (not part of ctest):
#
#   bench/soak.sh [--minutes 10] [--rate 20000] [--mqscan build/mqscan] [--sample 5]
#
# A mosquitto broker on a free port from 19200; one mosquitto_pub -l publishing at QoS 0 the
# lines a paced generator writes (--rate messages/s; 0: as fast as it can), and one
# mosquitto_sub receiving them, so the broker forwards every message (about 2 x rate MQTT
# packets/s on the wire). `mqscan live -i lo --format json` watches the broker's port; its RSS
# (VmRSS, and RssAnon without the capture ring) is printed every --sample seconds, then the messages/s achieved, what mqscan
# analysed and libpcap's statistics.
set -euo pipefail

minutes=10
rate=20000
sample=5
mqscan=build/mqscan
while (($#)); do
    case $1 in
        --minutes) minutes=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --sample) sample=$2; shift 2 ;;
        --mqscan) mqscan=$2; shift 2 ;;
        *) echo "usage: $0 [--minutes N] [--rate MSG_PER_S] [--sample SECONDS] [--mqscan PATH]" >&2; exit 2 ;;
    esac
done
mqscan=$(readlink -f "$mqscan")
[[ -x $mqscan ]] || { echo "soak: no mqscan at $mqscan (--mqscan PATH)" >&2; exit 2; }
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')

work=$(mktemp -d)
script_name=soak
# shellcheck source=../tests/integration/background_processes.sh
source "$(dirname "$(readlink -f "$0")")/../tests/integration/background_processes.sh"

broker_conf() {
    # max_queued_messages: the subscriber may lag behind a burst; nothing is dropped for it.
    printf 'persistence false\nlog_dest stderr\nmax_queued_messages 0\nlistener %s 127.0.0.1\nallow_anonymous true\n' "$1"
}

# Writes one line per message, `rate` per second in 10 ms batches (all it can when 0), for
# `seconds`; prints how many it wrote on stderr.
generator() {
    python3 - "$rate" "$seconds" <<'EOF'
import sys, time
rate, seconds = int(sys.argv[1]), float(sys.argv[2])
out = sys.stdout
start = time.monotonic()
sent = 0
payload = "soak-{:010d}-" + "x" * 40 + "\n"
try:
    while (now := time.monotonic() - start) < seconds:
        due = int(now * rate) + rate // 100 if rate else sent + 1000
        out.write("".join(payload.format(n) for n in range(sent, due)))
        out.flush()
        sent = due
        if rate:
            time.sleep(max(0.0, sent / rate - (time.monotonic() - start)))
except BrokenPipeError:
    pass
print(sent, file=sys.stderr)
EOF
}

start_mosquitto_on_free_port 19200 1 10 broker_conf
"$mqscan" live -i lo -f "tcp port $port" --format json >"$work/report.json" 2>"$work/live.err" </dev/null &
live_pid=$!
started_pids+=("$live_pid")
wait_for_line 'listening on' "$work/live.err" "$live_pid" 10 || die "mqscan live did not start: $(cat "$work/live.err")"
start_background "$work/sub.log" mosquitto_sub -h 127.0.0.1 -p "$port" -i soak-sub -t soak
sleep 0.5
generator 2>"$work/sent" | mosquitto_pub -h 127.0.0.1 -p "$port" -i soak-pub -t soak -q 0 -l &
load_pid=$!
started_pids+=("$load_pid")

echo "soak: ${minutes} min at ${rate} msg/s (0: as fast as possible) on port $port, mqscan pid $live_pid"
# VmRSS includes libpcap's capture ring (mapped, RssFile, fixed); RssAnon is mqscan's own memory.
memory() { awk '/^VmRSS/ { rss = $2 } /^RssAnon/ { anon = $2 } END { printf "%12s %12s", rss, anon }' "/proc/$live_pid/status"; }
printf '%10s %12s %12s\n' elapsed_s rss_kib anon_kib
start=$SECONDS
while kill -0 "$load_pid" 2>/dev/null; do
    printf '%10d %s\n' $((SECONDS - start)) "$(memory)"
    sleep "$sample"
done
elapsed=$((SECONDS - start))
sleep 1  # the last packets reach mqscan
printf '%10d %s  (end)\n' "$elapsed" "$(memory)"
peak=$(awk '/^VmHWM/ { print $2 }' "/proc/$live_pid/status")
stop_process "$live_pid"

sent=$(cat "$work/sent")
python3 - "$work/report.json" "$sent" "$elapsed" "$peak" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
sent, elapsed, peak = int(sys.argv[2]), max(1, int(sys.argv[3])), sys.argv[4]
capture, counters = report["capture"], report["counters"]
print(f"messages published:   {sent} in {elapsed} s = {sent / elapsed:.0f} msg/s")
print(f"mqscan analysed:      {capture['packets']} packets, {counters['mqtt_packets']['total']} MQTT packets")
print(f"peak RSS (VmHWM):     {peak} KiB")
print(f"anomalies:            {counters['anomalies'] or 'none'}")
EOF
grep -h 'packets captured' "$work/live.err" | sed 's/^mqscan live: /libpcap:              /'
