#!/usr/bin/env bash
# The conventions every tool follows: --help (usage and examples, exit 0), --version
# ("TOOL (keypipe) X.Y.Z", exit 0), and a usage error (exit 2, one stderr line "TOOL: ...").
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
for tool in genkeycert pem2der der2pem sshpubfromcert key2ppk ppk2key keyinfo key2pfx; do
    [[ -x $bin/$tool ]] || { check "$tool is built" false; continue; }
    help=$("$bin/$tool" --help)
    check "$tool --help" 'grep -q "^Usage: $tool " <<<"$help" && grep -q "^Examples:" <<<"$help" && grep -q "^Exit status:" <<<"$help"'
    check "$tool -h" '[[ $("$bin/$tool" -h) == "$help" ]]'
    check "$tool --version" '[[ $("$bin/$tool" --version) =~ ^$tool\ \(keypipe\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]]'
    set +e; "$bin/$tool" --no-such-option > out.txt 2> err.txt; rc=$?; set -e
    check "$tool unknown option: exit 2, one line" '[[ $rc == 2 && ! -s out.txt && $(wc -l < err.txt) == 1 ]] && grep -q "^$tool: " err.txt'
done
finish
