# Background processes for the integration scripts, sourced by them: each one
# started here is stopped when the script exits, and every wait is bounded.
# The script sets `work` (a scratch directory, removed at exit) and `script_name`.

started_pids=()

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
