#!/usr/bin/env bash
# The Windows build under wine, against the Linux build and the real peers. Run by
# scripts/package --windows (all of it) and by scripts/test (--quick), not by the Linux CTest:
#   KEYPIPE_BIN=build/bin KEYPIPE_WIN_BIN=build-win64/bin bash tests/windows/interop.sh [--quick]
# - every .exe imports only system DLLs, and runs (--version: exit 0 and its output)
# - keyinfo.exe's report is byte for byte Linux's; a key2pfx.exe PKCS#12 holds the same key
#   and certificates as Linux's (its salts are random: read back by the Linux der2pem)
# - over the golden corpus, each tool's stdout and exit code under wine are byte for byte
#   those of the Linux build with the same inputs and arguments (outputs with random salts
#   or check-ints are left out; genkeycert's key is checked by logging in with it)
# - key2ppk.exe = puttygen byte for byte; a genkeycert.exe key logs in with ssh -i, and
#   key2ppk.exe's PPK with plink (tests/sshd.sh)
# - Windows-only: binary stdin/stdout (a DER with 0x0A and 0x0D bytes), a non-ASCII file
#   name, backslash and drive-letter paths, -d mirroring of -r folders, -j threads, a clear
#   error instead of a hang with no console, and a private key file whose DACL wine maps to
#   no access for others
# Each wine run is judged by its exit code AND its output: wine can report 0 for a crash.
# --quick (48 wine runs instead of 361): every tool byte for byte against Linux at least
# once, over one key of each type and format family instead of the whole corpus; the
# puttygen, Windows-only and key2pfx checks in full; one key type (ECDSA) for the logins.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
# shellcheck source=tests/sshd.sh
source "$tests_dir/sshd.sh"
winbin=${KEYPIPE_WIN_BIN:?set KEYPIPE_WIN_BIN to the folder with the .exe tools}
winbin=$(cd "$winbin" && pwd)
export WINEDEBUG=-all LC_ALL=C.UTF-8  # wine turns the arguments into UTF-16 by the locale
tools=(der2pem genkeycert key2pfx key2ppk keyinfo pem2der ppk2key sshpubfromcert)
quick=0
[[ ${1:-} == --quick ]] && quick=1
golden=$tests_dir/golden
pw=$golden/keys/passphrase.txt

# win TOOL ARGS...: the Windows tool under wine
win() {
    echo "$1" >> "$work/wine-runs"
    wine "$winbin/$1.exe" "${@:2}"
}

# some FILE...: sets files to the FILEs given with --quick, else leaves the full list
some() { if ((quick)); then files=("$@"); fi; }

# same NAME TOOL ARGS...: the tool's stdout, exit code and the files it writes (relative
# paths land in a fresh folder for each build) are the same on both builds
same() {
    local name=$1 tool=$2 lrc=0 wrc=0
    shift 2
    rm -rf L W && mkdir L W
    (cd L && "$bin/$tool" "$@" > ../linux.out 2> ../linux.err) || lrc=$?
    (cd W && win "$tool" "$@" > ../win.out 2> ../win.err) || wrc=$?
    check "$name: same bytes and exit code as Linux ($lrc)" \
        '[[ $lrc == "$wrc" ]] && [[ -s linux.out || -n $(ls L) ]] && cmp -s linux.out win.out && diff -r L W >/dev/null'
    if [[ $lrc != "$wrc" ]] || ! cmp -s linux.out win.out; then
        echo "     linux: exit $lrc, $(wc -c < linux.out) bytes; $(head -c 300 linux.err)"
        echo "     wine:  exit $wrc, $(wc -c < win.out) bytes; $(head -c 300 win.err)"
    fi
}

# --- the .exe files themselves
system_dlls='^(kernel32|msvcrt|advapi32|shell32|user32|ws2_32|bcrypt|crypt32|ntdll)\.dll$'
for t in "${tools[@]}"; do
    dlls=$(x86_64-w64-mingw32-objdump -p "$winbin/$t.exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
    check "$t.exe imports only system DLLs ($(echo $dlls))" '[[ -n $dlls ]] && ! grep -vqE "$system_dlls" <<< "$dlls"'
    check "$t.exe --version runs under wine" '[[ $(win "$t" --version) == "$("$bin/$t" --version)" ]]'
done

# each NAME TOOL ARGS...: `same` for each of "${files[@]}" in turn (several private keys
# never go to one stdout, and a folder would get clashing names). Private outputs are
# written unencrypted (--no-encrypt) where the tool would re-encrypt with a random salt.
each() {
    local name=$1 tool=$2 f
    shift 2
    for f in "${files[@]}"; do same "$name: ${f#"$golden"/}" "$tool" "$@" "$f"; done
}

# --- byte for byte with the Linux build over the golden corpus
certs=() keys=() ppks=() opensshs=()
for f in "$golden"/certs/*.pem "$golden"/certs/*.der; do certs+=("$f"); done
for f in "$golden"/keys/*; do
    case $f in *.pub | */make.sh | */passphrase.txt | */VERSIONS) ;; *) keys+=("$f") ;; esac
done
for f in "$golden"/ppk/*.ppk; do ppks+=("$f"); done
for f in "$golden"/openssh/*; do
    case $f in *.pub | */make.sh | */passphrase.txt | */VERSIONS) ;; *) opensshs+=("$f") ;; esac
done
same "pem2der, every certificate" pem2der "$golden"/certs/*.pem
((quick)) || same "pem2der --all, every certificate" pem2der --all "${certs[@]}"
same "der2pem, every certificate" der2pem "${certs[@]}"
same "sshpubfromcert, every certificate" sshpubfromcert "$golden"/certs/{rsa2048,rsa3072,p256,p384,p521,ed25519,nocn,v1}.pem
((quick)) || same "sshpubfromcert --fingerprint" sshpubfromcert --fingerprint "$golden"/certs/*.der
((quick)) || same "pem2der --json -d" pem2der --json -d out "$golden"/certs/*.pem
same "keyinfo, every key and certificate" keyinfo "${keys[@]}" "${certs[@]}" "${ppks[@]}"
((quick)) || same "keyinfo --json, every key and certificate" keyinfo --json "${keys[@]}" "${certs[@]}" "${ppks[@]}"
same "key2ppk -d, -j 2 threads" key2ppk -j 2 --passin "file:$pw" -d out "$golden"/keys/*.openssh
k=$golden/keys
files=("${keys[@]}"); some "$k/rsa.p8-aes256.pem" "$k/ecdsa384.trad-des3.pem" "$k/ed25519.p8-scrypt.pem" "$k/ecdsa521.putty-enc.ppk"
each "key2ppk (v3)" key2ppk --no-encrypt --passin "file:$pw"
some "$k/rsa.trad.der" "$k/ecdsa256.openssh-enc"
each "key2ppk (v2)" key2ppk --no-encrypt --ppk-param version=2 --passin "file:$pw"
same "ppk2key -y, every key" ppk2key -y --passin "file:$pw" "${keys[@]}"
files=("${keys[@]}"); some "$k/rsa.putty-enc.ppk" "$k/ecdsa256.p8-sha1-aes128.pem" "$k/ed25519.openssh-enc"
each "ppk2key --format pkcs8" ppk2key --no-encrypt --format pkcs8 --passin "file:$pw"
files=("${ppks[@]}"); some "$golden/ppk/ed25519.v3enc-argon2id.ppk"
each "ppk2key --format pkcs8 --der" ppk2key --no-encrypt --format pkcs8 --der --passin "file:$golden/ppk/passphrase.txt"
files=("$golden"/openssh/{rsa2048,ecdsa256,ecdsa384,ecdsa521}.*[^b]); some "$golden/openssh/ecdsa384.aes256-gcm@openssh.com"
each "ppk2key --format traditional" ppk2key --no-encrypt --format traditional --passin "file:$golden/openssh/passphrase.txt"
files=("${opensshs[@]}"); some "$golden/openssh/ed25519.chacha20-poly1305@openssh.com"
each "key2ppk, OpenSSH cipher" key2ppk --no-encrypt --passin "file:$golden/openssh/passphrase.txt"
same "a wrong passphrase: the same failure" ppk2key -d out --format pkcs8 --passin pass:wrong "$golden/keys/rsa.p8-aes256.pem" "$golden/keys/rsa.p8.pem"

# key2pfx: random salts and IVs, so the two files differ; what they hold must not. The
# Linux der2pem reads both back (key and certificates, PEM) for the comparison.
for pair in "rsa2048.key rsa2048.pem" "p384.key p384.pem" "ed25519.key ed25519.pem"; do
    read -r key cert <<<"$pair"
    for legacy in "" --legacy; do
        ((quick)) && [[ -n $legacy && $key != rsa2048.key ]] && continue
        rm -f l.pfx w.pfx
        "$bin/key2pfx" $legacy --passout pass:pfx "$golden/certs/$key" "$golden/certs/$cert" -o l.pfx
        rc=0; win key2pfx $legacy --passout pass:pfx "$golden/certs/$key" "$golden/certs/$cert" -o w.pfx 2> err.txt || rc=$?
        check "key2pfx.exe $legacy $key: the same key and certificate as Linux's PKCS#12 ($rc)" \
            '[[ $rc == 0 ]] && "$bin/der2pem" --passin pass:pfx l.pfx > l.out && "$bin/der2pem" --passin pass:pfx w.pfx > w.out && cmp -s l.out w.out && grep -q "PRIVATE KEY" w.out'
    done
done

# key2ppk.exe = puttygen, byte for byte (puttygen writes the key unencrypted: --no-encrypt,
# since key2ppk keeps an encrypted input's passphrase by default)
for name in rsa.openssh ecdsa384.trad.pem ed25519.openssh-enc; do
    puttygen "$golden/keys/$name" --old-passphrase "$pw" --new-passphrase /dev/null -O private -o "ref-$name.ppk"
    win key2ppk --no-encrypt --passin "file:$pw" "$golden/keys/$name" -o "win-$name.ppk" || true
    check "key2ppk.exe $name = puttygen byte for byte" 'cmp -s "win-$name.ppk" "ref-$name.ppk"'
done

# --- Windows-only behaviours
der=$golden/certs/rsa2048.der
check "the test DER has LF and CR bytes (what text mode would change)" '[[ $(tr -cd "\n" < "$der" | wc -c) -gt 0 && $(tr -cd "\r" < "$der" | wc -c) -gt 0 ]]'
check "binary stdout: pem2der.exe writes the DER intact" 'win pem2der "$golden/certs/rsa2048.pem" | cmp -s - "$der"'
check "binary stdin: der2pem.exe reads the DER intact" 'win der2pem < "$der" | cmp -s - "$golden/certs/rsa2048.pem"'
name=$'\xe8\xaf\x81\xe4\xb9\xa6'  # 证书
cp "$golden/certs/p256.pem" "$name.pem"
win pem2der "$name.pem" -o "$name.cer" 2> err.txt || true
check "a non-ASCII file name in and out" 'cmp -s "$name.cer" "$golden/certs/p256.der"'
set +e; win pem2der "missing-$name.pem" 2> err.txt; rc=$?; set -e
check "a non-ASCII name in an error message, as UTF-8" '[[ $rc == 1 ]] && grep -qF "pem2der: missing-$name.pem: " err.txt'
mkdir -p 'sub dir'
cp "$golden/certs/ed25519.pem" 'sub dir/c.pem'
win pem2der 'sub dir\c.pem' -o 'sub dir\c.cer' || true
check "backslash paths with a space" 'cmp -s "sub dir/c.cer" "$golden/certs/ed25519.der"'
win pem2der "Z:${PWD//\//\\}\\sub dir\\c.pem" -o "Z:${PWD//\//\\}\\sub dir\\z.cer" || true
check "drive-letter paths (Z:\\...)" 'cmp -s "sub dir/z.cer" "$golden/certs/ed25519.der"'
mkdir -p tree/a/b && cp "$golden"/certs/{p256,p384}.pem tree/a/ && cp "$golden/certs/p521.pem" tree/a/b/
"$bin/pem2der" -r -d linux-tree tree
win pem2der -j 2 -r -d 'win\tree' tree || true
check "-r -d mirrors the folders (and -j 2 threads), as on Linux" 'diff -r linux-tree win/tree'
win genkeycert --type ed25519 --subject CN=acl --keyout acl.key --out acl.pem || true
# Mainline wine 8 keeps no DACL for a file (the stored-ACL patches are wine-staging's): the
# owner-only DACL cannot be seen here, and the key's Unix mode says nothing about it (0775
# was seen). tests/unit/test_output_win.cpp checks the DACL itself on real Windows only.
mode=$(stat -c %a acl.key 2>/dev/null || echo none)
check "genkeycert.exe writes the key and certificate (Unix mode under wine: $mode, not a DACL check)" \
    '[[ -s acl.key && -s acl.pem ]] && grep -q "PRIVATE KEY" acl.key'
check "genkeycert.exe: no file over an existing key without -f" '! win genkeycert --keyout acl.key --out acl2.pem 2> err.txt && grep -q "file exists" err.txt && [[ ! -e acl2.pem ]]'

# A killed run's temporary (its process gone) is removed by the next run writing there;
# an earlier build's name, without the process's creation time, is left alone.
mkdir -p stale
touch stale/.keypipe-4294967292-1-0.tmp stale/.keypipe-4294967292-7.tmp
win pem2der "$golden/certs/p256.pem" -o 'stale\p256.der' || true
check "a stale temporary of an ended run is removed; an unprovable one is kept" \
    '[[ -s stale/p256.der && ! -e stale/.keypipe-4294967292-1-0.tmp && -e stale/.keypipe-4294967292-7.tmp ]]'

set +e; timeout 60 wine "$winbin/key2ppk.exe" "$golden/keys/rsa.p8-aes256.pem" < /dev/null > nopass.ppk 2> err.txt; rc=$?; set -e
echo key2ppk >> "$work/wine-runs"
check "an encrypted key, no --passin and no console: a clear error, no hang ($rc)" \
    '[[ $rc == 1 && ! -s nopass.ppk ]] && grep -q "no terminal to ask on" err.txt'

# --- logins: a genkeycert.exe key with Linux ssh -i, key2ppk.exe's PPK with plink
start_sshd "$work/sshd"
trap 'stop_sshd; rm -rf "$work"' EXIT
# Each step is checked on its own: a crash (exit 99) is a FAIL line, not a silent stop.
login_types=(rsa ecdsa ed25519)
((quick)) && login_types=(ecdsa)
for type in "${login_types[@]}"; do
    rc=0; win genkeycert --type "$type" --subject "CN=win-$type" --keyout "$type.key" --der --out "$type.cer" 2> err.txt || rc=$?
    check "genkeycert.exe --type $type: exit 0 ($rc) $(head -c 200 err.txt)" '[[ $rc == 0 && -s $type.key && -s $type.cer ]]'
    win sshpubfromcert "$type.cer" >> "$SSHD_AUTHORIZED_KEYS" || true
    chmod go-rwx "$type.key" 2>/dev/null || true  # what wine maps the DACL to is checked above; ssh wants no group/other bits
    check "genkeycert.exe $type key: ssh -i logs in" '[[ $(ssh_login "$type.key" "echo in-$type") == "in-$type" ]]'
    win key2ppk "$type.key" -o "$type.ppk" || true
    check "key2ppk.exe $type PPK: plink logs in" '[[ $(plink_login "$type.ppk" "echo plink-$type") == "plink-$type" ]]'
done
echo "$(wc -l < "$work/wine-runs") wine runs$( ((quick)) && echo ' (--quick)')"
finish
