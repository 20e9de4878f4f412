#!/usr/bin/env bash
# Interrupted writes leave no key copies behind (issue 14 item 5). `kill -9` at random
# moments during `key2ppk -f -r in -d out`: every output is always complete, and the next
# run removes the temporary names a killed run left (.keypipe-PID-START-HOST-N.tmp, only
# those it can prove stale), so after it the folder holds outputs only. The same on exFAT
# (FUSE exfat: no O_TMPFILE, no hard links, no RENAME_NOREPLACE), where writing also works
# without -f and still refuses an existing file. A counted skip where exFAT cannot be
# mounted (needs root, /dev/fuse, a loop device, exfatprogs and exfat-fuse).
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=$PWD/build/bin bash tests/hostile/kill_temps.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

kills=${KEYPIPE_KILL_RUNS:-20}
[[ ${KEYPIPE_SANITIZED:-0} != 1 ]] || kills=$((kills / 2))  # each full run is slower there
mkdir in
for i in $(seq -w 1 60); do ssh-keygen -q -t ed25519 -N '' -C "k$i" -f "in/k$i"; rm "in/k$i.pub"; done
mkdir in/sub && cp in/k0[1-9] in/sub/

# (A run killed before it made the output folder leaves none: nothing to count there.)
temps() { [[ -d $1 ]] || { echo 0; return; }; find "$1" -name '.keypipe-*' | wc -l; }
# every output is a whole PPK: its last line is the MAC (mapfile, not a tail per file:
# this runs after every kill, over 69 files)
incomplete() {
    local f n=0 lines
    [[ -d $1 ]] || { echo 0; return; }
    while IFS= read -r f; do
        mapfile -t lines < "$f"
        ((${#lines[@]})) && [[ ${lines[-1]} == Private-MAC:* ]] || n=$((n + 1))
    done < <(find "$1" -type f -name '*.ppk')
    echo "$n"
}

# kill_loop DIR LABEL MAX_MS: kills `kills` runs into DIR after 5 to MAX_MS ms, each
# followed by a full run; checks what every killed and every full run left
kill_loop() {
    local out=$1 label=$2 max=$3 k pid left=0 after=0 bad=0
    for ((k = 0; k < kills; k++)); do
        (ulimit -n "${fds:-1024}" && exec "$bin/key2ppk" -f -q -r in -d "$out" > /dev/null 2>&1) &
        pid=$!
        sleep "$(printf '0.%03d' $((RANDOM % max + 5)))"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        left=$((left + $(temps "$out")))
        bad=$((bad + $(incomplete "$out")))
        "$bin/key2ppk" -f -q -r in -d "$out" > /dev/null 2>&1 || true
        after=$((after + $(temps "$out")))
    done
    echo "$label: $left temporaries left by $kills killed runs" >&2
    check "$label: every output complete after each kill -9" '[[ $bad == 0 ]]'
    check "$label: the next run removes what a killed run left" '[[ $after == 0 ]]'
    check "$label: all outputs there" '[[ $(find "$out" -name "*.ppk" | wc -l) == 69 && $(incomplete "$out") == 0 ]]'
}

kill_loop out "native filesystem" 120
# With few descriptors, staged files wait under temporary names: many more to clean up.
fds=24 kill_loop out-fds "native filesystem, 24 descriptors" 120

# A live run's temporaries are never taken: two runs into one folder, one of them slow to
# start linking (many inputs), both succeed.
rm -rf out2
"$bin/key2ppk" -f -q -r in -d out2 > a.txt 2>&1 & a=$!
"$bin/key2ppk" -f -q -r in -d out2 > b.txt 2>&1 & b=$!
set +e; wait $a; ra=$?; wait $b; rb=$?; set -e
check "two live -f runs into one folder both succeed" '[[ $ra == 0 && $rb == 0 && $(temps out2) == 0 && $(incomplete out2) == 0 ]]'

# exFAT (FUSE exfat on a loop device): no O_TMPFILE, no hard links, no RENAME_NOREPLACE
mkdir fat
loop=
if [[ $(id -u) == 0 && -c /dev/fuse ]] && need mkfs.exfat && need mount.exfat-fuse && truncate -s 32M fat.img &&
    mkfs.exfat fat.img > /dev/null 2>&1 && loop=$(losetup -f --show fat.img 2>/dev/null) &&
    mount.exfat-fuse "$loop" fat > /dev/null 2>&1; then
    trap 'umount "$work/fat" 2>/dev/null || true; losetup -d "$loop" 2>/dev/null || true; rm -rf "$work"' EXIT
    run_rc() { set +e; "$@" > out.txt 2> err.txt; rc=$?; set -e; }
    run_rc "$bin/key2ppk" in/k01 -o fat/k001.ppk
    check "exFAT: writes without -f (no 'Operation not permitted')" '[[ $rc == 0 && $(incomplete fat) == 0 && -s fat/k001.ppk && $(temps fat) == 0 ]]'
    run_rc "$bin/key2ppk" in/k02 -o fat/k001.ppk
    check "exFAT: an existing file is refused without -f" '[[ $rc == 1 ]] && grep -q "file exists (use -f" err.txt && grep -q "Comment: k01" fat/k001.ppk'
    run_rc "$bin/key2ppk" -f in/k02 -o fat/k001.ppk
    check "exFAT: -f replaces it" '[[ $rc == 0 ]] && grep -q "Comment: k02" fat/k001.ppk && [[ $(temps fat) == 0 ]]'
    run_rc "$bin/key2ppk" -q -r in -d fat/batch
    check "exFAT: a batch without -f" '[[ $rc == 0 && $(find fat/batch -name "*.ppk" | wc -l) == 69 && $(temps fat) == 0 ]]'
    run_rc "$bin/genkeycert" --type ed25519 --keyout fat/g.key --out fat/g.pem
    check "exFAT: genkeycert pair" '[[ $rc == 0 && -s fat/g.key && -s fat/g.pem && $(temps fat) == 0 ]]'
    cp fat/g.key g.before 2>/dev/null || echo none > g.before
    run_rc "$bin/genkeycert" -f --type ed25519 --keyout fat/g.key --out /dev/full
    check "exFAT: genkeycert -f with a failing certificate keeps the old key" '[[ $rc == 1 ]] && cmp -s fat/g.key g.before && [[ $(temps fat) == 0 ]]'
    echo OLDCERT > fat/g.pem
    run_rc "$bin/genkeycert" -f --type ed25519 --keyout fat/g.key --out fat/g.pem
    check "exFAT: genkeycert -f replaces both" '[[ $rc == 0 ]] && ! cmp -s fat/g.key g.before && grep -q CERTIFICATE fat/g.pem && [[ $(temps fat) == 0 ]]'
    # A full disk: the named temporary a failed write made is removed (a throwing
    # constructor runs no destructor: it was left behind)
    dd if=/dev/zero of=fat/filler bs=1k 2>/dev/null || true
    cp fat/g.key g.before
    run_rc "$bin/genkeycert" -f --bits 4096 --keyout fat/g.key --out fat/g.pem
    check "exFAT full: exit 1, old key kept, no temporary left" '[[ $rc == 1 ]] && cmp -s fat/g.key g.before && [[ $(temps fat) == 0 ]]'
    rm fat/filler
    kills=$((kills / 2))
    kill_loop fat/out "exFAT" 250
    umount fat
    losetup -d "$loop"
else
    [[ -z $loop ]] || losetup -d "$loop"
    skip "exFAT filesystem" "cannot mount one here (needs root, /dev/fuse, a loop device, exfatprogs and exfat-fuse)"
fi

finish
