#!/usr/bin/env bash
# pem2der, der2pem and sshpubfromcert against openssl and ssh-keygen: the golden files of
# tests/golden/certs (made by make.sh there) and the live peers on the same inputs.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
golden=$tests_dir/golden/certs

certs=(rsa2048 rsa3072 p256 p384 p521 ed25519 nocn v1)

# pem2der: the block's bytes, as openssl x509 -outform der / pkcs8 -topk8 -nocrypt -outform der
for n in "${certs[@]}"; do
    check "pem2der $n = golden" '"$bin/pem2der" "$golden/$n.pem" | cmp -s - "$golden/$n.der"'
    check "pem2der $n = live openssl" '"$bin/pem2der" "$golden/$n.pem" | cmp -s - <(openssl x509 -in "$golden/$n.pem" -outform der)'
    check "pem2der | der2pem $n = original" '"$bin/pem2der" "$golden/$n.pem" | "$bin/der2pem" | cmp -s - "$golden/$n.pem"'
done
for n in rsa2048 p256 p384 p521 ed25519; do
    check "pem2der PRIVATE KEY $n = openssl pkcs8 -topk8 -nocrypt" \
        '"$bin/pem2der" --label "PRIVATE KEY" "$golden/$n.key" | cmp -s - <(openssl pkcs8 -topk8 -nocrypt -in "$golden/$n.key" -outform der)'
done
check "pem2der finds the certificate after a key" '"$bin/pem2der" "$golden/bundle.pem" | cmp -s - "$golden/rsa2048.der"'
check "pem2der on a CRLF bundle" '"$bin/pem2der" "$golden/bundle-crlf.pem" | cmp -s - "$golden/rsa2048.der"'
"$bin/pem2der" --all "$golden/bundle.pem" -d all 2>/dev/null
check "pem2der --all -d: one file per block" '[[ $(ls all | wc -l) == 3 ]] && cmp -s all/bundle-1.cer "$golden/rsa2048.der" && cmp -s all/bundle-3.cer "$golden/ed25519.der" && [[ $(stat -c %a all/bundle-2.der) == 600 ]]'

# pem2der on what has no DER form: a clear line, not "N bytes after the DER element"
keys=$tests_dir/golden/keys
for f in ecdsa256.openssh:"an OpenSSH private key is not DER (use ppk2key to convert it)" \
         ecdsa256.trad-aes128.pem:"an encrypted legacy PEM key (Proc-Type header) has no DER form (use ppk2key --format pkcs8 --der" \
         ecdsa256.sshkeygen-pem-enc:"Proc-Type header"; do
    name=${f%%:*} want=${f#*:}
    for opt in "" --all; do
        set +e; "$bin/pem2der" $opt "$keys/$name" -o nodr.der 2> err.txt; rc=$?; set -e
        check "pem2der $opt $name: says why there is no DER" '[[ $rc == 1 && ! -e nodr.der && $(wc -l < err.txt) == 1 ]] && grep -qF "$want" err.txt'
    done
done
set +e; "$bin/der2pem" "$keys/ecdsa256.openssh" 2> err.txt; rc=$?; set -e
check "der2pem on an OpenSSH key: the same message" '[[ $rc == 1 ]] && grep -qF "an OpenSSH private key is not DER (use ppk2key to convert it)" err.txt'

# der2pem: the label from the structure, openssl's exact PEM
pairs=(rsa2048.der:rsa2048.pem ed25519.der:ed25519.pem v1.der:v1.pem rsa2048.pub.der:rsa2048.pub.pem
       rsa2048.rsapub.der:rsa2048.rsapub.pem rsa2048.p8.der:rsa2048.key ed25519.p8.der:ed25519.key
       p256.p8enc.der:p256.p8enc.pem rsa2048.pkcs1.der:rsa2048.pkcs1.pem p384.sec1.der:p384.sec1.pem
       v1.csr.der:v1.csr.pem crl.der:crl.pem)
for pair in "${pairs[@]}"; do
    der=${pair%%:*} pem=${pair#*:}
    check "der2pem $der = $pem" '"$bin/der2pem" "$golden/$der" | cmp -s - "$golden/$pem"'
done
"$bin/der2pem" "$golden/rsa2048.p8.der" -o key.pem
check "der2pem private output is 0600" '[[ $(stat -c %a key.pem) == 600 ]]'
(umask 022; "$bin/der2pem" --label CERTIFICATE "$golden/rsa2048.p8.der" -o relabelled.pem)
check "der2pem --label CERTIFICATE on a key: still private (0600)" '[[ $(stat -c %a relabelled.pem) == 600 ]]'
"$bin/pem2der" --label "PRIVATE KEY" "$golden/rsa2048.key" | "$bin/der2pem" | sed 's/PRIVATE KEY/CERTIFICATE/' > mislabelled.pem
(umask 022; "$bin/der2pem" mislabelled.pem -o mislabelled-out.pem; "$bin/pem2der" --all mislabelled.pem -o mislabelled.der)
check "a key in a block labelled CERTIFICATE: der2pem and pem2der output still private" \
    '[[ $(stat -c %a mislabelled-out.pem) == 600 && $(stat -c %a mislabelled.der) == 600 ]]'
if need script; then
    script -qec "$bin/der2pem --label KEY $golden/rsa2048.p8.der" /dev/null > tty.txt 2>&1 || true
    check "der2pem --label KEY: a key is not printed to a terminal" 'grep -q "refusing to write a private key to a terminal" tty.txt && ! grep -q "BEGIN" tty.txt'
else
    skip "der2pem --label KEY: a key is not printed to a terminal" "no script(1) (bsdutils) to give the tool a terminal"
fi

# Several DER certificates in one file (cat a.der b.der): one object each, not a
# TRUSTED CERTIFICATE; a real -trustout certificate (with its X509_CERT_AUX) still is one.
cat "$golden/rsa2048.der" "$golden/ed25519.der" "$golden/p256.der" > three.der
"$bin/der2pem" three.der > three.pem
check "der2pem on concatenated DER: one PEM block each, = openssl x509 -inform der of each" \
    'cmp -s three.pem <(for n in rsa2048 ed25519 p256; do openssl x509 -inform der -in "$golden/$n.der"; done)'
check "sshpubfromcert on concatenated DER: one line each" \
    'cmp -s <("$bin/sshpubfromcert" < three.der) <(cat "$golden/rsa2048.authorized_keys" "$golden/ed25519.authorized_keys" "$golden/p256.authorized_keys")'
"$bin/der2pem" -d three-dir three.der
check "der2pem -d on concatenated DER: one file per certificate, as pem2der --all" \
    '[[ $(ls three-dir | wc -l) == 3 ]] && cmp -s three-dir/three-2.pem "$golden/ed25519.pem" && cmp -s three-dir/three-3.pem "$golden/p256.pem"'
cat "$golden/rsa2048.der" "$golden/rsa2048.p8.der" > cert-and-key.der
(umask 022; "$bin/der2pem" cert-and-key.der -o cert-and-key.pem)
check "concatenated certificate and key: both blocks, the output private" \
    '[[ $(grep -c BEGIN cert-and-key.pem) == 2 && $(stat -c %a cert-and-key.pem) == 600 ]] && grep -q "BEGIN PRIVATE KEY" cert-and-key.pem'
openssl x509 -in "$golden/rsa2048.pem" -addtrust serverAuth -setalias vm1 -trustout -out trusted.pem
sed '1d;$d' trusted.pem | base64 -d > trusted.der
check "der2pem on a certificate + X509_CERT_AUX: TRUSTED CERTIFICATE, = openssl -trustout" '"$bin/der2pem" trusted.der | cmp -s - trusted.pem'
check "der2pem on a TRUSTED CERTIFICATE block gives it back" '"$bin/der2pem" trusted.pem | cmp -s - trusted.pem'
check "pem2der on a TRUSTED CERTIFICATE block: the certificate alone, = openssl x509 -outform der" \
    '"$bin/pem2der" trusted.pem | cmp -s - <(openssl x509 -in trusted.pem -outform der)'
check "pem2der --label \"TRUSTED CERTIFICATE\": its payload, certificate and trust data" \
    '"$bin/pem2der" --label "TRUSTED CERTIFICATE" trusted.pem | cmp -s - trusted.der'
# der2pem numbers the objects of a file with -d; two inputs whose numbered outputs meet
# are not allowed to overwrite each other, even with -f
cp "$golden/p256.der" three-1.der
set +e; "$bin/der2pem" -j 1 -f three.der three-1.der -d numbered 2> err.txt; rc=$?; set -e
check "der2pem -d: numbered outputs of two inputs never overwrite each other" \
    '[[ $rc == 1 ]] && grep -q "numbered/three-1.pem: is also an output of three.der in this run" err.txt && cmp -s numbered/three-1.pem "$golden/rsa2048.pem"'
(cat "$golden/rsa2048.der"; printf '\x30\x03\x02\x01') > truncated-second.der
set +e; "$bin/der2pem" truncated-second.der > out.txt 2> err.txt; rc=$?; set -e
check "a truncated second element is still refused" '[[ $rc == 1 && ! -s out.txt ]] && grep -q "bytes after the DER element" err.txt'

# sshpubfromcert: the line the cloud agent writes, fingerprints and thumbprints
for n in "${certs[@]}"; do
    check "sshpubfromcert $n (PEM)" '"$bin/sshpubfromcert" "$golden/$n.pem" | cmp -s - "$golden/$n.authorized_keys"'
    check "sshpubfromcert $n (DER)" '"$bin/sshpubfromcert" < "$golden/$n.der" | cmp -s - "$golden/$n.authorized_keys"'
    check "sshpubfromcert --fingerprint $n" '"$bin/sshpubfromcert" --fingerprint "$golden/$n.pem" | cmp -s - "$golden/$n.fp-sha256"'
    check "sshpubfromcert --fingerprint --hash md5 $n" '"$bin/sshpubfromcert" --fingerprint --hash md5 "$golden/$n.der" | cmp -s - "$golden/$n.fp-md5"'
    check "sshpubfromcert --thumbprint $n" '[[ $("$bin/sshpubfromcert" --thumbprint "$golden/$n.der") == $(cat "$golden/$n.thumbprint") ]]'
done
for n in rsa2048 p256 p384 p521; do  # the pipeline sshpubfromcert replaces, live
    check "sshpubfromcert $n = live openssl | ssh-keygen -i" \
        '[[ $("$bin/sshpubfromcert" --comment "" "$golden/$n.pem") == $(openssl x509 -in "$golden/$n.pem" -pubkey -noout | ssh-keygen -i -m PKCS8 -f /dev/stdin) ]]'
done
check "sshpubfromcert on a bundle skips the key" '"$bin/sshpubfromcert" "$golden/bundle.pem" | cmp -s - "$golden/bundle.authorized_keys"'
check "sshpubfromcert on a CRLF bundle" '"$bin/sshpubfromcert" "$golden/bundle-crlf.pem" | cmp -s - "$golden/bundle.authorized_keys"'
check "sshpubfromcert on several files" '"$bin/sshpubfromcert" "$golden/rsa2048.der" "$golden/ed25519.pem" 2>/dev/null | cmp -s - "$golden/bundle.authorized_keys"'
check "sshpubfromcert --comment" '[[ $("$bin/sshpubfromcert" --comment admin@vm "$golden/p256.der" | cut -d" " -f3) == admin@vm ]]'
check "sshpubfromcert on a PUBLIC KEY block" '[[ $("$bin/sshpubfromcert" "$golden/rsa2048.pub.pem") == $(cut -d" " -f1-2 "$golden/rsa2048.authorized_keys") ]]'

# what sshpubfromcert refuses
openssl req -x509 -nodes -newkey dsa:<(openssl dsaparam 1024 2>/dev/null) -keyout /dev/null -out dsa.pem -subj /CN=dsa 2>/dev/null
openssl req -x509 -nodes -newkey ed448 -keyout /dev/null -out ed448.pem -subj /CN=ed448 2>/dev/null
openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:secp256k1 -keyout /dev/null -out k1.pem -subj /CN=k1 2>/dev/null
for f in dsa:"unsupported key type: DSA" ed448:"unsupported key type: Ed448" k1:"unsupported curve: secp256k1"; do
    name=${f%%:*} want=${f#*:}
    set +e; "$bin/sshpubfromcert" "$name.pem" > out.txt 2> err.txt; rc=$?; set -e
    check "sshpubfromcert refuses $name" '[[ $rc == 1 && ! -s out.txt && $(wc -l < err.txt) == 1 ]] && grep -q "$want" err.txt'
done
set +e; "$bin/sshpubfromcert" "$golden/p256.key" 2> err.txt; rc=$?; set -e
check "sshpubfromcert on a private key only" '[[ $rc == 1 ]] && grep -q "no certificate or public key found" err.txt'

finish
