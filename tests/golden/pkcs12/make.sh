#!/usr/bin/env bash
# Makes the PKCS#12 golden files with the real peers (run from anywhere; the files are
# committed): openssl 3, python3-cryptography and certtool (gnutls-bin). Password of every
# encrypted file: the first line of password.txt, except NAME.empty-pass.p12 (empty) and
# NAME.utf8-pass.p12 (utf8-password.txt). For each key NAME (rsa, p256, ed25519):
#   NAME.key                      the original key (PKCS#8 PEM, openssl)
#   NAME.pem / NAME.chain.pem     its certificate, signed by ca.pem / leaf + ca.pem
#   NAME.openssl-default.p12      openssl pkcs12 -export (PBES2 AES-256, HMAC-SHA256)
#   NAME.openssl-legacy.p12       -legacy (RC2-40 certificates, 3DES key, HMAC-SHA1)
#   NAME.openssl-3des.p12         -certpbe/-keypbe PBE-SHA1-3DES -macalg sha1: keypipe's --legacy
#   NAME.py-*.p12                 python-cryptography's encryption choices
#   NAME.certtool.p12             certtool --to-p12
# and variants of rsa listed below. VERSIONS records the tools' versions.
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.p12 ./*.pem ./*.key ./*.p8 ./*.der ./*.srl
pw=$(head -n1 password.txt)
upw=$(head -n1 utf8-password.txt)
legacy=(-provider legacy -provider default)
py=${PYTHON:-/usr/bin/python3}

openssl req -x509 -nodes -days 3650 -subj "/CN=keypipe golden CA" -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout ca.key -out ca.pem 2>/dev/null
for spec in "rsa rsa:2048" "p256 ec -pkeyopt ec_paramgen_curve:P-256" "ed25519 ed25519"; do
    set -- $spec
    name=$1
    shift
    openssl req -new -nodes -subj "/CN=vm-$name/O=keypipe golden" -newkey "$@" -keyout "$name.key" -out "$name.csr" 2>/dev/null
    openssl x509 -req -days 3650 -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$name.pem" 2>/dev/null
    rm -f "$name.csr"
    cat "$name.pem" ca.pem > "$name.chain.pem"
    exp() { openssl pkcs12 -export -inkey "$name.key" -in "$name.chain.pem" -passout "pass:$pw" "$@"; }
    exp -out "$name.openssl-default.p12"
    exp -legacy -out "$name.openssl-legacy.p12"
    exp -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 -out "$name.openssl-3des.p12"
    $py - "$name" "$pw" <<'EOF'
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization as ser
from cryptography.hazmat.primitives.serialization import pkcs12
name, pw = sys.argv[1], sys.argv[2].encode()
key = ser.load_pem_private_key(open(name + '.key', 'rb').read(), None)
certs = [x509.load_pem_x509_certificate(open(f, 'rb').read()) for f in (name + '.pem', 'ca.pem')]
def enc(alg, mac):
    return ser.PrivateFormat.PKCS12.encryption_builder().key_cert_algorithm(alg).kdf_rounds(2048).hmac_hash(mac).build(pw)
for suffix, e in [('py-best', ser.BestAvailableEncryption(pw)),
                  ('py-3des', enc(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC, hashes.SHA1())),
                  ('py-aes', enc(pkcs12.PBES.PBESv2SHA256AndAES256CBC, hashes.SHA256()))]:
    data = pkcs12.serialize_key_and_certificates(b'vm-' + name.encode(), key, certs[0], certs[1:], e)
    open(f'{name}.{suffix}.p12', 'wb').write(data)
EOF
    certtool --to-p12 --load-privkey "$name.key" --load-certificate "$name.pem" --p12-name "vm-$name" \
        --password "$pw" --outder --outfile "$name.certtool.p12" 2>/dev/null
done

# Variants of the RSA set.
exp() { openssl pkcs12 -export -inkey rsa.key -in rsa.chain.pem "$@"; }
exp -passout "pass:$pw" -name "vm-rsa friendly" -out rsa.openssl-name.p12
exp -passout "pass:$pw" -macalg sha512 -out rsa.openssl-sha512.p12
exp -passout "pass:$pw" -descert -out rsa.openssl-descert.p12
exp -passout "pass:$pw" -keypbe AES-128-CBC -certpbe PBE-SHA1-2DES -out rsa.openssl-aes128-2des.p12
exp -passout "pass:$pw" -keypbe PBE-SHA1-RC2-128 -certpbe PBE-SHA1-RC2-128 "${legacy[@]}" -out rsa.openssl-rc2-128.p12
exp -passout "pass:$pw" -iter 100000 -out rsa.openssl-iter100k.p12
exp -passout "pass:" -out rsa.empty-pass.p12
exp -passout "pass:$upw" -out rsa.utf8-pass.p12
exp -passout "pass:$pw" -keypbe NONE -certpbe NONE -out rsa.openssl-unencrypted.p12
exp -passout "pass:$pw" -keypbe NONE -certpbe NONE -nomac -out rsa.openssl-nomac.p12
openssl pkcs12 -export -inkey rsa.key -in rsa.pem -certfile ca.pem -passout "pass:$pw" -out rsa.openssl-certfile.p12
openssl pkcs12 -export -nokeys -in ca.pem -passout "pass:$pw" -out ca.nokey.p12
base64 -w 76 rsa.openssl-default.p12 > rsa.openssl-default.p12.b64   # as Azure's APIs return a PFX
certtool --to-p12 --load-privkey rsa.key --load-certificate rsa.pem --p12-name vm-rsa --password "$pw" \
    --pkcs-cipher 3des-pkcs12 --outder --outfile rsa.certtool-3des.p12 2>/dev/null

# PKCS#8 encrypted with the PKCS#12 PBEs (PBES1 of openssl -v1).
openssl pkcs8 -topk8 -in rsa.key -v1 PBE-SHA1-3DES -passout "pass:$pw" -out rsa.p8-pbe-sha1-3des.pem
openssl pkcs8 -topk8 -in p256.key -v1 PBE-SHA1-2DES -passout "pass:$pw" -out p256.p8-pbe-sha1-2des.pem
openssl pkcs8 -topk8 -in ed25519.key -v1 PBE-SHA1-RC2-40 "${legacy[@]}" -passout "pass:$pw" -outform der \
    -out ed25519.p8-pbe-sha1-rc2-40.der
certtool --to-p8 --load-privkey p256.key --password "$pw" --pkcs-cipher 3des-pkcs12 \
    --outfile p256.p8-certtool-3des-pkcs12.pem 2>/dev/null
rm -f ca.key ./*.srl

{
    openssl version
    $py -c 'import cryptography; print("python3-cryptography", cryptography.__version__)'
    certtool --version | head -n1
} > VERSIONS
