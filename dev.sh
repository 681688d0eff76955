#!/usr/bin/env bash
# The two commands of README.md, on a Debian 12 machine:
#   ./dev.sh demo   install what is missing, build, analyse the bundled sample
#   ./dev.sh test   install what is missing, build (plain and sanitized), run every test
# Idempotent: with everything installed and built, it only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")"

BUILD_PACKAGES=(g++ cmake ninja-build pkg-config libpcap-dev zlib1g-dev libssl-dev libfmt-dev libcli11-dev libtomlplusplus-dev)
TEST_PACKAGES=(catch2 openssl nlohmann-json3-dev tshark tcpdump mosquitto mosquitto-clients nodejs node-mqtt python3)
SAMPLE=samples/mosquitto-loopback.pcap
JOBS=$(nproc)

install_missing() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
            missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return
    echo "dev.sh: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

build() {  # build DIR [cmake options...]
    local dir=$1
    shift
    cmake -S . -B "$dir" -G Ninja -DMQSCAN_BENCH=OFF "$@" >/dev/null
    cmake --build "$dir" -j "$JOBS"
}

case "${1:-}" in
    demo)
        install_missing "${BUILD_PACKAGES[@]}"
        build build -DMQSCAN_TESTS=OFF
        ./build/mqscan "$SAMPLE"
        ;;
    test)
        install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
        build build -DMQSCAN_TESTS=ON
        (cd build && ctest --output-on-failure -j "$JOBS")
        # Unit, golden and fuzz-corpus tests again under AddressSanitizer + UBSan
        # (the tests against tshark and mosquitto only run in the plain build).
        build build-asan -DMQSCAN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DMQSCAN_INTEGRATION_TESTS=OFF
        (cd build-asan && ctest --output-on-failure -j "$JOBS")
        ;;
    *)
        echo "usage: ./dev.sh demo | ./dev.sh test" >&2
        exit 2
        ;;
esac
