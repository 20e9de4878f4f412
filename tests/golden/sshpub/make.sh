#!/usr/bin/env bash
# Makes the SSH public-key golden files with the real ssh-keygen and puttygen (run from this
# folder; the files are committed). For each key type NAME (rsa2048, ecdsa256, ecdsa384,
# ecdsa521, ed25519), from one ssh-keygen key pair with comment "NAME@keypipe":
#   NAME.pub                  ssh-keygen's .pub line
#   NAME.rfc4716              ssh-keygen -e (RFC 4716, its own "converted by" Comment, 70 columns)
#   NAME.putty.rfc4716        puttygen -O public (RFC 4716, the key's comment, 64 columns)
#   NAME.pkcs8 / NAME.pem     ssh-keygen -e -m PKCS8 / -m PEM (ssh-keygen exports no Ed25519)
#   NAME.fp-sha256 / .fp-md5  ssh-keygen -l [-E md5] of NAME.pub
# and files that hold several keys in the forms users have:
#   authorized_keys           options (quoted blanks, commas), no comment, CRLF line, comments
#   known_hosts               plain host patterns, [host]:port, a marker line
#   known_hosts.hashed        the same after ssh-keygen -H
#   authorized_keys.fp        ssh-keygen -l of authorized_keys (known_hosts.fp likewise)
#   quoted.putty.rfc4716      puttygen -O public of a key whose comment has '"' and '\'
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.pub ./*.rfc4716 ./*.pkcs8 ./*.pem ./*.fp* ./*.key authorized_keys* known_hosts*
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mk() {  # mk NAME KEYGEN-ARGS...
    local name=$1
    shift
    ssh-keygen -q "$@" -N '' -C "$name@keypipe" -f "$tmp/$name"
    cp "$tmp/$name.pub" "$name.pub"
    ssh-keygen -e -f "$name.pub" > "$name.rfc4716"
    puttygen "$tmp/$name" -O public -o "$name.putty.rfc4716"
    if [[ $name != ed25519 ]]; then
        ssh-keygen -e -m PKCS8 -f "$name.pub" > "$name.pkcs8"
        ssh-keygen -e -m PEM -f "$name.pub" > "$name.pem"
    fi
    ssh-keygen -l -f "$name.pub" > "$name.fp-sha256"
    ssh-keygen -l -E md5 -f "$name.pub" > "$name.fp-md5"
}
mk rsa2048 -t rsa -b 2048
mk ecdsa256 -t ecdsa -b 256
mk ecdsa384 -t ecdsa -b 384
mk ecdsa521 -t ecdsa -b 521
mk ed25519 -t ed25519
key() { cut -d' ' -f1,2 "$1.pub"; }
{
    echo "# keys of the team"
    echo "$(key rsa2048) alice@laptop"
    echo "from=\"10.0.0.0/8,192.168.1.1\",command=\"echo a b\",no-pty $(key ed25519) bob with spaces"
    echo ""
    echo "restrict $(key ecdsa256)"
    printf '%s crlf@host\r\n' "$(key ecdsa384)"
    echo "   $(key ecdsa521)    leading blanks"
} > authorized_keys
ssh-keygen -l -f authorized_keys > authorized_keys.fp
{
    echo "host1.example.com,10.0.0.1 $(key ecdsa256)"
    echo "[git.example.com]:2222 $(key ed25519) a comment"
    echo "*.example.org $(key rsa2048)"
} > known_hosts
ssh-keygen -l -f known_hosts > known_hosts.fp
cp known_hosts known_hosts.hashed
ssh-keygen -q -H -f known_hosts.hashed 2>/dev/null
rm -f known_hosts.hashed.old
ssh-keygen -l -f known_hosts.hashed > known_hosts.hashed.fp
echo "@cert-authority *.example.com $(key ed25519) ca" >> known_hosts
ssh-keygen -q -t ed25519 -N '' -C 'say "hi" \ bye' -f "$tmp/quoted"
puttygen "$tmp/quoted" -O public -o quoted.putty.rfc4716
cp "$tmp/quoted.pub" quoted.pub
{ ssh -V 2>&1; puttygen --version | head -1; } > VERSIONS
