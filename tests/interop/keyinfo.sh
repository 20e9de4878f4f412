#!/usr/bin/env bash
# keyinfo against the peers on every key, certificate and public-key file of the golden
# corpus: fingerprints equal ssh-keygen -l's, certificate subject, issuer, serial, dates and
# SAN equal openssl x509's, and every --json line parses with jq. Then the audit filters and
# their exit status, and sshpubfromcert's public-key forms against ssh-keygen -e / -i and
# puttygen.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
golden=$tests_dir/golden
corpus=()
for d in certs keys openssh ppk sshpub x509 ecexplicit prf pkcs12; do
    for f in "$golden/$d"/*; do
        case $f in *.sh | */VERSIONS | *.txt | *.fp* | *.thumbprint | *.src | *.pass* | *.authorized_keys) continue ;; esac
        corpus+=("$f")
    done
done
check "the corpus is there" '(( ${#corpus[@]} > 100 ))'

json_ok=0 fp_compared=0 cert_compared=0
for f in "${corpus[@]}"; do
    name=${f#"$golden/"}
    if ! "$bin/keyinfo" --json "$f" > info.json 2> err.txt; then
        # Inputs keyinfo refuses must be ones no peer reads either: none in this corpus.
        check "keyinfo reads $name" 'false'
        cat err.txt
        continue
    fi
    jq -e . info.json > /dev/null && json_ok=$((json_ok + 1)) || check "$name: JSON parses with jq" 'false'
    jq -r 'select(.fingerprint != null) | .fingerprint' info.json > ours.txt
    # ssh-keygen -l reads public-key files and the private keys whose public part is in clear.
    if ssh-keygen -l -f "$f" < /dev/null > theirs.txt 2> /dev/null; then
        fp_compared=$((fp_compared + 1))
        check "$name: fingerprints = ssh-keygen -l" 'awk "{print \$2}" theirs.txt | while read -r fp; do grep -qxF "$fp" ours.txt || exit 1; done'
    fi
    # Certificates: each field as openssl x509 prints it.
    n=$(jq -s '[.[] | select(.kind == "certificate")] | length' info.json)
    # (openssl 3 x509 detects DER input by itself)
    if [[ $n == 1 ]] && openssl x509 -in "$f" -noout 2> /dev/null; then
        cert_compared=$((cert_compared + 1))
        # One openssl run for the fields, in the order it prints them.
        openssl x509 -in "$f" -noout -nameopt oneline,-esc_msb -dateopt iso_8601 -subject -issuer -serial -startdate \
            -enddate -fingerprint -sha1 2> /dev/null | sed -e 's/^[^=]*=//' -e '/^[0-9A-F][0-9A-F]:[0-9A-F][0-9A-F]:/ s/://g' -e 's/^\(....-..-..\) /\1T/' > theirs-fields.txt
        k() { jq -r "select(.kind == \"certificate\") | $1" info.json; }
        k '.subject, .issuer, .serial, .not_before, .not_after, .thumbprint' > ours-fields.txt
        check "$name: subject, issuer, serial, dates, thumbprint = openssl" 'cmp -s ours-fields.txt theirs-fields.txt || diff ours-fields.txt theirs-fields.txt'
        # openssl prints IPv6 uncompressed ("IP Address:2001:DB8:0:0:0:0:0:1"); compare as addresses.
        theirs=$(openssl x509 -in "$f" -noout -ext subjectAltName 2> /dev/null | tail -n +2 | /usr/bin/python3 -c '
import ipaddress, sys
out = []
for e in sys.stdin.read().strip().split(", "):
    if not e: continue
    if e.startswith("IP Address:"): e = "IP:" + str(ipaddress.ip_address(e[11:]))
    out.append(e)
print("\n".join(out))' || true)
        check "$name: SAN = openssl" '[[ $(k ".san[]") == "$theirs" ]]'
        # The key's fingerprint through the peers' own pipeline (ssh-keygen reads no Ed25519 SPKI).
        if openssl x509 -in "$f" -noout -pubkey 2> /dev/null | ssh-keygen -i -m PKCS8 -f /dev/stdin > pub.txt 2> /dev/null; then
            check "$name: key fingerprint = openssl | ssh-keygen -i | -l" '[[ $(k .fingerprint) == $(ssh-keygen -l -f pub.txt | cut -d" " -f2) ]]'
        fi
    fi
done
check "every input's --json parsed ($json_ok)" '(( json_ok == ${#corpus[@]} ))'
check "fingerprints compared on many files ($fp_compared)" '(( fp_compared > 60 ))'
check "certificates compared on many files ($cert_compared)" '(( cert_compared > 15 ))'

# --hash md5 = ssh-keygen -E md5
check "--hash md5 = ssh-keygen -l -E md5" \
    '[[ $("$bin/keyinfo" --json --hash md5 "$golden/sshpub/rsa2048.pub" | jq -r .fingerprint) == $(ssh-keygen -l -E md5 -f "$golden/sshpub/rsa2048.pub" | cut -d" " -f2) ]]'
# An encrypted key is described without a passphrase, with its KDF and cost.
check "encrypted OpenSSH: cipher and bcrypt rounds, no passphrase asked" \
    '"$bin/keyinfo" "$golden/openssh/ed25519.aes256-ctr" < /dev/null | grep -q "encrypted: aes256-ctr, bcrypt 16 rounds"'
check "encrypted PKCS#8: PBKDF2 iterations" \
    '"$bin/keyinfo" --json "$golden/certs/p256.p8enc.pem" < /dev/null | jq -e ".encrypted and (.encryption | test(\"PBKDF2-HMAC-SHA256 2048 iterations\"))" > /dev/null'
check "PKCS#7: its certificates follow it" \
    '[[ $("$bin/keyinfo" --json "$golden/x509/bundle.p7b" | jq -r .kind | tr "\n" " ") == "PKCS#7 certificate certificate certificate " ]]'

# Audit: exit 3 when something matched, 0 when nothing did; only matches are listed.
mkdir audit
cp "$golden/x509/san.pem" "$golden/openssh/ed25519.none" "$golden/openssh/ed25519.aes256-ctr" audit/
echo "Host *" > audit/config
set +e
"$bin/keyinfo" -r audit --expires-within 36500 > exp.txt 2> err.txt; rc_exp=$?
"$bin/keyinfo" -r audit --expires-within 1 > none.txt 2> err2.txt; rc_none=$?
"$bin/keyinfo" -r audit --unencrypted --json > unenc.json 2> err3.txt; rc_unenc=$?
"$bin/keyinfo" -r audit > all.txt 2> err4.txt; rc_all=$?
"$bin/keyinfo" audit/config > /dev/null 2> err5.txt; rc_named=$?
set -e
check "--expires-within: the certificate, exit 3" '[[ $rc_exp == 3 && $(grep -c ": certificate" exp.txt) == 1 ]]'
check "--expires-within 1: nothing, exit 0" '[[ $rc_none == 0 && ! -s none.txt ]]'
check "--unencrypted: the clear key only, exit 3" '[[ $rc_unenc == 3 && $(jq -r .input unenc.json) == audit/ed25519.none ]]'
check "-r lists a file that holds no key instead of failing" '[[ $rc_all == 0 ]] && grep -q "^audit/config: unknown" all.txt'
check "a named file that holds no key is an error" '[[ $rc_named == 1 && $(wc -l < err5.txt) == 1 ]]'

# sshpubfromcert --format: ssh-keygen -e's bytes, and RFC 4716 that ssh-keygen -i and puttygen read back
for n in rsa2048 ecdsa256 ecdsa384 ecdsa521 ed25519; do
    pub=$golden/sshpub/$n.pub
    if [[ $n != ed25519 ]]; then  # ssh-keygen 9.2 exports no Ed25519 as PKCS8 or PEM
        check "sshpubfromcert --format pkcs8 $n = ssh-keygen -e -m PKCS8" '"$bin/sshpubfromcert" --format pkcs8 "$pub" | cmp -s - <(ssh-keygen -e -m PKCS8 -f "$pub")'
        check "sshpubfromcert --format pem $n = ssh-keygen -e -m PEM" '"$bin/sshpubfromcert" --format pem "$pub" | cmp -s - <(ssh-keygen -e -m PEM -f "$pub")'
    fi
    "$bin/sshpubfromcert" --format rfc4716 "$pub" > "$n.rfc"
    check "--format rfc4716 $n: ssh-keygen -i reads the same key" '[[ $(ssh-keygen -i -m RFC4716 -f "$n.rfc") == $(cut -d" " -f1,2 "$pub") ]]'
    check "--format rfc4716 $n: puttygen reads the key and its comment" '[[ $(puttygen "$n.rfc" -O public-openssh -o /dev/stdout) == $(cat "$pub") ]]'
    check "RFC 4716 by puttygen -> authorized_keys line" '[[ $("$bin/sshpubfromcert" "$golden/sshpub/$n.putty.rfc4716") == $(cat "$pub") ]]'
    check "--fingerprint on RFC 4716 = ssh-keygen -l of the .pub" '"$bin/sshpubfromcert" --fingerprint "$golden/sshpub/$n.putty.rfc4716" | cmp -s - "$golden/sshpub/$n.fp-sha256"'
done
for f in authorized_keys known_hosts.hashed; do
    check "sshpubfromcert --fingerprint $f = ssh-keygen -l" '"$bin/sshpubfromcert" --fingerprint "$golden/sshpub/$f" | tr -d "\r" | cmp -s - <(tr -d "\r" < "$golden/sshpub/$f.fp")'
done
check "sshpubfromcert on a PKCS#7 (PEM and DER) = on its certificates" \
    '[[ $("$bin/sshpubfromcert" "$golden/x509/bundle.p7b") == $(cat "$golden"/x509/{san,uid,v1}.pem | "$bin/sshpubfromcert") ]] && "$bin/sshpubfromcert" < "$golden/x509/bundle.p7b.der" | cmp -s - <("$bin/sshpubfromcert" "$golden/x509/bundle.p7b")'
check "sshpubfromcert reads an encrypted PPK's public part without a passphrase" \
    '[[ $("$bin/sshpubfromcert" "$golden/ppk/ecdsa256.v3enc-argon2id.ppk" < /dev/null) == $(puttygen "$golden/ppk/ecdsa256.v3enc-argon2id.ppk" -O public-openssh -o /dev/stdout) ]]'
install -m 600 "$golden/openssh/ed25519.none" id_test  # ssh-keygen -y wants a private mode
check "sshpubfromcert on an OpenSSH key = ssh-keygen -y" '[[ $("$bin/sshpubfromcert" id_test) == $(ssh-keygen -y -f id_test) ]]'
check "sshpubfromcert: RSA-PSS certificate is named" \
    '! "$bin/sshpubfromcert" "$golden/x509/pss.pem" 2> err.txt && grep -qx "sshpubfromcert: .*pss.pem: unsupported key type: RSA-PSS" err.txt'
check "sshpubfromcert: a BIT STRING name attribute works, thumbprint too" \
    '"$bin/sshpubfromcert" "$golden/x509/uid.pem" | grep -q " eid user$" && [[ $("$bin/sshpubfromcert" --thumbprint "$golden/x509/uid.pem") == $(openssl x509 -in "$golden/x509/uid.pem" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d :) ]]'
# PKCS#12 without its password: the MAC, the encryption of each part and the bags in the
# clear, as `openssl pkcs12 -info` shows them with the password (openssl-made, default
# OpenSSL 3 profile, -legacy, and variants).
p12=$golden/pkcs12
cat > p12cmp.py <<'PY'
import json, re, sys
ours = json.loads(open(sys.argv[1]).readline())
theirs = open(sys.argv[2]).read().splitlines()
def norm_ours(e):
    m = re.match(r'(.*), PBKDF2-HMAC-(\S+) (\d+) iterations$', e)
    if m: return 'PBES2 %s %s %s' % (m[1].replace('/', '-'), m[2], m[3])
    m = re.match(r'(.*), (\d+) iterations$', e)
    return '%s %s' % (m[1], m[2])
def norm_theirs(line):
    body = line.split(': ', 1)[1]
    m = re.match(r'PBES2, PBKDF2, (\S+), Iteration (\d+), PRF hmacWith(\S+)$', body)
    if m: return 'PBES2 %s %s %s' % (m[1], m[3], m[2])
    m = re.match(r'(\S+), Iteration (\d+)$', body)
    return '%s %s' % (m[1].replace('SHA1And', 'SHAAnd'), m[2])
kinds = {'encrypted safe (contents hidden)': 'safe', 'shrouded private key': 'shrouded', 'certificate': 'cert', 'private key': 'key'}
o = [kinds[p['content']] + (' ' + norm_ours(p['encryption']) if p['encryption'] else '') for p in ours['contents']]
t, hidden = [], False
for line in theirs:
    if line.startswith('PKCS7 Encrypted data:'): t.append('safe ' + norm_theirs(line)); hidden = True
    elif line == 'PKCS7 Data': hidden = False
    elif line.startswith('Shrouded Keybag:') and not hidden: t.append('shrouded ' + norm_theirs(line))
    elif line == 'Certificate bag' and not hidden: t.append('cert')
    elif line == 'Key bag' and not hidden: t.append('key')
mac = [re.match(r'MAC: (\S+), Iteration (\d+)', l) for l in theirs if l.startswith('MAC:')]
tm = 'HMAC-%s, %s iterations' % (mac[0][1].upper().replace('-', ''), mac[0][2]) if mac else 'none'
if o != t or ours['mac'] != tm:
    print('ours  ', ours['mac'], o); print('theirs', tm, t); sys.exit(1)
PY
printf 'p12-pass\n' > p12pass.txt
for v in default legacy sha512-iter3000 descert unencrypted nomac; do
    case $v in
        default) opts=() ;;
        legacy) opts=(-legacy) ;;
        sha512-iter3000) opts=(-macalg sha512 -iter 3000) ;;
        descert) opts=(-descert) ;;
        unencrypted) opts=(-keypbe NONE -certpbe NONE) ;;
        nomac) opts=(-keypbe NONE -certpbe NONE -nomac) ;;
    esac
    openssl pkcs12 -export "${opts[@]}" -inkey "$p12/rsa.key" -in "$p12/rsa.pem" -certfile "$p12/ca.pem" -passout file:p12pass.txt -out "$v.p12"
    "$bin/keyinfo" --json "$v.p12" < /dev/null > "$v.json"
    openssl pkcs12 -legacy -info -noout -in "$v.p12" -passin file:p12pass.txt > "$v.info" 2>&1 || true
    check "keyinfo $v.p12 (no password): MAC and each part's encryption = openssl pkcs12 -info" '/usr/bin/python3 p12cmp.py "$v.json" "$v.info"'
done
check "keyinfo on a default PFX: encrypted, key shrouded with PBES2" \
    'jq -e "select(.kind == \"PKCS#12\") | .encrypted and (.encryption == \"AES-256/CBC, PBKDF2-HMAC-SHA256 2048 iterations\")" default.json > /dev/null'
check "keyinfo on a -legacy PFX: RC2-40 and 3DES named" \
    '"$bin/keyinfo" legacy.p12 | grep -q "encrypted: pbeWithSHAAnd40BitRC2-CBC, 2048 iterations; pbeWithSHAAnd3-KeyTripleDES-CBC, 2048 iterations"'
check "keyinfo on an unencrypted PFX: certificates and key in the clear are described" \
    '[[ $(jq -s "map(.kind) | join(\",\")" unencrypted.json) == "\"PKCS#12,certificate,certificate,private key\"" ]]'
set +e; "$bin/keyinfo" --unencrypted unencrypted.p12 > /dev/null; rc1=$?; "$bin/keyinfo" --unencrypted default.p12 > /dev/null; rc2=$?; set -e
check "--unencrypted finds the key in the clear in a PFX, not the shrouded one" '[[ $rc1 == 3 && $rc2 == 0 ]]'

finish
