#!/bin/sh
# tshark on every reference capture of samples/lab: no malformed packet, and
# no TCP analysis flag or expert warning other than what the loss, reordering
# and duplication of the lossy samples cause (tshark_check.sh). Of the TLS
# samples (those with a key log), none shows MQTT on 8883 without its key
# log; with it, tshark decrypts the MQTT of those whose handshakes succeed.
#
# Usage: samples_tshark.sh SAMPLES_DIR
# Exit status: 0 all good, 1 a sample fails, 77 tshark is not installed (ctest: skipped).
set -eu

if ! command -v tshark >/dev/null 2>&1; then
    echo "tshark is not installed: skipped"
    exit 77
fi
samples=$1
check=$(dirname "$0")/tshark_check.sh

# The TLS samples whose handshakes succeed, and so carry MQTT over TLS.
decrypted_samples=" tls-server-only mutual-tls tls13 student-submission "

status=0
for pcap in "$samples"/*.pcap; do
    name=$(basename "$pcap" .pcap)
    case $name in
        *-lossy) allowed='[Rr]etransmission|Duplicate ACK|Previous segment|[Oo]ut-[Oo]f-[Oo]rder|ACKed segment|Spurious' ;;
        *) allowed='' ;;
    esac
    sh "$check" "$pcap" "$allowed" || status=1

    keylog=$samples/$name.keylog
    [ -e "$keylog" ] || continue
    hidden=$(tshark -r "$pcap" -Y 'mqtt && tcp.port == 8883' -T fields -e frame.number 2>/dev/null | grep -c . || true)
    if [ "$hidden" -ne 0 ]; then
        echo "$name: $hidden MQTT packets on 8883 readable without the key log"
        status=1
    fi
    readable=$(tshark -r "$pcap" -o "tls.keylog_file:$keylog" -Y 'mqtt && tcp.port == 8883' \
        -T fields -e frame.number 2>/dev/null | grep -c . || true)
    case $decrypted_samples in
        *" $name "*)
            if [ "$readable" -eq 0 ]; then
                echo "$name: the key log decrypts no MQTT packet"
                status=1
            else
                echo "$name: the key log decrypts $readable MQTT packets"
            fi
            ;;
        *)
            if [ "$readable" -ne 0 ]; then
                echo "$name: $readable MQTT packets over TLS, where the handshake should fail"
                status=1
            fi
            ;;
    esac
done
exit "$status"
