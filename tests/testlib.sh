# Shared by the shell tests: the tools' folder, a scratch folder removed on exit, and a
# check/skip/finish set that counts results and ends with "N passed, N failed, N skipped".
#   source "$(dirname "$0")/../testlib.sh"
#   check NAME 'SHELL CONDITION'      (KEYPIPE_TEST_VERBOSE=1 also prints passes)
#   skip NAME REASON                  a check that cannot run here, counted and printed
#   need COMMAND || skip NAME REASON  ... e.g. for a peer tool that is not installed
#   finish                            (last line; exit status 1 if any check failed)
# KEYPIPE_TEST_TIMING=1 prints before each check's result the milliseconds spent since the
# previous check ended (the set-up outside checks) and in the check itself:
#   time   SETUP_MS   CHECK_MS   NAME
# A command that fails outside a check under `set -e` aborts the script: the ERR trap
# names its line and command first, so an abort is never silent.
# shellcheck shell=bash
bin=${KEYPIPE_BIN:?set KEYPIPE_BIN to the folder with the built tools}
tests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'testlib_rc=$?; [[ $- == *e* ]] && echo "ABORT ${BASH_SOURCE[0]##*/} line $LINENO: $BASH_COMMAND (exit $testlib_rc)" >&2' ERR
cd "$work"
pass=0 fail=0 skipped=0
testlib_last=${EPOCHREALTIME/./}
check() {
    local testlib_start=${EPOCHREALTIME/./} testlib_ok=0
    eval "$2" && testlib_ok=1
    if [[ ${KEYPIPE_TEST_TIMING:-0} == 1 ]]; then
        local testlib_end=${EPOCHREALTIME/./}
        printf 'time %6d %6d   %s\n' $(((testlib_start - testlib_last) / 1000)) $(((testlib_end - testlib_start) / 1000)) "$1"
        testlib_last=$testlib_end
    fi
    if ((testlib_ok)); then
        pass=$((pass + 1))
        [[ ${KEYPIPE_TEST_VERBOSE:-0} == 1 ]] && echo "ok   $1"
    else
        fail=$((fail + 1))
        echo "FAIL $1"
    fi
    return 0
}
skip() {
    skipped=$((skipped + 1))
    echo "SKIP $1: $2"
    return 0
}
need() { command -v "$1" > /dev/null; }
finish() {
    echo "$pass passed, $fail failed, $skipped skipped"
    [[ $fail == 0 ]]
}
