#!/usr/bin/env bash
# Makes the PPK golden files with the real puttygen 0.78 (run from this folder; the
# files are committed). Sources are PKCS#1/SEC1 and OpenSSH keys that puttygen imports.
#   KEY.src            the source key (PEM or OpenSSH)
#   KEY.v2.ppk         puttygen KEY.src -O private --ppk-param version=2 (unencrypted)
#   KEY.v3.ppk         same, version 3
#   KEY.v2enc.ppk      encrypted with passphrase.txt, version 2
#   KEY.v3enc-FLAV.ppk encrypted, version 3, Argon2 flavour FLAV, passes=8
#   KEY.pub            `puttygen -L` of the source: the expected OpenSSH public key line
#   rsa-pq-swapped.*   an RSA key whose PKCS#1 file has p < q (puttygen writes max first)
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.ppk ./*.src ./*.pub
openssl genrsa -traditional -out rsa2048.src 2048 2>/dev/null
openssl ecparam -genkey -name prime256v1 -noout -out ecdsa256.src
openssl ecparam -genkey -name secp384r1 -noout -out ecdsa384.src
openssl ecparam -genkey -name secp521r1 -noout -out ecdsa521.src
ssh-keygen -q -t ed25519 -N '' -C 'golden-ed25519@keypipe' -f ed25519.src && rm ed25519.src.pub
# p < q: swap the primes (and the CRT values with them) in a PKCS#1 key.
/usr/bin/python3 - <<'PY'
import subprocess
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
k = serialization.load_pem_private_key(open('rsa2048.src', 'rb').read(), None)
n = k.private_numbers()
p, q = sorted([n.p, n.q])
swapped = rsa.RSAPrivateNumbers(p, q, n.d, n.d % (p - 1), n.d % (q - 1), pow(q, -1, p), n.public_numbers).private_key()
open('rsa-pq-swapped.src', 'wb').write(swapped.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
PY
for k in rsa2048 rsa-pq-swapped ecdsa256 ecdsa384 ecdsa521 ed25519; do
    puttygen "$k.src" -O private -o "$k.v2.ppk" --ppk-param version=2
    puttygen "$k.src" -O private -o "$k.v3.ppk" --ppk-param version=3
    puttygen "$k.src" -O private -o "$k.v2enc.ppk" --ppk-param version=2 --new-passphrase passphrase.txt
    for f in argon2id argon2i argon2d; do
        [[ $k != ed25519 && $f != argon2id ]] && continue
        puttygen "$k.src" -O private -o "$k.v3enc-$f.ppk" --new-passphrase passphrase.txt --ppk-param "kdf=$f,passes=8,memory=1024"
    done
    puttygen -L "$k.src" > "$k.pub"
done
puttygen --version | head -1 > VERSIONS
