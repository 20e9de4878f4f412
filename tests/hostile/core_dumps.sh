#!/usr/bin/env bash
# No core dumps (issue 14 item 7): with `ulimit -c unlimited`, SIGQUIT while a tool holds
# a key (here: waiting for the passphrase of an encrypted key, after reading it) must not
# write a core file. Every tool sets RLIMIT_CORE to 0 and PR_SET_DUMPABLE to 0 at start-up.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=$PWD/build/bin bash tests/hostile/core_dumps.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out key.pem 2>/dev/null
openssl pkcs8 -topk8 -in key.pem -passout pass:pw -out enc.pem 2>/dev/null
ulimit -c unlimited
# Background jobs of a script start with SIGQUIT ignored; a tool at a terminal gets it.
default=(env --default-signal=QUIT)

# Does SIGQUIT write a core file in the current folder here? (core_pattern may pipe it away)
mkdir control
(cd control && exec "${default[@]}" sleep 30) &
pid=$!
sleep 0.5
{ kill -QUIT $pid; wait $pid || true; } 2>/dev/null
cores_visible=0
[[ -n $(ls control) ]] && cores_visible=1
[[ $cores_visible == 1 ]] || echo "note: core files are not written to the current folder here; checking the limit only"

# quit_while_waiting NAME TOOL ARGS...: runs the tool in its own folder with --pass...
# file:../pw.fifo; once it has opened the FIFO (it holds the key by then), checks its core
# limit, sends SIGQUIT and looks for a core file.
quit_while_waiting() {
    local name=$1 pid limit
    shift
    rm -rf "$name" pw.fifo && mkdir "$name" && mkfifo pw.fifo
    (cd "$name" && exec "${default[@]}" "$@") 2>/dev/null &
    pid=$!
    exec 4> pw.fifo  # returns once the tool has opened the FIFO for reading
    limit=$(awk '/^Max core file size/ {print $5 "/" $6}' "/proc/$pid/limits")
    kill -QUIT "$pid"
    wait "$pid" 2>/dev/null || true
    exec 4>&-
    check "$name: core limit is 0" '[[ $limit == 0/0 ]]'
    [[ $cores_visible == 1 ]] && check "$name: no core file after SIGQUIT" '[[ -z $(ls "$name") ]]'
    return 0
}
[[ -x $bin/ppk2key ]] && quit_while_waiting ppk2key "$bin/ppk2key" --passin file:../pw.fifo ../enc.pem -o out.key
[[ -x $bin/key2ppk ]] && quit_while_waiting key2ppk "$bin/key2ppk" --passin file:../pw.fifo ../enc.pem -o out.ppk
[[ -x $bin/genkeycert ]] && quit_while_waiting genkeycert "$bin/genkeycert" --passout file:../pw.fifo --keyout k --out c

finish
