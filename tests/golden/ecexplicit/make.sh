#!/usr/bin/env bash
# EC keys, public keys, parameters and certificates with EXPLICIT curve parameters (SEC1
# §C.2) instead of a named-curve OID, as openssl writes them with -param_enc explicit
# (run from this folder; the files are committed). keypipe maps parameters equal to a
# supported curve to that curve, as ssh-keygen does, so every file of TYPE reads back to
# TYPE.pub (ssh-keygen -y of the explicit SEC1 key: ssh-keygen maps it too) and converts to
# exactly what TYPE.named.pem (the same key with the curve OID) converts to.
#   TYPE.named.pem         openssl genpkey: the key, PKCS#8 with the curve OID
#   TYPE.sec1.pem          openssl ec -param_enc explicit: SEC1 "EC PRIVATE KEY", explicit [0]
#   TYPE.p8.pem  .p8.der   openssl pkcs8 -topk8 -nocrypt of it: explicit AlgorithmIdentifier
#   TYPE.p8-enc.pem        openssl pkcs8 -topk8 -v2 aes-256-cbc of it (passphrase.txt)
#   TYPE.spki.pem          openssl ec -param_enc explicit -pubout: SPKI "PUBLIC KEY"
#   TYPE.crt.pem  .crt.der openssl req -x509 -key TYPE.sec1.pem: the certificate's SPKI keeps
#                          the explicit parameters
#   TYPE.params.der .params.pem  openssl ecparam -param_enc explicit: bare "EC PARAMETERS"
#   TYPE.ecparam.pem       openssl ecparam -param_enc explicit -genkey: EC PARAMETERS block,
#                          then a key of its own; TYPE.ecparam.pub is its ssh-keygen -y
#   p256.compressed.pem    openssl ec -param_enc explicit -conv_form compressed: generator and
#                          public key as compressed points
#   brainpoolP256r1.sec1.pem  explicit parameters of a curve SSH has no name for: refused
#                          "unsupported curve: brainpoolP256r1 (explicit parameters; ...)"
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./p256* ./p384* ./p521* ./brainpool* VERSIONS
pw=$(head -1 passphrase.txt)
for c in p256:P-256:prime256v1 p384:P-384:secp384r1 p521:P-521:secp521r1; do
    IFS=: read -r t curve name <<< "$c"
    openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$curve" -out "$t.named.pem"
    openssl ec -in "$t.named.pem" -param_enc explicit -out "$t.sec1.pem" 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -in "$t.sec1.pem" -out "$t.p8.pem"
    openssl pkcs8 -topk8 -nocrypt -in "$t.sec1.pem" -outform der -out "$t.p8.der"
    openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$t.sec1.pem" -passout "pass:$pw" -out "$t.p8-enc.pem"
    openssl ec -in "$t.sec1.pem" -param_enc explicit -pubout -out "$t.spki.pem" 2>/dev/null
    openssl req -x509 -key "$t.sec1.pem" -subj "/CN=explicit $curve" -days 36500 -out "$t.crt.pem"
    openssl x509 -in "$t.crt.pem" -outform der -out "$t.crt.der"
    openssl ecparam -name "$name" -param_enc explicit -outform der -out "$t.params.der"
    openssl ecparam -name "$name" -param_enc explicit -out "$t.params.pem"
    openssl ecparam -name "$name" -param_enc explicit -genkey -out "$t.ecparam.pem"
    chmod 600 ./*.pem
    ssh-keygen -y -f "$t.sec1.pem" > "$t.pub"
    ssh-keygen -y -f "$t.ecparam.pem" > "$t.ecparam.pub"
done
openssl ec -in p256.named.pem -param_enc explicit -conv_form compressed -out p256.compressed.pem 2>/dev/null
openssl ecparam -name brainpoolP256r1 -param_enc explicit -genkey -noout -out brainpoolP256r1.sec1.pem
chmod 600 ./*.pem
{ openssl version; ssh -V 2>&1; } > VERSIONS
