#!/usr/bin/env bash
# Closed standard descriptors (issue 14 item 4): a tool started with fd 0, 1 or 2 closed
# must not let a file it opens later become that descriptor. Otherwise error lines
# (2>&-) or JSON lines (>&-) land inside private key files, a key meant for stdout goes to
# whatever file took fd 1, and a closed stdin reads some other file. Writing to a closed
# or failing stdout is exit 1, never a silent success.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=build/bin bash tests/cli/closed_std_fds.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

openssl genpkey -algorithm ed25519 -outform DER -out ed.der 2>/dev/null
openssl req -x509 -nodes -newkey rsa:2048 -keyout rsa.pem -out cert.pem -subj /CN=t -days 2 2>/dev/null
mkdir in
for i in $(seq -w 1 60); do  # every third input fails: error lines while other outputs are pending
    if (( 10#$i % 3 )); then cp ed.der "in/k$i.der"; else printf 'not a key %s' "$i" > "in/k$i.der"; fi
done

# error_lines_never_land_in_key_files: 2>&-, several runs (the fd reuse depended on timing)
leaked=0
for run in 1 2 3 4 5 6 7 8 9 10; do
    rm -rf out
    set +e; "$bin/der2pem" -r in -d out -j 2 2>&-; rc=$?; set -e
    [[ $rc == 1 ]] || leaked=$((leaked + 100))
    grep -q 'der2pem\|converted\|failed' out/*.pem && leaked=$((leaked + 1))
    [[ $(cat out/*.pem | grep -c BEGIN) == 40 ]] || leaked=$((leaked + 1))
done
check error_lines_never_land_in_key_files_with_stderr_closed '[[ $leaked == 0 ]]'

# json_never_lands_in_key_files: >&-
leaked=0
for run in 1 2 3 4; do
    rm -rf out
    set +e; "$bin/der2pem" -r in -d out -j 4 --json >&- 2> err.txt; set -e
    grep -q '"input"\|summary' out/*.pem && leaked=$((leaked + 1))
    [[ $(ls out | wc -l) == 40 ]] || leaked=$((leaked + 100))
done
check json_never_lands_in_key_files_with_stdout_closed '[[ $leaked == 0 ]]'

# closed stdout: the key is not written anywhere and the run fails
set +e; "$bin/der2pem" ed.der >&- 2> err.txt; rc=$?; set -e
check key_to_closed_stdout_is_exit_1 '[[ $rc == 1 ]] && grep -qx "der2pem: <stdout>: standard output is closed" err.txt'
if [[ -x $bin/ppk2key ]]; then
    set +e; "$bin/ppk2key" rsa.pem >&- 2> err.txt; rc=$?; set -e
    check ppk2key_to_closed_stdout_is_exit_1 '[[ $rc == 1 ]] && grep -q "standard output is closed" err.txt'
fi
set +e; "$bin/pem2der" cert.pem > /dev/full 2> err.txt; rc=$?; set -e
check failing_stdout_is_exit_1 '[[ $rc == 1 ]] && grep -q "<stdout>: write failed: No space left on device" err.txt'

# closed stdin reads as empty, never as some other file the tool opened
if [[ -x $bin/key2ppk ]]; then
    set +e; "$bin/key2ppk" - <&- > out.ppk 2> err.txt; rc=$?; set -e
    check closed_stdin_is_empty_input '[[ $rc == 1 && ! -s out.ppk ]] && grep -qx "key2ppk: <stdin>: empty input" err.txt'
fi
set +e; "$bin/pem2der" <&- > out.der 2> err.txt; rc=$?; set -e
check closed_stdin_is_empty_input_pem2der '[[ $rc == 1 && ! -s out.der ]] && grep -q "<stdin>: empty input" err.txt'

# all three closed: the output file still gets exactly the key, nothing else
"$bin/der2pem" ed.der -o all-closed.pem <&- >&- 2>&- || true
check all_three_closed_output_is_just_the_key '[[ -s all-closed.pem && $(grep -c "" all-closed.pem) == 3 ]] && openssl pkey -in all-closed.pem -noout'

finish
