#!/usr/bin/env bash
# Makes the private key corpus with the real openssl, ssh-keygen and puttygen (run from
# this folder; the files are committed). One base key per type, written in every format a
# user is likely to hold, plain and encrypted (passphrase.txt), so every file of TYPE must
# read back to TYPE.pub (the OpenSSH public key, from ssh-keygen -y or, for Ed25519 PKCS#8,
# from the OpenSSH copy).
#   TYPE.p8.pem  .p8.der            openssl pkey (PKCS#8)
#   TYPE.p8-aes256.pem  .p8-aes256.der   openssl pkcs8 -topk8 (PBES2, PBKDF2-SHA256, AES-256)
#   TYPE.p8-scrypt.pem              openssl pkcs8 -topk8 -scrypt
#   TYPE.p8-sha1-aes128.pem         -v2 aes-128-cbc -v2prf hmacWithSHA1 (PRF field omitted)
#   TYPE.p8-des3.pem                -v2 des3
#   TYPE.trad.pem  .trad.der        PKCS#1 / SEC1 (not for Ed25519)
#   TYPE.trad-aes256.pem  -aes128  -des3   legacy Proc-Type encryption
#   TYPE.ecparam.pem                EC PARAMETERS block before the key (ecparam -genkey style)
#   TYPE.openssh  .openssh-enc      ssh-keygen's own format, plain and aes256-ctr
#   TYPE.sshkeygen-pem-enc          ssh-keygen -p -m PEM (AES-128-CBC)
#   TYPE.putty.ppk  .putty-enc.ppk  puttygen v3, plain and encrypted
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./rsa* ./ecdsa* ./ed25519* VERSIONS
pw=$(head -1 passphrase.txt)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.p8.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ecdsa256.p8.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ecdsa384.p8.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out ecdsa521.p8.pem
openssl genpkey -algorithm ED25519 -out ed25519.p8.pem
for t in rsa ecdsa256 ecdsa384 ecdsa521 ed25519; do
    base=$t.p8.pem
    openssl pkcs8 -topk8 -nocrypt -in "$base" -outform der -out "$t.p8.der"
    openssl pkcs8 -topk8 -in "$base" -passout "pass:$pw" -out "$t.p8-aes256.pem"
    openssl asn1parse -in "$t.p8-aes256.pem" -out "$t.p8-aes256.der" -noout
    openssl pkcs8 -topk8 -scrypt -in "$base" -passout "pass:$pw" -out "$t.p8-scrypt.pem"
    openssl pkcs8 -topk8 -v2 aes-128-cbc -v2prf hmacWithSHA1 -in "$base" -passout "pass:$pw" -out "$t.p8-sha1-aes128.pem"
    openssl pkcs8 -topk8 -v2 des3 -in "$base" -passout "pass:$pw" -out "$t.p8-des3.pem"
    if [[ $t != ed25519 ]]; then
        openssl pkey -in "$base" -traditional -out "$t.trad.pem"
        openssl pkey -in "$base" -outform der -out "$t.trad.der"
        openssl pkey -in "$base" -traditional -aes256 -passout "pass:$pw" -out "$t.trad-aes256.pem"
        openssl pkey -in "$base" -traditional -aes128 -passout "pass:$pw" -out "$t.trad-aes128.pem"
        openssl pkey -in "$base" -traditional -des3 -passout "pass:$pw" -out "$t.trad-des3.pem"
        chmod 600 "$t.trad.pem"
        ssh-keygen -y -f "$t.trad.pem" > "$t.pub"
        cp "$t.trad.pem" "$t.openssh"
    else
        /usr/bin/python3 - "$base" <<'PY'
import sys
from cryptography.hazmat.primitives import serialization
k = serialization.load_pem_private_key(open(sys.argv[1], 'rb').read(), None)
open('ed25519.openssh', 'wb').write(k.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()))
PY
        chmod 600 ed25519.openssh
        ssh-keygen -y -f ed25519.openssh > ed25519.pub
    fi
    chmod 600 "$t.openssh"
    ssh-keygen -q -p -N '' -C '' -f "$t.openssh" >/dev/null          # re-save in OpenSSH format
    cp "$t.openssh" "$t.openssh-enc" && ssh-keygen -q -p -N "$pw" -f "$t.openssh-enc" >/dev/null
    if [[ $t != ed25519 ]]; then
        cp "$t.openssh" "$t.sshkeygen-pem-enc" && ssh-keygen -q -p -N "$pw" -m PEM -f "$t.sshkeygen-pem-enc" >/dev/null
    fi
    puttygen "$t.openssh" -O private -o "$t.putty.ppk"
    puttygen "$t.openssh" -O private -o "$t.putty-enc.ppk" --new-passphrase passphrase.txt
done
for c in prime256v1:ecdsa256 secp384r1:ecdsa384; do   # EC PARAMETERS block first
    { openssl ecparam -name "${c%%:*}"; cat "${c#*:}.trad.pem"; } > "${c#*:}.ecparam.pem"
done
{ openssl version; ssh -V 2>&1; puttygen --version | head -1; } > VERSIONS
