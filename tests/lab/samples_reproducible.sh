#!/bin/sh
# Regenerates every reference capture of samples/lab into a scratch directory
# and checks each file is byte for byte the committed one, and that neither
# side has a file the other lacks.
#
# Usage: samples_reproducible.sh MQSCAN SAMPLES_DIR SCRATCH_DIR
set -eu

mqscan=$1
samples=$2
scratch=$3
rm -rf "$scratch"
sh "$samples/regenerate.sh" "$mqscan" "$scratch"

status=0
for file in "$samples"/*.pcap "$samples"/*.keylog; do
    name=$(basename "$file")
    if [ ! -e "$scratch/$name" ]; then
        echo "$name: committed but not made by regenerate.sh"
        status=1
    elif ! cmp -s "$file" "$scratch/$name"; then
        echo "$name: differs from the one regenerate.sh makes ($(cmp "$file" "$scratch/$name" 2>&1 || true))"
        status=1
    fi
done
for file in "$scratch"/*; do
    name=$(basename "$file")
    if [ ! -e "$samples/$name" ]; then
        echo "$name: made by regenerate.sh but not committed"
        status=1
    fi
done
[ "$status" -eq 0 ] && echo "every sample of $samples regenerates byte for byte"
exit "$status"
