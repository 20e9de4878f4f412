# Shared by the shell tests: the tools' folder, a scratch folder removed on exit, and a
# check/finish pair that counts results and ends with "N passed, N failed".
#   source "$(dirname "$0")/../testlib.sh"
#   check NAME 'SHELL CONDITION'      (KEYPIPE_TEST_VERBOSE=1 also prints passes)
#   finish                            (last line; exit status 1 if any check failed)
# shellcheck shell=bash
bin=${KEYPIPE_BIN:?set KEYPIPE_BIN to the folder with the built tools}
tests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
pass=0 fail=0
check() {
    if eval "$2"; then
        pass=$((pass + 1))
        [[ ${KEYPIPE_TEST_VERBOSE:-0} == 1 ]] && echo "ok   $1"
    else
        fail=$((fail + 1))
        echo "FAIL $1"
    fi
    return 0
}
finish() {
    echo "$pass passed, $fail failed"
    [[ $fail == 0 ]]
}
