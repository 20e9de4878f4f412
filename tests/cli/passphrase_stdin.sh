#!/usr/bin/env bash
# A passphrase read from stdin while stdin is the input (issue 14): `ppk2key --passin fd:0`
# with the key on stdin used to read the passphrase out of the key and say "wrong
# passphrase". Every tool with --passin or --passout refuses that as a usage error (exit 2)
# naming stdin, before reading anything; fd:0 with the input in a file still works.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=$PWD/build/bin bash tests/cli/passphrase_stdin.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout key.pem -out cert.pem -subj /CN=t -days 2 2>/dev/null
openssl pkcs8 -topk8 -in key.pem -passout pass:pw -out enc.pem 2>/dev/null
printf 'pw\n' > pw.txt

for cmd in "ppk2key --passin fd:0" "ppk2key --passin fd:00 -" "ppk2key --passin file:/dev/stdin" "ppk2key --passout fd:0" \
           "key2ppk --passin fd:0" "key2ppk --passout fd:0" "pem2der --passin fd:0" "der2pem --passin fd:0" \
           "sshpubfromcert --passin fd:0" "key2pfx --passout fd:0" "key2pfx --passout file:pw.txt --passin fd:0"; do
    read -ra a <<<"$cmd"
    set +e; "$bin/${a[0]}" "${a[@]:1}" < enc.pem > out.txt 2> err.txt; rc=$?; set -e
    check "$cmd with the input on stdin: usage error naming stdin" \
        '[[ $rc == 2 && ! -s out.txt && $(wc -l < err.txt) == 1 ]] && grep -q "^${a[0]}: .*stdin is already the input" err.txt'
done
set +e; "$bin/genkeycert" --key - --passin fd:0 --out c.pem < enc.pem 2> err.txt; rc=$?; set -e
check "genkeycert --key - --passin fd:0: usage error" '[[ $rc == 2 && ! -e c.pem ]] && grep -q "stdin is already the input" err.txt'
"$bin/ppk2key" --passin fd:0 enc.pem -o dec.key < pw.txt
check "fd:0 with the input in a file still works" '[[ -s dec.key ]]'

finish
