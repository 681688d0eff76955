#!/usr/bin/env bash
# How long `mqscan grade` takes over a class: 30 captures of a lab session.
# See bench/README.md. Not a timed test: run it by hand on a quiet machine.
#   bench/grade.sh [--students N] [--size-mb M] [--runs R]
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(dirname "$BENCH_DIR")
BUILD_DIR=$SOURCE_DIR/build-bench
STUDENTS=30
SIZE_MB=1
RUNS=3
while (($#)); do
    case $1 in
        --students) STUDENTS=$2; shift 2 ;;
        --size-mb) SIZE_MB=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        *) echo "usage: bench/grade.sh [--students N] [--size-mb M] [--runs R]" >&2; exit 2 ;;
    esac
done

cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMQSCAN_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target mqscan mqscan_make_large_capture >/dev/null

# Each student's capture: the bundled lab session (MQTT 3.1.1 and 5.0, QoS 0/1/2,
# retain) repeated up to the size asked for, with a seed of its own.
CLASS=$BENCH_DIR/out/class-$STUDENTS-${SIZE_MB}MB
if [[ ! -d $CLASS ]]; then
    mkdir -p "$CLASS.partial"
    for ((i = 1; i <= STUDENTS; i++)); do
        "$BUILD_DIR/bench/mqscan_make_large_capture" --seed "$SOURCE_DIR/samples/mosquitto-loopback.pcap" \
            --size-mb "$SIZE_MB" --concurrent $((1 + i % 4)) "$CLASS.partial/mqtt-student$(printf %02d "$i").pcap" \
            >/dev/null
    done
    mv "$CLASS.partial" "$CLASS"
fi
cat "$CLASS"/*.pcap >/dev/null  # into the page cache

best=""
for ((run = 0; run < RUNS; run++)); do
    start=$EPOCHREALTIME
    "$BUILD_DIR/mqscan" grade --rubric lab-qos "$CLASS" >/dev/null
    seconds=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.3f", e - s }')
    if [[ -z $best ]] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$seconds; fi
done
bytes=$(du -cb "$CLASS"/*.pcap | tail -n 1 | cut -f 1)
echo "graded $STUDENTS captures ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB) in $best s" \
    "(fastest of $RUNS, $(nproc) cores, -j default; target < 2 s)"
