#!/usr/bin/env bash
# mqscan grade where the system says no: a class folder with a subfolder that
# cannot be read, and a process that may start no thread. Run as an ordinary
# user (as root, through setpriv as nobody, since root reads every folder and
# has no process limit).
#   grade_walls.sh MQSCAN SAMPLE_PCAP
set -euo pipefail
mqscan=$1
sample=$2

work=$(mktemp -d /tmp/grade-walls.XXXXXX)  # not $TMPDIR: the other user must reach it
trap 'chmod -R u+rwx "$work"; rm -rf "$work"' EXIT
chmod 755 "$work"
# A copy the other user can run (the build tree may sit in a private folder).
cp "$mqscan" "$work/mqscan"
mkdir -p "$work/class/a-group" "$work/class/locked" "$work/class/z-group"
cp "$sample" "$work/class/a-group/mqtt-alice.pcap"
cp "$sample" "$work/class/locked/mqtt-bob.pcap"
cp "$sample" "$work/class/z-group/mqtt-zoe.pcap"
chmod -R a+rX "$work/class"
chmod 000 "$work/class/locked"

as_user=()
if [[ $(id -u) -eq 0 ]]; then
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The locked folder gets a row saying why; the walk goes on past it.
cd "$work"
status=0
out=$("${as_user[@]}" ./mqscan grade -j 2 class) || status=$?
echo "$out"
[[ $status -eq 1 ]] || fail "exit $status, expected 1 (a folder was not read)"
grep -q '^class/a-group/mqtt-alice.pcap,.*,graded,' <<<"$out" || fail "alice's capture not graded"
grep -q '^class/z-group/mqtt-zoe.pcap,.*,graded,' <<<"$out" || fail "zoe's capture, after the locked folder, not graded"
grep -q '^class/locked,,,unreadable,.*folder not read (Permission denied): the captures in it are not graded' <<<"$out" ||
    fail "no row for the locked folder"
[[ $(wc -l <<<"$out") -eq 4 ]] || fail "expected a header and 3 rows"

# 2. No thread to spare (at most one process for this user): graded all the same,
# one block read at a time.
chmod 755 "$work/class/locked"
if [[ $(id -u) -eq 0 ]]; then
    limited=(setpriv --reuid=nobody --regid=nogroup --clear-groups -- prlimit --nproc=1 --)
else
    limited=(prlimit --nproc=1 --)  # this user runs other processes: no new one at all
fi
# Where the limit is not enforced (a user keeping CAP_SYS_RESOURCE), there is nothing to test.
if "${limited[@]}" sh -c 'true & wait' 2>/dev/null; then
    echo "SKIP: this system lets the process start threads past --nproc=1"
    exit 77
fi
status=0
# LeakSanitizer (in a sanitizer build) needs a thread of its own at exit; leaks are checked elsewhere.
out=$(ASAN_OPTIONS=detect_leaks=0 "${limited[@]}" ./mqscan grade -j 4 class) || status=$?
echo "$out"
[[ $status -eq 0 ]] || fail "exit $status without threads, expected 0"
[[ $(grep -c ',graded,1,1,1,1,2,0,1,0,7,10,' <<<"$out") -eq 3 ]] || fail "the three captures not graded alike"
echo "ok"
