#!/usr/bin/env bash
# The check-then-open race (issue 14 item 2). While another process keeps swapping the
# output name between a symlink to /dev/null and a regular file (renameat2
# RENAME_EXCHANGE, hundreds of thousands of times a second), the tool must never write
# into that regular file: the open itself enforces the decision (O_NOFOLLOW where no link
# was seen, fstat after the open compared with what was inspected). A race test cannot
# promise to catch the swap at the bad moment; it asserts that over many runs the file
# was never written through.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=$PWD/build/bin bash tests/hostile/swap_race.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

runs=${KEYPIPE_RACE_RUNS:-300} budget=${KEYPIPE_RACE_SECONDS:-15}  # per attack: whichever ends first
openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout key.pem -out cert.pem -subj /CN=t -days 2 2>/dev/null
old=$(printf 'OLD CONTENT %.0s' $(seq 200))  # longer than the DER: a write through leaves its tail

# swap NAME1 NAME2 SECONDS: exchanges the two names until killed or the time is up
cat > swap.py <<'EOF'
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
RENAME_EXCHANGE, AT_FDCWD = 2, -100
a, b, deadline = sys.argv[1].encode(), sys.argv[2].encode(), time.time() + float(sys.argv[3])
while time.time() < deadline:
    for _ in range(200):  # a swap every few microseconds, then a pause: the tool needs the CPU too
        if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
            sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
    time.sleep(0.0005)
EOF

# attack TOOL-ARGS...: `runs` runs of the tool writing out.der while it is being swapped;
# sets `through` to the number of runs after which the regular file had changed
attack() {
    rm -f out.der spare keep
    printf '%s' "$old" > ref
    cp ref spare
    ln spare keep  # the regular file's inode, whichever name it has: never written through
    ln -s /dev/null out.der
    /usr/bin/python3 swap.py out.der spare $((budget + 10)) &
    local swapper=$! i end=$((SECONDS + budget))
    through=0
    for ((i = 0; i < runs && SECONDS < end; i++)); do
        "$@" -o out.der 2>/dev/null || true
        if ! cmp -s keep ref; then
            through=$((through + 1))
            cat ref > keep  # put it back for the next run
        fi
    done
    kill "$swapper"
    wait "$swapper" 2>/dev/null || true
    echo "$*: $i runs, written through $through times"
}

attack "$bin/pem2der" cert.pem
check never_writes_through_a_swapped_name '[[ $through == 0 ]]'
attack "$bin/pem2der" -f --label 'PRIVATE KEY' key.pem
check private_key_never_written_through_with_force '[[ $through == 0 ]]'

finish
