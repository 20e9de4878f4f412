#!/usr/bin/env bash
# Open descriptors are bounded whatever the number of outputs per input (issue 14 item 6):
# `pem2der --all` on bundles of 1,100 blocks writes every block under `ulimit -n 1024` and
# even `ulimit -n 64`; staged files beyond a quarter of the limit wait under temporary
# names, closed, and none of those names is left.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=$PWD/build/bin bash tests/hostile/descriptors.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout k.pem -out c.pem -subj /CN=t -days 2 2>/dev/null
openssl x509 -in c.pem -outform der -out c.der
for i in $(seq 1100); do cat c.pem; done > bundle.pem
cp bundle.pem other.pem
temps() { find "$1" -name '.keypipe-*' | wc -l; }
all_blocks() {  # all_blocks DIR STEM: 1,100 files, each the certificate in DER
    [[ $(find "$1" -name "$2-*.cer" | wc -l) == 1100 ]] && cmp -s "$1/$2-1.cer" c.der && cmp -s "$1/$2-1100.cer" c.der
}

for limit in 1024 64; do
    set +e; (ulimit -n $limit && exec "$bin/pem2der" -q --all bundle.pem -d out$limit) 2> err.txt; rc=$?; set -e
    check "ulimit -n $limit: 1,100 blocks written" '[[ $rc == 0 ]] && ! grep -q "open files" err.txt && all_blocks out$limit bundle && [[ $(temps out$limit) == 0 ]]'
done
set +e; (ulimit -n 64 && exec "$bin/pem2der" -q -j 2 --all bundle.pem other.pem -d two) 2> err.txt; rc=$?; set -e
check "ulimit -n 64, two bundles at -j 2" '[[ $rc == 0 ]] && all_blocks two bundle && all_blocks two other && [[ $(temps two) == 0 ]]'
set +e; (ulimit -n 64 && exec "$bin/pem2der" -q -f --all bundle.pem -d out64) 2> err.txt; rc=$?; set -e
check "ulimit -n 64, replacing them all with -f" '[[ $rc == 0 ]] && all_blocks out64 bundle && [[ $(temps out64) == 0 ]]'
set +e; (ulimit -n 16 && exec "$bin/pem2der" -q --all bundle.pem -d out16) 2> err.txt; rc=$?; set -e
check "ulimit -n 16" '[[ $rc == 0 ]] && all_blocks out16 bundle && [[ $(temps out16) == 0 ]]'

finish
