#!/usr/bin/env bash
# genkeycert --key: the certificate for a key the user already has (OpenSSH, PPK, encrypted
# PKCS#8), checked by the peers: the certificate's key is the input's (ssh-keygen -y /
# puttygen), openssl verify accepts it, --csr passes openssl req -verify, and IPv6 SAN entries
# read back as openssl writes them.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
keys=$tests_dir/golden/keys
pw=$keys/passphrase.txt

for t in rsa ecdsa256 ed25519; do
    for f in openssh putty.ppk openssh-enc putty-enc.ppk p8-aes256.pem p8-scrypt.pem; do
        key=$keys/$t.$f
        [[ -e $key ]] || { check "$t.$f exists" false; continue; }
        rm -f cert.pem req.csr
        set +e
        "$bin/genkeycert" --key "$key" --passin "file:$pw" --out cert.pem --csr req.csr --san DNS:vm1.example,IP:2001:db8::1 2> err.txt
        rc=$?
        set -e
        check "genkeycert --key $t.$f" '[[ $rc == 0 ]] || { cat err.txt; false; }'
        [[ $rc == 0 ]] || continue
        check "$t.$f: the certificate's key is the input's" '[[ $("$bin/sshpubfromcert" --comment "" cert.pem) == $(cut -d" " -f1,2 "$keys/$t.pub") ]]'
        check "$t.$f: openssl verify accepts it" 'openssl verify -CAfile cert.pem cert.pem > /dev/null 2>&1'
        check "$t.$f: openssl req -verify accepts the CSR" 'openssl req -in req.csr -verify -noout 2>&1 | grep -q "verify OK"'
        check "$t.$f: the CSR has the same key" '[[ $(openssl req -in req.csr -pubkey -noout) == $(openssl x509 -in cert.pem -pubkey -noout) ]]'
        check "$t.$f: IPv6 SAN as openssl writes it" 'openssl x509 -in cert.pem -noout -ext subjectAltName | grep -q "DNS:vm1.example, IP Address:2001:DB8:0:0:0:0:0:1"'
        check "$t.$f: no key written, nothing else" '[[ $(ls | sort | tr "\n" " ") == "cert.pem err.txt req.csr " ]]'
    done
done

# The subject defaults to the key's comment (OpenSSH and PPK keep one), else the host name.
"$bin/genkeycert" --key "$tests_dir/golden/openssh/ed25519.none" > c1.pem
check "subject defaults to CN=comment" '[[ $(openssl x509 -in c1.pem -noout -subject) == "subject=CN = golden-ed25519@keypipe" ]]'
"$bin/genkeycert" --key "$keys/rsa.p8.pem" > c2.pem
check "without a comment, CN=host name" '[[ $(openssl x509 -in c2.pem -noout -subject) == "subject=CN = $(hostname)" ]]'
"$bin/genkeycert" --key "$keys/rsa.p8.pem" --subject "CN=vm1,O=Example" --der --out c3.cer
check "--subject and --der with --key" '[[ $(openssl x509 -inform der -in c3.cer -noout -subject) == "subject=CN = vm1, O = Example" ]]'

# Refusals
set +e
"$bin/genkeycert" --key "$keys/rsa.p8-aes256.pem" --out w.pem < /dev/null 2> err1.txt; rc1=$?
"$bin/genkeycert" --key "$keys/rsa.p8-aes256.pem" --passin pass:wrong --out w.pem 2> err2.txt; rc2=$?
"$bin/genkeycert" --key "$keys/rsa.pub" --out w.pem 2> err3.txt; rc3=$?
"$bin/genkeycert" --key "$keys/rsa.p8.pem" --type ecdsa 2> err4.txt; rc4=$?
"$bin/genkeycert" --passin pass:x 2> err5.txt > /dev/null; rc5=$?
set -e
check "encrypted key, no passphrase source and no terminal: exit 1, one line" '[[ $rc1 == 1 && $(wc -l < err1.txt) == 1 && ! -e w.pem ]]'
check "wrong passphrase: exit 1, names the key file" '[[ $rc2 == 1 ]] && grep -q "rsa.p8-aes256.pem: .*passphrase" err2.txt && [[ ! -e w.pem ]]'
check "a public key is not a private key" '[[ $rc3 == 1 ]] && grep -q "not a private key" err3.txt'
check "--type with --key is a usage error" '[[ $rc4 == 2 ]] && grep -q -- "--type does not apply to --key" err4.txt'
check "--passin without --key is a usage error" '[[ $rc5 == 2 ]]'

# A new key with --csr: the request is for the new key
"$bin/genkeycert" --type ecdsa --keyout new.key --out new.pem --csr new.csr --subject CN=new
check "--csr with a new key: openssl req -verify, same key as the certificate" \
    'openssl req -in new.csr -verify -noout 2>&1 | grep -q "verify OK" && [[ $(openssl req -in new.csr -pubkey -noout) == $(openssl x509 -in new.pem -pubkey -noout) ]]'
finish
