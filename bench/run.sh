#!/usr/bin/env bash
# Throughput and peak memory of mqscan, tshark and a bare libpcap loop over one
# large capture. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/run.sh [--seed PCAP] [--size-mb N] [--runs N] [--with-mqtt-fields]

  --seed PCAP          capture whose sessions are repeated (default: arkime's
                       mqtt_big.pcap, in the shared corpus)
  --size-mb N          size of the generated capture in MB (default 600); mqscan
                       also reads one twice as large to show its memory stays flat
  --runs N             runs per tool, the fastest is kept (default 3)
  --with-mqtt-fields   also time `tshark -Y mqtt -T fields -e mqtt.msgtype` (slow)
EOF
}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(dirname "$BENCH_DIR")
BUILD_DIR=$SOURCE_DIR/build-bench
OUT_DIR=$BENCH_DIR/out
LOG=$OUT_DIR/run.log
RESULTS=$OUT_DIR/results.md

DEFAULT_SEED=$SOURCE_DIR/../shared/corpus/public/arkime/tests/pcap/mqtt_big.pcap
SEED=$DEFAULT_SEED
# The analysis issue's reference: mqscan with MQTT decoding and no output, as the
# MQTT issue left it (commit d249a84, the default 600 MB capture, on the project's
# 2-core virtual machine; bench/README.md). It means nothing for another capture;
# on another machine, measure d249a84 there.
MQTT_ISSUE_DISSECT_MBPS=1336.6
SIZE_MB=600
RUNS=3
WITH_MQTT_FIELDS=0
while (($#)); do
    case $1 in
        --seed) SEED=$2; shift 2 ;;
        --size-mb) SIZE_MB=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --with-mqtt-fields) WITH_MQTT_FIELDS=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done

mkdir -p "$OUT_DIR"
: >"$LOG"

ensure_gnu_time() {
    [[ -x /usr/bin/time ]] && return
    if ((EUID != 0)); then
        echo "run.sh: /usr/bin/time is missing; as root: apt-get install time" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >>"$LOG"
}

build_release() {
    echo "building a Release build in $BUILD_DIR" >&2
    cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DMQSCAN_TESTS=OFF >>"$LOG"
    cmake --build "$BUILD_DIR" --target mqscan mqscan_make_large_capture mqscan_pcap_loop >>"$LOG"
}

# Prints the path of a generated capture of about $1 MB, generating it if missing.
capture_of_size() {
    local size_mb=$1
    local seed_name
    seed_name=$(basename "${SEED%.*}")
    local file=$OUT_DIR/$seed_name-${size_mb}MB.pcap
    if [[ ! -s $file ]]; then
        echo "generating $file" >&2
        # Written aside first so that an interrupted run leaves no partial file behind.
        "$BUILD_DIR/bench/mqscan_make_large_capture" --seed "$SEED" --size-mb "$size_mb" \
            "$file.partial" >>"$LOG"
        mv "$file.partial" "$file"
        # Written back now rather than while the tools are being timed.
        sync "$file"
    fi
    echo "$file"
}

# Reads the file once (into the page cache) with the bare loop; prints its packet count.
warm_up_and_count_packets() {
    "$BUILD_DIR/bench/mqscan_pcap_loop" "$1" | awk '{ print $2 }'
}

# Runs a command $RUNS times with its output discarded; prints the fastest wall
# time in seconds and the largest peak RSS in KiB.
measure() {
    local best_seconds="" largest_rss_kib=0 start end seconds rss_kib
    local rss_file=$OUT_DIR/rss.txt
    for ((run = 0; run < RUNS; run++)); do
        start=$EPOCHREALTIME
        if ! /usr/bin/time -f '%M' -o "$rss_file" "$@" >/dev/null 2>>"$LOG"; then
            echo "run.sh: failed: $* (see $LOG)" >&2
            exit 1
        fi
        end=$EPOCHREALTIME
        seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
        rss_kib=$(tail -n 1 "$rss_file")
        if [[ -z $best_seconds ]] || awk -v a="$seconds" -v b="$best_seconds" 'BEGIN { exit !(a < b) }'; then
            best_seconds=$seconds
        fi
        if ((rss_kib > largest_rss_kib)); then largest_rss_kib=$rss_kib; fi
    done
    echo "$best_seconds $largest_rss_kib"
}

ROWS=()
declare -A MB_PER_S RSS_MIB

# Measures one tool over one file and keeps its table row: key, label, file, command...
add_row() {
    local key=$1 label=$2 file=$3
    shift 3
    local bytes packets measured seconds rss_kib
    bytes=$(stat -c %s "$file")
    packets=$(warm_up_and_count_packets "$file")
    echo "measuring: $label" >&2
    measured=$(measure "$@")
    read -r seconds rss_kib <<<"$measured"
    MB_PER_S[$key]=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.1f", b / 1e6 / s }')
    RSS_MIB[$key]=$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')
    ROWS+=("$(awk -v label="$label" -v b="$bytes" -v p="$packets" -v s="$seconds" \
        -v mbps="${MB_PER_S[$key]}" -v rss="${RSS_MIB[$key]}" -v loop="${MB_PER_S[loop]}" 'BEGIN {
            printf "| %s | %.0f | %.3f | %.0f | %s | %s | %.0f %% |\n",
                label, b / 1e6, s, p / s, mbps, rss, 100 * mbps / loop
        }')")
}

# ratio KEY1 KEY2: how many times KEY1's MB/s is KEY2's.
ratio() {
    awk -v a="${MB_PER_S[$1]}" -v b="${MB_PER_S[$2]}" 'BEGIN { printf "%.2f", a / b }'
}

machine_description() {
    local cpu
    cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    echo "$(nproc) cores ($cpu), $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
}

# share KEY: KEY's MB/s as a percentage of the bare loop's.
share() {
    awk -v r="$(ratio "$1" loop)" 'BEGIN { printf "%.0f", 100 * r }'
}

print_summary() {
    echo "TCP only (reading, decoding, reassembly): $(share mqscan_tcp) % of the bare loop's" \
        "MB/s (target >= 50 %), peak RSS ${RSS_MIB[mqscan_tcp]} MiB (target < 64 MiB)."
    echo "With MQTT decoding, no analysis, no output: $(share mqscan_dissect) % of the loop (target >= 40 %)," \
        "peak RSS ${RSS_MIB[mqscan_dissect]} MiB (target < 64 MiB)."
    if [[ $SEED == "$DEFAULT_SEED" && $SIZE_MB == 600 ]]; then
        echo "Whole JSON report: ${MB_PER_S[mqscan]} MB/s, $(awk -v a="${MB_PER_S[mqscan]}" \
            -v b="$MQTT_ISSUE_DISSECT_MBPS" 'BEGIN { printf "%.0f", 100 * a / b }') % of the MQTT issue's" \
            "dissect-only $MQTT_ISSUE_DISSECT_MBPS MB/s on the project's machine (target >= 80 %)."
    fi
    echo "Against dissect-only in this build: the analyses (no output) run at" \
        "$(ratio mqscan_none mqscan_dissect | awk '{ printf "%.0f", 100 * $1 }') % of its MB/s, the whole JSON report at" \
        "$(ratio mqscan mqscan_dissect | awk '{ printf "%.0f", 100 * $1 }') %."
    echo "JSON report: peak RSS ${RSS_MIB[mqscan]} MiB, ${RSS_MIB[mqscan_2x]} MiB on the 2x file" \
        "(bounded: the same whatever the size; the < 64 MiB of the rows above is for dissection" \
        "without the analyses' records)."
    echo "mqscan (TCP only) is $(ratio mqscan_tcp tshark_iostat)x as fast as \`tshark -q -z io,stat,0\`."
    if [[ -v MB_PER_S[tshark_mqtt] ]]; then
        echo "mqscan with MQTT is $(ratio mqscan_none tshark_mqtt)x as fast as" \
            "\`tshark -Y mqtt -T fields\` (target >= 30x)."
    fi
}

print_results() {
    echo "# mqscan benchmark, $(date -u +%Y-%m-%d)"
    echo
    echo "Machine: $(machine_description); $(tshark --version 2>/dev/null | head -n 1);" \
        "mqscan at commit $(git -C "$SOURCE_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')."
    echo "Capture: sessions of $(basename "$SEED") repeated as distinct connections" \
        "(bench/make_large_capture.cpp)."
    echo "Fastest of $RUNS runs, file in the page cache; MB = 10^6 bytes, RSS in MiB (largest of the runs)."
    echo
    echo "| tool | file MB | seconds | packets/s | MB/s | peak RSS MiB | MB/s vs bare loop |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    print_summary
}

main() {
    ensure_gnu_time
    build_release
    local file large_file
    file=$(capture_of_size "$SIZE_MB")
    large_file=$(capture_of_size $((2 * SIZE_MB)))
    local mqscan=$BUILD_DIR/mqscan

    # The loop goes first: the other rows are compared with it.
    add_row loop "bare pcap_next_ex loop" "$file" "$BUILD_DIR/bench/mqscan_pcap_loop" "$file"
    add_row mqscan_tcp "mqscan --format none --no-dissect (TCP only)" "$file" \
        "$mqscan" --format none --no-dissect "$file"
    add_row mqscan_dissect "mqscan --format none --no-analysis (MQTT decoded, no analysis)" "$file" \
        "$mqscan" --format none --no-analysis "$file"
    add_row mqscan_none "mqscan --format none (with MQTT and the analyses, no output)" "$file" \
        "$mqscan" --format none "$file"
    add_row mqscan "mqscan --format json" "$file" "$mqscan" --format json "$file"
    add_row mqscan_2x "mqscan --format json, 2x file" "$large_file" \
        "$mqscan" --format json "$large_file"
    add_row tshark_iostat "tshark -q -z io,stat,0" "$file" tshark -r "$file" -q -z io,stat,0
    if ((WITH_MQTT_FIELDS)); then
        add_row tshark_mqtt "tshark -Y mqtt -T fields -e mqtt.msgtype" "$file" \
            tshark -r "$file" -Y mqtt -T fields -e mqtt.msgtype
    fi
    print_results | tee "$RESULTS"
    echo "(written to $RESULTS)" >&2
}

main
