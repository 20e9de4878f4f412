#!/usr/bin/env bash
# Makes the OpenSSH private key golden files with the real ssh-keygen (run from this
# folder; the files are committed, so this only needs re-running to refresh them).
#   KEY.none          unencrypted, as ssh-keygen writes it
#   KEY.CIPHER        encrypted with `ssh-keygen -Z CIPHER`, passphrase in passphrase.txt
#   KEY.pub           the public key line (`ssh-keygen -y`), comment included
# Every encrypted file of one key holds the same key, so every one must read back to KEY.pub.
set -euo pipefail
cd "$(dirname "$0")"
pass=$(head -1 passphrase.txt)
rm -f ./*.none ./*.pub ./*@* ./*-ctr ./*-cbc
keys=(rsa2048:"-t rsa -b 2048" ecdsa256:"-t ecdsa -b 256" ecdsa384:"-t ecdsa -b 384" ecdsa521:"-t ecdsa -b 521" ed25519:"-t ed25519")
ciphers=(aes128-ctr aes192-ctr aes256-ctr aes128-cbc aes192-cbc aes256-cbc aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com 3des-cbc)
for entry in "${keys[@]}"; do
    name=${entry%%:*} args=${entry#*:}
    # shellcheck disable=SC2086
    ssh-keygen -q $args -N '' -C "golden-$name@keypipe" -f "$name.none"
    mv "$name.none.pub" "$name.pub"
    for c in "${ciphers[@]}"; do
        [[ $name != ed25519 && $c != aes256-ctr && $c != chacha20-poly1305@openssh.com && $c != aes256-gcm@openssh.com ]] && continue
        cp "$name.none" "$name.$c"
        ssh-keygen -q -p -N "$pass" -Z "$c" -f "$name.$c" >/dev/null
    done
done
cp ed25519.none ed25519.rounds100 && ssh-keygen -q -p -N "$pass" -a 100 -f ed25519.rounds100 >/dev/null
ssh -V 2>&1 | head -1 > VERSIONS
