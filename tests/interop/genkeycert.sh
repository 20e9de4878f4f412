#!/usr/bin/env bash
# genkeycert read by the peers: for every type and key format, openssl x509 -text shows
# what openssl req -x509 writes (v3, subject, SHA-256 / ED25519 signature, CA:TRUE,
# subject and authority key identifiers, 128-bit positive serial, validity = --days),
# openssl verify accepts it, ssh-keygen -y reads the key (but OpenSSH 9.2 cannot read
# Ed25519 PKCS#8), and the output file rules hold.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
printf 'gen-passphrase\n' > pw.txt

for spec in rsa: rsa:3072 ecdsa: ecdsa:384 ecdsa:521 ed25519:; do
    type=${spec%%:*} bits=${spec#*:}
    for format in openssh pkcs8 pkcs1; do
        [[ $type == ed25519 && $format == pkcs1 ]] && continue
        id=$type${bits:+-$bits}-$format
        args=(--type "$type" --key-format "$format" --subject "CN=$id,O=Example,C=US" --days 30 --keyout "$id.key" --out "$id.pem")
        [[ -n $bits ]] && args+=(--bits "$bits")
        "$bin/genkeycert" "${args[@]}"
        text=$(openssl x509 -in "$id.pem" -noout -text)
        check "$id: v3" 'grep -q "Version: 3 (0x2)" <<<"$text"'
        check "$id: subject" 'grep -q "Subject: CN = $id, O = Example, C = US" <<<"$text"'
        check "$id: issuer = subject" 'grep -q "Issuer: CN = $id, O = Example, C = US" <<<"$text"'
        if [[ $type == ed25519 ]]; then want=ED25519; elif [[ $type == rsa ]]; then want=sha256WithRSAEncryption; else want=ecdsa-with-SHA256; fi
        check "$id: signature $want" 'grep -q "Signature Algorithm: $want" <<<"$text"'
        check "$id: CA:TRUE critical, no pathlen" 'grep -A1 "Basic Constraints: critical" <<<"$text" | grep -qx " *CA:TRUE"'
        check "$id: key identifiers" 'grep -q "Subject Key Identifier" <<<"$text" && grep -q "Authority Key Identifier" <<<"$text"'
        serial=$(openssl x509 -in "$id.pem" -noout -serial | cut -d= -f2)
        check "$id: 128-bit positive serial" '[[ ${#serial} == 32 ]]'
        start=$(date -d "$(openssl x509 -in "$id.pem" -noout -startdate | cut -d= -f2)" +%s)
        end=$(date -d "$(openssl x509 -in "$id.pem" -noout -enddate | cut -d= -f2)" +%s)
        check "$id: 30 days" '[[ $((end - start)) == $((30 * 86400)) ]]'
        check "$id: openssl verify" 'openssl verify -CAfile "$id.pem" "$id.pem" >/dev/null'
        check "$id: key 0600" '[[ $(stat -c %a "$id.key") == 600 ]]'
        check "$id: openssl reads the key and it matches" '[[ $(openssl x509 -in "$id.pem" -noout -pubkey) == $( [[ $format == openssh ]] && "$bin/ppk2key" --format pkcs8 "$id.key" | openssl pkey -pubout || openssl pkey -in "$id.key" -pubout) ]]'
        if [[ $type == ed25519 && $format == pkcs8 ]]; then
            check "$id: OpenSSH 9.2 cannot read Ed25519 PKCS#8 (the reason openssh is the default)" '! ssh-keygen -y -f "$id.key" >/dev/null 2>&1'
        else
            check "$id: ssh-keygen -y reads the key" '[[ $(ssh-keygen -y -f "$id.key" | cut -d" " -f1-2) == $("$bin/sshpubfromcert" "$id.pem" | cut -d" " -f1-2) ]]'
        fi
        [[ $bits == "" && $format == openssh ]] && check "$id: puttygen reads the key" 'puttygen -L "$id.key" >/dev/null'
        [[ $format == pkcs8 ]] && check "$id: PKCS#8 PEM label" 'head -1 "$id.key" | grep -qx -- "-----BEGIN PRIVATE KEY-----"'
    done
done

# Encrypted keys: each format opens in its peer with the passphrase.
"$bin/genkeycert" --keyout enc-openssh.key --passout file:pw.txt --out enc.pem
check "--passout openssh: ssh-keygen -y -P" 'ssh-keygen -y -P gen-passphrase -f enc-openssh.key >/dev/null'
"$bin/genkeycert" --type ecdsa --key-format pkcs8 --keyout enc-p8.key --passout file:pw.txt --out enc2.pem
check "--passout pkcs8: openssl pkey -passin" 'openssl pkey -in enc-p8.key -passin pass:gen-passphrase -noout && head -1 enc-p8.key | grep -q "ENCRYPTED PRIVATE KEY"'
"$bin/genkeycert" --key-format pkcs1 --keyout enc-p1.key --passout file:pw.txt --out enc3.pem
check "--passout pkcs1: legacy PEM that openssl, ssh-keygen and puttygen open" \
    'openssl pkey -in enc-p1.key -passin pass:gen-passphrase -noout && ssh-keygen -y -P gen-passphrase -f enc-p1.key >/dev/null && puttygen -L enc-p1.key --old-passphrase pw.txt >/dev/null'

# DER certificate, SAN, stdout stream, default subject, file rules.
"$bin/genkeycert" --type ed25519 --keyout d.key --der --out d.cer
check "--der writes DER" 'openssl x509 -inform der -in d.cer -noout'
"$bin/genkeycert" --type ecdsa --san DNS:vm1.example.com,IP:10.0.0.4 --keyout s.key --out s.pem
check "--san" 'openssl x509 -in s.pem -noout -ext subjectAltName | grep -q "DNS:vm1.example.com, IP Address:10.0.0.4"'
"$bin/genkeycert" --subject /CN=slash/O=Form --keyout sl.key --out sl.pem
check "/CN=.../O=... subject form" 'openssl x509 -in sl.pem -noout -subject | grep -q "CN = slash, O = Form"'
"$bin/genkeycert" --type ed25519 > stream.pem
check "no --keyout/--out: key then certificate on stdout" '[[ $(grep -c BEGIN stream.pem) == 2 ]] && head -1 stream.pem | grep -q "OPENSSH PRIVATE KEY" && "$bin/sshpubfromcert" stream.pem | grep -q "^ssh-ed25519 .* $(hostname)$"'
echo original > exists.key
set +e; "$bin/genkeycert" --keyout exists.key --out new.pem 2> err.txt; rc=$?; set -e
check "an existing key file is not replaced" '[[ $rc == 1 && $(cat exists.key) == original && ! -e new.pem ]] && grep -q "file exists" err.txt'
"$bin/genkeycert" -f --keyout exists.key --out new.pem
check "-f replaces it" 'grep -q "OPENSSH PRIVATE KEY" exists.key'
# Half a pair is never left behind: what can fail is checked before the key is generated,
# and a certificate that cannot be written takes the key file back.
set +e; "$bin/genkeycert" --type ed25519 --keyout half.key --out /nonexistent-dir/c.pem 2> err.txt; rc=$?; set -e
check "missing --out folder: exit 1, no key left" '[[ $rc == 1 && ! -e half.key && $(wc -l < err.txt) == 1 ]] && grep -q "^genkeycert: /nonexistent-dir/c.pem: .*does not exist" err.txt'
set +e; "$bin/genkeycert" --type ed25519 --keyout same.pem --out same.pem 2> err.txt; rc=$?; set -e
check "--keyout and --out the same file: usage error, nothing written" '[[ $rc == 2 && ! -e same.pem ]] && grep -q "same file" err.txt'
set +e; "$bin/genkeycert" --type ed25519 --keyout same2.pem --out ./same2.pem 2> err.txt; rc=$?; set -e
check "--keyout X --out ./X is the same file too" '[[ $rc == 2 && ! -e same2.pem ]]'
echo original > exists.pem
set +e; "$bin/genkeycert" --type ed25519 --keyout fresh.key --out exists.pem 2> err.txt; rc=$?; set -e
check "an existing certificate file: no key written" '[[ $rc == 1 && ! -e fresh.key && $(cat exists.pem) == original ]] && grep -q "file exists" err.txt'
mkdir ro-dir && chmod 555 ro-dir
if [[ $(id -u) != 0 ]]; then
    set +e; "$bin/genkeycert" --type ed25519 --keyout ro.key --out ro-dir/c.pem 2> err.txt; rc=$?; set -e
    check "unwritable --out folder: no key left" '[[ $rc == 1 && ! -e ro.key ]]'
fi
if need script; then
    script -qec "$bin/genkeycert --type ed25519 --out tty-cert.pem" /dev/null > tty.txt 2>&1 || true
    check "key to a terminal: refused, hint names --keyout, no certificate left" \
        '[[ ! -e tty-cert.pem ]] && grep -q "refusing to write a private key to a terminal (use --keyout FILE" tty.txt && ! grep -q -- "-o FILE" tty.txt && ! grep -q "BEGIN" tty.txt'
else
    skip "key to a terminal" "no script(1) (bsdutils) to give the tool a terminal"
fi
"$bin/genkeycert" --type ed25519 --keyout /dev/null --out dev-null.pem 2> err.txt || true
check "--keyout /dev/null is written to, as other tools write to devices" '[[ -s dev-null.pem && -c /dev/null ]]'
set +e; "$bin/genkeycert" --type ed25519 --keyout /dev/null --out /dev/null 2> err.txt; rc=$?; set -e
check "--keyout /dev/null --out /dev/null is not 'the same file'" '[[ $rc == 0 && -c /dev/null ]]'
if [[ -c /dev/full ]]; then
    set +e; "$bin/genkeycert" --type ed25519 --keyout rollback.key --out /dev/full 2> err.txt; rc=$?; set -e
    check "certificate write fails after the key file was written: the key file is removed" \
        '[[ $rc == 1 && ! -e rollback.key && -z $(find . -name ".keypipe-*") ]] && grep -q "^genkeycert: /dev/full: write failed" err.txt'
fi
mkfifo key.fifo
(timeout 10 cat key.fifo > from-fifo.key &)
"$bin/genkeycert" --type ed25519 --keyout key.fifo --out fifo.pem 2> err.txt || true
sleep 0.2
check "--keyout FIFO is written to" '[[ -p key.fifo ]] && grep -q "OPENSSH PRIVATE KEY" from-fifo.key'
for bad in "--type dsa" "--bits 1024" "--type ecdsa --bits 300" "--type ed25519 --key-format pkcs1" "--days 0" "--subject CN" "--san FTP:x" "--der"; do
    set +e; read -ra a <<<"$bad"; "$bin/genkeycert" "${a[@]}" > /dev/null 2> err.txt; rc=$?; set -e
    check "usage error: $bad" '[[ $rc == 2 && $(wc -l < err.txt) == 1 ]]'
done

finish
