#!/bin/sh
# Checks a capture with tshark: no malformed packet and no expert message of
# severity note or above (TCP analysis warnings included), except what the
# caller allows.
#
# Usage: tshark_check.sh FILE [ALLOWED]
#   ALLOWED  an extended regular expression: a flagged frame passes when each of
#            its expert messages (note or above) matches it; for a capture made
#            with loss, e.g. 'retransmission|Duplicate ACK|Previous segment'.
# Exit status: 0 clean, 1 offending frames (listed), 2 usage or unreadable file.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 FILE [ALLOWED-REGEX]" >&2
    exit 2
fi
file=$1
allowed=${2:-}

flagged=$(tshark -r "$file" -Y 'tcp.analysis.flags || _ws.malformed || _ws.expert.severity >= warning' \
    -T fields -e frame.number -e _ws.expert.severity -e _ws.expert.message \
    -E separator=/t -E aggregator='|' 2>/dev/null) || {
    echo "$0: tshark cannot read '$file'" >&2
    exit 2
}

# Severities as tshark prints them: chat 0x200000, note 0x400000, warning 0x600000.
# The two notes below come with every FIN: they never mean something is wrong.
offending=$(printf '%s\n' "$flagged" | awk -F '\t' -v allowed="$allowed" '
    NF < 3 { next }
    {
        count = split($2, severity, "|")
        split($3, message, "|")
        bad = ""
        for (i = 1; i <= count; i++) {
            if (severity[i] + 0 < 4194304) continue
            if (message[i] ~ /^This frame (initiates|undergoes) the connection closing$/) continue
            if (allowed != "" && message[i] ~ allowed) continue
            bad = bad (bad == "" ? "" : "; ") message[i]
        }
        if (bad != "") print "  frame " $1 ": " bad
    }')

if [ -n "$offending" ]; then
    echo "$file: tshark flags what it should not:"
    printf '%s\n' "$offending"
    exit 1
fi
echo "$file: clean ($(printf '%s\n' "$flagged" | grep -c . || true) flagged frames, all allowed)"
