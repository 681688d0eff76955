# Background processes for the integration scripts (a mosquitto broker, a capturer, clients),
# sourced by them: each one started here is stopped when the script exits, and every wait is
# bounded. The script sets `work` (a scratch directory, removed at exit) and `script_name`.

started_pids=()

# -Z root: Debian's tcpdump would otherwise drop to user tcpdump before opening the file.
# A 64 MiB kernel buffer (-B, in KiB): the default one overflows on 64 KB loopback segments.
readonly TCPDUMP=(tcpdump -Z root -n -U --immediate-mode -B 65536)
readonly SETTLE_SECONDS=1  # lets the last packets reach the capturer before it stops

die() {
    echo "$script_name: $*" >&2
    exit 1
}

cleanup() {
    local pid
    for pid in "${started_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${started_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Starts "$@" in the background with its output in LOG; its pid goes to $last_pid.
start_background() {
    local log=$1
    shift
    "$@" </dev/null >"$log" 2>&1 &
    last_pid=$!
    started_pids+=("$last_pid")
}

# Waits until FILE contains a line matching the extended regex PATTERN, while PID lives.
wait_for_line() {
    local pattern=$1 file=$2 pid=$3 seconds=$4
    local tries=$((seconds * 10))
    while ((tries-- > 0)); do
        grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# Stops PID with SIGINT (so a capturer closes its file properly), SIGKILL after 10 s.
stop_process() {
    local pid=$1 tries=100
    kill -INT "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((tries-- > 0)); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# start_mosquitto_on_free_port FIRST STEP TRIES WRITE_CONF
# Starts mosquitto with the configuration `WRITE_CONF PORT` prints, for PORT = FIRST, then
# FIRST + STEP, ... (TRIES ports): another process may hold one. The port goes to $port,
# the broker's pid to $broker_pid.
start_mosquitto_on_free_port() {
    local first=$1 step=$2 tries=$3 write_conf=$4
    local candidate i conf="$work/mosquitto.conf"
    for ((i = 0; i < tries; i++)); do
        candidate=$((first + i * step))
        "$write_conf" "$candidate" >"$conf"
        start_background "$work/broker.log" mosquitto -c "$conf"
        if wait_for_line 'mosquitto version .* running' "$work/broker.log" "$last_pid" 10; then
            port=$candidate
            broker_pid=$last_pid
            return 0
        fi
        stop_process "$last_pid"  # the port was taken: try the next one
    done
    die "could not start mosquitto on ports $first..$candidate: $(cat "$work/broker.log")"
}

# start_capture LOG CAPTURER [ARGS...]: starts the capturer and waits until it listens; its
# pid goes to $capture_pid.
start_capture() {
    local log=$1
    shift
    start_background "$log" "$@"
    capture_pid=$last_pid
    wait_for_line 'listening on|Capturing on' "$log" "$capture_pid" 10 ||
        die "capturer did not start: $* : $(cat "$log")"
}

# stop_capture FILE LOG: stops the capturer once the last packets have reached it; it must
# have written FILE.
stop_capture() {
    local file=$1 log=$2
    sleep "$SETTLE_SECONDS"
    stop_process "$capture_pid"
    [[ -s $file ]] || die "no capture written to $file: $(cat "$log")"
}

# True when the capturer's closing statistics in LOG report packets it lost
# (tcpdump: "N packets dropped by kernel"; dumpcap: "received/dropped ...: R/D (pcap:...").
capture_lost_packets() {
    grep -Eq '^[1-9][0-9]* packets dropped by|/[1-9][0-9]* \(pcap:' "$1"
}

# start_lab_broker LOG MQSCAN [ARGS...]: starts `mqscan lab broker -v --port 0 ARGS...` (give
# --tls-port 0 for a TLS listener: the kernel picks free ports, no race with other tests) and
# waits until it runs. Its pid goes to $lab_broker_pid, the port in clear to $lab_port, the TLS
# one (if any) to $lab_tls_port.
start_lab_broker() {
    local log=$1 mqscan=$2
    shift 2
    start_background "$log" "$mqscan" lab broker -v --port 0 "$@"
    lab_broker_pid=$last_pid
    wait_for_line 'mqscan lab broker version .* running' "$log" "$lab_broker_pid" 10 ||
        die "mqscan lab broker did not start: $(cat "$log")"
    local ports
    mapfile -t ports < <(sed -nE 's/^[0-9]+: Opening ipv[46] listen socket on port ([0-9]+)\.$/\1/p' "$log")
    lab_port=${ports[0]}
    lab_tls_port=${ports[1]:-}
}
