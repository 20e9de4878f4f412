#!/usr/bin/env bash
# Every tool ends cleanly with Botan's locked memory pool on: BOTAN_MLOCK_POOL_SIZE=32 here,
# and always on Windows (Botan 2 reads no such variable there: VirtualLock is always used).
# The pool is unmapped at exit by a static destructor; any static object still holding
# secure memory that is destroyed after it wipes unmapped pages and crashes. keypipe's cache
# of EC groups did: `genkeycert --type ecdsa` wrote its files and then died (SIGSEGV here,
# exit 99 "the program crashed" under wine).
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=$PWD/build/bin bash tests/cli/locked_memory.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
golden=$tests_dir/golden
pw=$golden/keys/passphrase.txt
export BOTAN_MLOCK_POOL_SIZE=32

# ok NAME TOOL ARGS...: exits 0 with output on stdout (or in the files it was told to write)
ok() {
    local name=$1 rc=0
    shift
    "$bin/$1" "${@:2}" > out.bin 2> err.txt || rc=$?
    check "$name: exit 0 with the locked pool on ($rc)" '[[ $rc == 0 && ! -s err.txt ]]'
}

for type in rsa ecdsa ed25519; do
    for bits in "" 384; do
        [[ -n $bits && $type != ecdsa ]] && continue
        rm -f k.key c.pem
        ok "genkeycert --type $type ${bits:+--bits $bits}" genkeycert --type "$type" ${bits:+--bits "$bits"} --keyout k.key --out c.pem
    done
done
for key in ecdsa256.p8.pem ecdsa384.trad.pem ecdsa521.openssh rsa.p8.pem ed25519.openssh; do
    ok "key2ppk $key" key2ppk --no-encrypt --passin "file:$pw" "$golden/keys/$key"
    ok "ppk2key -y $key" ppk2key -y --passin "file:$pw" "$golden/keys/$key"
    ok "keyinfo $key" keyinfo "$golden/keys/$key"
done
ok "ppk2key, an ECDSA PPK" ppk2key --no-encrypt "$golden/keys/ecdsa256.putty.ppk"
for cert in p256 p384 p521 rsa2048 ed25519; do
    ok "sshpubfromcert $cert" sshpubfromcert "$golden/certs/$cert.pem"
    ok "pem2der $cert" pem2der "$golden/certs/$cert.pem"
    ok "der2pem $cert" der2pem "$golden/certs/$cert.der"
done
finish
