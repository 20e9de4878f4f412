#!/usr/bin/env bash
# Encrypted keys whose PBKDF2 PRF or PKCS#12 MAC uses the rarer SHA-2 variants, as openssl
# writes them (run from this folder; the files are committed). Passphrase: passphrase.txt.
#   key.pem                     openssl genpkey P-256 (PKCS#8); key.pub is its ssh-keygen -y
#   key.p8-PRF.pem              openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf PRF, for hmacWithSHA224,
#                               hmacWithSHA384, hmacWithSHA512, hmacWithSHA512-256 (read) and
#                               hmacWithSHA512-224 (refused: Botan 2 has no SHA-512/224)
#   cert.pem                    openssl req -x509 for key.pem
#   key.mac-DIGEST.p12          openssl pkcs12 -export -macalg DIGEST, for sha512-256 (read) and
#                               sha512-224 (refused by name)
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./key* ./cert* VERSIONS
pw=$(head -1 passphrase.txt)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem
ssh-keygen -y -f key.pem > key.pub
for prf in hmacWithSHA224 hmacWithSHA384 hmacWithSHA512 hmacWithSHA512-224 hmacWithSHA512-256; do
    openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf "$prf" -in key.pem -passout "pass:$pw" -out "key.p8-$prf.pem"
done
openssl req -x509 -key key.pem -subj /CN=prf -days 36500 -out cert.pem
for digest in sha512-224 sha512-256; do
    openssl pkcs12 -export -inkey key.pem -in cert.pem -passout "pass:$pw" -macalg "$digest" -out "key.mac-$digest.p12"
done
chmod 600 key*
{ openssl version; ssh -V 2>&1; } > VERSIONS
