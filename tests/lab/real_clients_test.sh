#!/usr/bin/env bash
# mqscan lab broker, pub and sub as processes, on 127.0.0.1 (ports picked by the kernel):
#
#   real_clients_test.sh MQSCAN
#
# SIGTERM stops the broker (exit 0); a broker whose -v log reader went away goes on serving,
# neither killed nor spinning; `sub` leaves when every subscription is refused (exit 1), and
# when its output closed (DISCONNECT sent, exit 3, "cannot write the output"); SIGINT stops
# a `pub` still waiting for its TCP connection; the broker refuses more connections than its
# file descriptor limit allows. SIGPIPE is left to each process: mqscan lab ignores it itself.
# Every process started here is stopped at exit; every wait is bounded.
set -euo pipefail

mqscan=$(readlink -f "$1")
work=$(mktemp -d)
script_name=real_clients_test
# shellcheck source=../integration/background_processes.sh
source "$(dirname "$(readlink -f "$0")")/../integration/background_processes.sh"  # die, cleanup at exit

# wait_for PATTERN FILE: until FILE has a line matching the extended regex, 10 s at most.
wait_for() {
    local tries=100
    while ((tries-- > 0)); do
        grep -Eq -- "$1" "$2" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# The CPU time (user + system, in clock ticks) a process has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# start_broker LOG [ARGS...]: the broker's pid to $broker, its port to $port.
start_broker() {
    local log=$1
    shift
    : >"$log"  # emptied before the broker starts: an earlier broker's lines must not be read as its own
    "$mqscan" lab broker -v --port 0 "$@" </dev/null 2>"$log" &
    broker=$!
    started_pids+=("$broker")
    wait_for 'mqscan lab broker version .* running' "$log" || die "the broker did not start: $(cat "$log")"
    port=$(sed -nE 's/^[0-9]+: Opening ipv4 listen socket on port ([0-9]+)\.$/\1/p' "$log")
}

# Stopped by SIGTERM: exit 0, its last line said.
start_broker "$work/broker.log"
kill -TERM "$broker"
status=0
wait "$broker" || status=$?
((status == 0)) || die "SIGTERM: the broker exited $status"
grep -q 'mqscan lab broker version .* terminating$' "$work/broker.log" || die "SIGTERM: no terminating line"

start_broker "$work/broker.log"

# Every subscription refused (the lab broker refuses shared subscriptions): sub leaves, exit 1.
status=0
timeout 5 "$mqscan" lab sub -h 127.0.0.1 -p "$port" -t '$share/group/ciel' 2>"$work/refused.err" </dev/null ||
    status=$?
((status == 1)) || die "all subscriptions refused: sub exited $status, expected 1: $(cat "$work/refused.err")"
grep -q '^All subscription requests were denied\.$' "$work/refused.err" || die "no 'All subscription requests were denied.'"

# Its output closed: sub sends DISCONNECT and exits 3. The output is a FIFO whose one reader
# takes the first line and leaves (timeout passes our SIGTERM on, should the test fail).
mkfifo "$work/out.fifo"
timeout 10 "$mqscan" lab sub -h 127.0.0.1 -p "$port" -i closed-output -t ciel >"$work/out.fifo" \
    2>"$work/closed.err" </dev/null &
closed_sub=$!
started_pids+=("$closed_sub")
head -n 1 <"$work/out.fifo" >"$work/closed.first" &
reader=$!
started_pids+=("$reader")
wait_for 'Sending SUBACK to closed-output$' "$work/broker.log" || die "no SUBACK for closed-output"
"$mqscan" lab pub -h 127.0.0.1 -p "$port" -t ciel -m first
wait "$reader" || die "the reader of sub's output failed"
[[ $(cat "$work/closed.first") == first ]] || die "the subscriber did not print the first message"
"$mqscan" lab pub -h 127.0.0.1 -p "$port" -t ciel -m second  # no reader left for this line
status=0
wait "$closed_sub" || status=$?
((status == 3)) || die "closed output: sub exited $status, expected 3"
grep -q 'cannot write the output' "$work/closed.err" || die "closed output: $(cat "$work/closed.err")"
wait_for '^[0-9]+: Client closed-output disconnected\.$' "$work/broker.log" ||
    die "closed output: the broker did not get sub's DISCONNECT"

# SIGINT while pub waits for its TCP connection (a listener whose backlog is full).
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
print(s.getsockname()[1], flush=True)
held = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(("127.0.0.1", s.getsockname()[1]))
    except BlockingIOError: pass
    held.append(c)
time.sleep(30)' >"$work/full.port" &
started_pids+=($!)
wait_for . "$work/full.port" || die "no listener with a full backlog"
sleep 0.5
"$mqscan" lab pub -h 127.0.0.1 -p "$(cat "$work/full.port")" -t ciel -m bonjour 2>"$work/stopped.err" </dev/null &
pub=$!
# A background job starts with SIGINT ignored: signal it once pub catches SIGINT (bit 2 of SigCgt).
catches_sigint() { (($(printf '%d' "0x$(awk '/^SigCgt:/ { print $2 }' "/proc/$pub/status")") & 2)); }
for _ in $(seq 100); do catches_sigint && break; sleep 0.05; done
catches_sigint || die "pub never set up its SIGINT handling"
start=$SECONDS
kill -INT "$pub"
status=0
wait "$pub" || status=$?
((SECONDS - start <= 2)) || die "SIGINT: pub took $((SECONDS - start)) s to stop"
((status == 2)) || die "SIGINT while connecting: pub exited $status, expected 2: $(cat "$work/stopped.err")"

# The -v log's reader goes away: the broker goes on serving, without spinning, and stops with 0.
mkfifo "$work/log.fifo"
head -n 3 <"$work/log.fifo" >"$work/log.head" &
log_reader=$!
started_pids+=("$log_reader")
"$mqscan" lab broker -v --port 0 </dev/null 2>"$work/log.fifo" &
quiet=$!
started_pids+=("$quiet")
wait_for 'running$' "$work/log.head" || die "the broker with a closing log did not start"
quiet_port=$(sed -nE 's/^[0-9]+: Opening ipv4 listen socket on port ([0-9]+)\.$/\1/p' "$work/log.head")
wait "$log_reader" || die "the reader of the broker's log failed"
before=$(cpu_ticks "$quiet")
for i in 1 2 3; do
    timeout 5 "$mqscan" lab pub -h 127.0.0.1 -p "$quiet_port" -q 1 -t ciel -m "$i" </dev/null ||
        die "a broker without its log reader did not serve pub $i"
done
sleep 1
(($(cpu_ticks "$quiet") - before < 50)) || die "a broker without its log reader spins"
kill -TERM "$quiet"
status=0
wait "$quiet" || status=$?
((status == 0)) || die "a broker without its log reader exited $status"

# More connections than the file descriptor limit allows: refused at start, plainly.
status=0
prlimit --nofile=40:40 "$mqscan" lab broker --port 0 --max-connections 100 2>"$work/fds.err" </dev/null || status=$?
((status == 2)) || die "--max-connections past the descriptor limit: exit $status"
grep -q 'this process may open 40 (ulimit -n): at most 23 connections$' "$work/fds.err" || die "fd limit: $(cat "$work/fds.err")"

echo "real_clients_test: all checks passed"
