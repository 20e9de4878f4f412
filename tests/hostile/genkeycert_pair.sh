#!/usr/bin/env bash
# genkeycert's key and certificate are one commit (issue 14 item 3): both are staged
# completely before either is put in place, so a write that fails (a full disk, /dev/full)
# leaves both old files as they were; `genkeycert -f` never loses the key it would replace.
# A full filesystem is a 64 KiB tmpfs (needs root and mount; a counted skip otherwise).
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=$PWD/build/bin bash tests/hostile/genkeycert_pair.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

no_temps() { [[ -z $(find "${1:-.}" -name '.keypipe-*' 2>/dev/null) ]]; }

# The certificate goes to /dev/full: the key file must keep its old content.
if [[ -c /dev/full ]]; then
    echo OLD > vm.key
    set +e; "$bin/genkeycert" -f --type ed25519 --keyout vm.key --out /dev/full 2> err.txt; rc=$?; set -e
    check "cert to /dev/full: exit 1, one line naming /dev/full" '[[ $rc == 1 && $(wc -l < err.txt) == 1 ]] && grep -q "^genkeycert: /dev/full: write failed" err.txt'
    check "cert to /dev/full: the old key file is kept" '[[ $(cat vm.key) == OLD ]] && no_temps'
    rm -f vm.key
    set +e; "$bin/genkeycert" -f --type ed25519 --keyout new.key --out /dev/full 2> err.txt; rc=$?; set -e
    check "cert to /dev/full: no new key file either" '[[ $rc == 1 && ! -e new.key ]] && no_temps'
    echo OLDCERT > vm.pem
    set +e; "$bin/genkeycert" -f --type ed25519 --keyout /dev/full --out vm.pem 2> err.txt; rc=$?; set -e
    check "key to /dev/full: the old certificate is kept" '[[ $rc == 1 && $(cat vm.pem) == OLDCERT ]] && no_temps'
    echo OLDCSR > vm.csr
    set +e; "$bin/genkeycert" -f --type ed25519 --keyout vm.key --out vm.pem --csr vm.csr --subject CN=x > /dev/full 2> err.txt; rc=$?; set -e
    check "a good triple is still written with stdout full" '[[ $rc == 0 ]] && grep -q "OPENSSH PRIVATE KEY" vm.key && grep -q "BEGIN CERTIFICATE" vm.pem && grep -q "CERTIFICATE REQUEST" vm.csr'
else
    skip "/dev/full" "no /dev/full here"
fi

# A full filesystem: a 64 KiB tmpfs filled to the last block.
mkdir full
if [[ $(id -u) == 0 ]] && mount -t tmpfs -o size=64k,mode=0755 keypipe-test full 2>/dev/null; then
    trap 'umount "$work/full" 2>/dev/null || true; rm -rf "$work"' EXIT
    fill() { rm -f full/filler; dd if=/dev/zero of=full/filler bs=4k 2>/dev/null || true; sync; }
    echo OLDKEY > vm.key
    echo OLDCERT > full/vm.pem
    fill
    set +e; "$bin/genkeycert" -f --type ed25519 --keyout vm.key --out full/vm.pem 2> err.txt; rc=$?; set -e
    check "full disk for the certificate: exit 1, one line" '[[ $rc == 1 && $(wc -l < err.txt) == 1 ]] && grep -q "^genkeycert: full/vm.pem: " err.txt'
    check "full disk for the certificate: both old files kept" '[[ $(cat vm.key) == OLDKEY && $(cat full/vm.pem) == OLDCERT ]] && no_temps && no_temps full'

    rm -f full/*
    echo OLDKEY > full/vm.key
    echo OLDCERT > vm.pem
    fill
    set +e; "$bin/genkeycert" -f --type ed25519 --keyout full/vm.key --out vm.pem 2> err.txt; rc=$?; set -e
    check "full disk for the key: both old files kept" '[[ $rc == 1 && $(cat full/vm.key) == OLDKEY && $(cat vm.pem) == OLDCERT ]] && no_temps && no_temps full'

    # Room for the key but not for the certificate too (RSA-4096: ~3.3 KiB key, ~1.9 KiB cert)
    rm -f full/*
    echo OLDKEY > full/k
    echo OLDCERT > full/c
    dd if=/dev/zero of=full/filler bs=1k count=52 2>/dev/null || true
    avail=$(df -k --output=avail full | tail -1 | tr -d ' ')
    set +e; "$bin/genkeycert" -f --bits 4096 --keyout full/k --out full/c 2> err.txt; rc=$?; set -e
    if [[ $rc == 0 ]]; then
        check "room for both ($avail KiB free): the new pair" 'grep -q "OPENSSH PRIVATE KEY" full/k && grep -q "BEGIN CERTIFICATE" full/c'
    else
        check "room for one of two ($avail KiB free): both old files kept" '[[ $(cat full/k) == OLDKEY && $(cat full/c) == OLDCERT ]] && no_temps full'
    fi
    umount full
else
    skip "full filesystem" "cannot mount a small tmpfs here (needs root)"
fi

# Without -f, an existing certificate refuses the pair before any key is made.
echo OLD > only.pem
set +e; "$bin/genkeycert" --type ed25519 --keyout only.key --out only.pem 2> err.txt; rc=$?; set -e
check "existing certificate without -f: nothing written" '[[ $rc == 1 && ! -e only.key && $(cat only.pem) == OLD ]] && no_temps'

finish
