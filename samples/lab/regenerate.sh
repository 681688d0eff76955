#!/bin/sh
# Rewrites the reference captures of samples/lab, and the TLS ones' key logs,
# with `mqscan lab record`: the commands MANIFEST.md lists, with the default
# seed (1) and student ("Alice Martin").
#
# Usage: regenerate.sh [MQSCAN [DIRECTORY]]
#   MQSCAN     the mqscan binary (default: build/mqscan beside samples/)
#   DIRECTORY  where to write (default: samples/lab itself); the test
#              lab.samples_reproducible writes elsewhere and compares.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
mqscan=${1:-$here/../../build/mqscan}
out=${2:-$here}
mkdir -p "$out"

record() {
    name=$1
    shift
    "$mqscan" lab record "$@" -o "$out/$name.pcap" >/dev/null
}

# One capture per scenario; the TLS ones with their key log.
for scenario in qos0 qos1 qos2 keepalive-pings keepalive-expiry retain persistent-session wildcards \
    mqtt5-properties password-in-clear; do
    record "$scenario" "$scenario"
done
for scenario in tls-server-only mutual-tls tls13 student-submission no-client-certificate wrong-ca \
    cleartext-to-8883; do
    record "$scenario" "$scenario" --keylog "$out/$scenario.keylog"
done

# The capture's own mistakes, made with the network's impairments.
record qos1-late-start qos1 --late-start 3
record qos2-one-direction qos2 --one-direction
record qos1-lossy qos1 --loss 0.3 --reorder 0.2 --duplicate 0.2 --seed 7
