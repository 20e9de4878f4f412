#!/usr/bin/env bash
# Makes the certificate golden files with the real openssl and ssh-keygen (run from this
# folder; the files are committed). For each NAME:
#   NAME.pem / NAME.der        the object as openssl writes it (PEM, and DER via openssl)
#   NAME.authorized_keys       the expected sshpubfromcert line:
#                                RSA/EC: openssl x509 -pubkey | ssh-keygen -i -m PKCS8, plus the CN
#                                Ed25519: ssh-keygen -y of the same key converted to OpenSSH
#                                by python3-cryptography (ssh-keygen 9.2 reads neither
#                                Ed25519 SPKI nor PKCS#8), plus the CN
#   NAME.fp-sha256 / .fp-md5   ssh-keygen -l [-E md5] of that line
#   NAME.thumbprint            openssl x509 -fingerprint -sha1, colons removed
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.pem ./*.der ./*.authorized_keys ./*.fp-* ./*.thumbprint ./*.key ./*.txt
days=3650
mk() {  # mk NAME CN NEWKEY-ARGS...
    local name=$1 cn=$2
    shift 2
    openssl req -x509 -nodes -days "$days" -subj "/CN=$cn/O=keypipe golden" -keyout "$name.key" -out "$name.pem" "$@" 2>/dev/null
    openssl x509 -in "$name.pem" -outform der -out "$name.der"
    openssl x509 -in "$name.pem" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d : > "$name.thumbprint"
}
mk rsa2048 vm-rsa -newkey rsa:2048
mk rsa3072 vm-rsa3072 -newkey rsa:3072
mk p256 vm-p256 -newkey ec -pkeyopt ec_paramgen_curve:P-256
mk p384 vm-p384 -newkey ec -pkeyopt ec_paramgen_curve:P-384
mk p521 vm-p521 -newkey ec -pkeyopt ec_paramgen_curve:P-521
mk ed25519 vm-ed25519 -newkey ed25519
# No CN: the comment is the whole subject.
openssl req -x509 -nodes -days "$days" -subj "/O=No CN Inc/C=US" -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout nocn.key -out nocn.pem 2>/dev/null
openssl x509 -in nocn.pem -outform der -out nocn.der
openssl x509 -in nocn.pem -noout -fingerprint -sha1 | cut -d= -f2 | tr -d : > nocn.thumbprint
# A v1 certificate (openssl x509 -req without extensions).
openssl req -new -key rsa2048.key -subj /CN=v1-cert -out v1.csr.pem
openssl x509 -req -in v1.csr.pem -signkey rsa2048.key -days "$days" -out v1.pem 2>/dev/null
openssl x509 -in v1.pem -outform der -out v1.der
openssl x509 -in v1.pem -noout -fingerprint -sha1 | cut -d= -f2 | tr -d : > v1.thumbprint
openssl req -in v1.csr.pem -outform der -out v1.csr.der
# Other objects for der2pem's label detection.
openssl pkey -in rsa2048.key -pubout -out rsa2048.pub.pem
openssl pkey -in rsa2048.key -pubout -outform der -out rsa2048.pub.der
openssl rsa -in rsa2048.key -RSAPublicKey_out -out rsa2048.rsapub.pem 2>/dev/null
openssl rsa -in rsa2048.key -RSAPublicKey_out -outform der -out rsa2048.rsapub.der 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in rsa2048.key -outform der -out rsa2048.p8.der
openssl pkcs8 -topk8 -nocrypt -in ed25519.key -outform der -out ed25519.p8.der
openssl pkcs8 -topk8 -in p256.key -passout pass:golden -out p256.p8enc.pem
openssl asn1parse -in p256.p8enc.pem -out p256.p8enc.der -noout  # same salt: the DER of that PEM
openssl pkey -in rsa2048.key -traditional -out rsa2048.pkcs1.pem
openssl pkey -in rsa2048.key -traditional -outform der -out rsa2048.pkcs1.der
openssl pkey -in p384.key -traditional -out p384.sec1.pem
openssl pkey -in p384.key -traditional -outform der -out p384.sec1.der
openssl ca -gencrl -help >/dev/null 2>&1 || true
# A CRL via a minimal CA configuration.
mkdir -p ca && : > ca/index.txt && echo 01 > ca/crlnumber
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=ca/index.txt\ncrlnumber=ca/crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n' > ca/ca.cnf
openssl ca -config ca/ca.cnf -gencrl -keyfile rsa2048.key -cert rsa2048.pem -out crl.pem 2>/dev/null
openssl crl -in crl.pem -outform der -out crl.der
rm -rf ca
# Expected authorized_keys lines and fingerprints.
for name in rsa2048 rsa3072 p256 p384 p521 ed25519 nocn v1; do
    pem=$name.pem key=$name.key
    [[ $name == v1 ]] && key=rsa2048.key
    subject_cn=$(openssl x509 -in "$pem" -noout -subject -nameopt sep_comma_plus,utf8 | sed 's/^subject=//')
    case $subject_cn in *CN=*) comment=${subject_cn#*CN=}; comment=${comment%%,*};; *) comment=$(openssl x509 -in "$pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//' | awk -F, '{for(i=NF;i>0;i--) printf "%s%s", $i, (i>1?",":"")}');; esac
    if [[ $name == ed25519 ]]; then
        blob=$(/usr/bin/python3 -c '
import sys
from cryptography.hazmat.primitives import serialization
k = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
print(k.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode())' "$key")
    else
        blob=$(openssl x509 -in "$pem" -pubkey -noout | ssh-keygen -i -m PKCS8 -f /dev/stdin)
    fi
    echo "$blob $comment" > "$name.authorized_keys"
    ssh-keygen -l -f "$name.authorized_keys" > "$name.fp-sha256"
    ssh-keygen -l -E md5 -f "$name.authorized_keys" > "$name.fp-md5"
done
# A bundle: text around blocks, a key between certificates, CRLF line ends.
{ echo "Bag Attributes: something"; cat rsa2048.pem; echo "subject=junk"; cat p256.key; cat ed25519.pem; echo trailing; } > bundle.pem
sed 's/$/\r/' bundle.pem > bundle-crlf.pem
cat rsa2048.authorized_keys ed25519.authorized_keys > bundle.authorized_keys
{ openssl version; ssh -V 2>&1; } > VERSIONS
