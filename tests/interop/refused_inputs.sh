#!/usr/bin/env bash
# Inputs real tools make that keypipe used to refuse or misname (issue 12 §4), each made by
# the peer: byte-order marks (Notepad's UTF-8, PowerShell 5's UTF-16, made here by iconv),
# ssh.com and SSH-1 keys (puttygen), TRUSTED CERTIFICATE (openssl x509 -trustout), and CNs
# with leading, trailing or only blanks (openssl req), whose fingerprint line must be what
# ssh-keygen -l prints for the authorized_keys line sshpubfromcert writes.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
golden=$tests_dir/golden

# Byte-order marks: the same result as without
cert=$golden/certs/rsa2048.pem
{ printf '\xef\xbb\xbf'; cat "$cert"; } > bom8.pem
iconv -f UTF-8 -t UTF-16LE "$cert" | { printf '\xff\xfe'; cat; } > bom16le.pem
iconv -f UTF-8 -t UTF-16BE "$cert" | { printf '\xfe\xff'; cat; } > bom16be.pem
for f in bom8 bom16le bom16be; do
    check "pem2der $f = openssl x509 -outform der of the plain file" '"$bin/pem2der" "$f.pem" | cmp -s - "$golden/certs/rsa2048.der"'
    check "sshpubfromcert $f" '"$bin/sshpubfromcert" "$f.pem" | cmp -s - "$golden/certs/rsa2048.authorized_keys"'
    check "keyinfo $f" '"$bin/keyinfo" "$f.pem" | grep -q "certificate (X.509 v3, PEM)"'
done
check "openssl reads the UTF-8 BOM file too" 'openssl x509 -in bom8.pem -outform der | cmp -s - "$golden/certs/rsa2048.der"'
{ printf '\xef\xbb\xbf'; cat "$golden/keys/ecdsa256.p8.pem"; } > key-bom.pem
check "key2ppk reads a key with a UTF-8 BOM" '"$bin/key2ppk" key-bom.pem -o k.ppk && puttygen k.ppk -O public-openssh -o /dev/stdout | cut -d" " -f1,2 | cmp -s - <(cut -d" " -f1,2 "$golden/keys/ecdsa256.pub")'
printf '\xff\xfe\x41' > odd16.pem
set +e; "$bin/pem2der" odd16.pem > /dev/null 2> err.txt; rc=$?; set -e
check "cut UTF-16 is one clear error" '[[ $rc == 1 ]] && grep -q "UTF-16 text with an odd number of bytes" err.txt'

# Known formats keypipe does not read are named, not "not PEM or DER"
ssh-keygen -q -t rsa -b 2048 -N '' -C x -f rsa.key
puttygen rsa.key -O private-sshcom -o sshcom.key --new-passphrase /dev/null 2> /dev/null
puttygen -t rsa1 -b 2048 -O private -o ssh1.key --new-passphrase /dev/null 2> /dev/null
for t in key2ppk ppk2key pem2der keyinfo; do
    set +e; "$bin/$t" sshcom.key > /dev/null 2> err.txt; rc=$?; set -e
    check "$t names an ssh.com key" '[[ $rc == 1 ]] && grep -q "an ssh.com (SECSH) private key is not supported" err.txt'
    set +e; "$bin/$t" ssh1.key > /dev/null 2> err.txt; rc=$?; set -e
    check "$t names an SSH-1 key (puttygen -t rsa1)" '[[ $rc == 1 ]] && grep -q "an SSH-1 private key" err.txt'
done
if need dropbearkey; then
    for t in ed25519 rsa ecdsa; do
        dropbearkey -t $t -f dropbear-$t.key > /dev/null 2>&1
        for tool in key2ppk keyinfo; do
            set +e; "$bin/$tool" dropbear-$t.key > /dev/null 2> err.txt; rc=$?; set -e
            check "$tool names a dropbear $t key" '[[ -s dropbear-$t.key && $rc == 1 ]] && grep -q "a dropbear private key is not supported" err.txt'
        done
    done
else
    skip "dropbear keys" "dropbearkey is not installed (dropbear-bin)"
fi

# TRUSTED CERTIFICATE: pem2der writes the certificate alone, named .cer, as openssl x509 -outform der
openssl x509 -in "$cert" -trustout -addtrust serverAuth -out trusted.pem
check "pem2der TRUSTED CERTIFICATE = openssl x509 -outform der" '"$bin/pem2der" trusted.pem | cmp -s - <(openssl x509 -in trusted.pem -outform der)'
"$bin/pem2der" trusted.pem -d out 2> /dev/null
check "pem2der -d names it .cer" '[[ -f out/trusted.cer ]] && cmp -s out/trusted.cer "$golden/certs/rsa2048.der"'
check "der2pem keeps the trusted form it reads" \
    '"$bin/pem2der" --label "TRUSTED CERTIFICATE" trusted.pem > trusted.der && "$bin/der2pem" trusted.der | cmp -s - trusted.pem'

# CNs with blanks: --fingerprint = ssh-keygen -l of the line sshpubfromcert writes
i=0
for cn in ' lead' 'trail  ' '   ' 'in  side'; do
    i=$((i + 1))
    openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "cn$i.key" -subj "/CN=$cn" -out "cn$i.pem" 2> /dev/null
    "$bin/sshpubfromcert" "cn$i.pem" > "cn$i.pub"
    check "--fingerprint for CN '$cn' = ssh-keygen -l of its line" '"$bin/sshpubfromcert" --fingerprint "cn$i.pem" | cmp -s - <(ssh-keygen -l -f "cn$i.pub")'
done
# PBKDF2 with hmacWithSHA512-256 / -224 (openssl pkcs8 -v2prf) and PKCS#12 MACs with
# SHA-512/256 and SHA-512/224 (openssl pkcs12 -macalg): the first of each is read, the
# second refused by name (Botan 2 has no SHA-512/224), exit 1 and one line.
printf 'prf-pass\n' > prf.txt
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out prf.key 2> /dev/null
want=$(ssh-keygen -y -f prf.key | cut -d" " -f1,2)
openssl req -x509 -key prf.key -subj /CN=prf -out prf.crt 2> /dev/null
for v in 512-256 512-224; do
    openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf "hmacWithSHA$v" -in prf.key -passout file:prf.txt -out "prf-$v.p8"
    openssl pkcs12 -export -inkey prf.key -in prf.crt -passout file:prf.txt -macalg "sha$v" -out "prf-$v.p12"
done
for f in prf-512-256.p8 prf-512-256.p12; do
    check "key2ppk reads $f = ssh-keygen -y of the key" \
        '"$bin/key2ppk" --passin file:prf.txt "$f" -o "$f.ppk" && [[ $(puttygen -L "$f.ppk" | cut -d" " -f1,2) == "$want" ]]'
done
set +e; "$bin/key2ppk" --passin file:prf.txt prf-512-224.p8 -o prf224.ppk 2> err.txt; rc=$?; set -e
check "hmacWithSHA512-224 is refused by name" '[[ $rc == 1 && $(wc -l < err.txt) == 1 && ! -e prf224.ppk ]] && grep -q "unsupported PRF hmacWithSHA512-224" err.txt'
set +e; "$bin/key2ppk" --passin file:prf.txt prf-512-224.p12 -o prf224.ppk 2> err.txt; rc=$?; set -e
check "a PKCS#12 MAC with SHA-512/224 is refused by name" '[[ $rc == 1 && $(wc -l < err.txt) == 1 ]] && grep -q "unsupported PKCS#12 MAC digest SHA-512/224" err.txt'

finish
