#!/usr/bin/env bash
# Regenerates the golden reports from a built mqscan, on purpose only: review
# the diff (git diff tests/golden) before committing it.
#   tests/golden/update.sh [path/to/mqscan]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mqscan=$(readlink -f "${1:-$repo/build/mqscan}")
grep -v '^#' "$here/captures.txt" | while read -r name directory capture options; do
    [[ -n $name ]] || continue
    # shellcheck disable=SC2086  # the options are words
    (cd "$repo/$directory" &&
        "$mqscan" report --format json --color never $options "$capture" >"$here/$name.json" &&
        "$mqscan" report --format text --color never $options "$capture" >"$here/$name.txt")
    echo "updated $name"
done
