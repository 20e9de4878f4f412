#!/usr/bin/env bash
# PKCS#12 (issue 13): key2pfx's output read back by openssl 3 (no -legacy), python3-
# cryptography, certtool and Java's keytool, for both profiles and RSA, ECDSA and Ed25519
# key+chain sets, with the same key and certificates; openssl -info's algorithm lines equal for ours and
# openssl's own; every peer-made .pfx of tests/golden/pkcs12 converted by ppk2key to the
# original key; the other readers (der2pem, pem2der, sshpubfromcert) on a .pfx; and
# key2pfx's CLI promises (gathering, -d, errors, no file left, 0600).
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=build/bin bash tests/interop/pkcs12.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
g=$tests_dir/golden/pkcs12
export PW=$(head -n1 "$g/password.txt")
py=/usr/bin/python3  # Debian's, with python3-cryptography

# The algorithm lines of openssl pkcs12 -info (MAC, encrypted data, key bag).
algorithms() { openssl pkcs12 -info -noout -in "$1" -passin env:PW 2>&1 | grep -E '^(MAC|PKCS7|Shrouded|Certificate bag)'; }
# python: "key-equal cert-equal number-of-additional-certs" for a pfx against KEY and CHAIN
py_check() {
    $py - "$@" <<'EOF'
import sys, os
from cryptography import x509
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.serialization import pkcs12
pfx, key, chain = sys.argv[1:4]
k, c, extra = pkcs12.load_key_and_certificates(open(pfx, 'rb').read(), os.environb[b'PW'])
orig = ser.load_pem_private_key(open(key, 'rb').read(), None)
der = lambda k: k.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
pem = open(chain, 'rb').read()
certs = [x509.load_pem_x509_certificate(b'-----BEGIN' + b) for b in pem.split(b'-----BEGIN')[1:]]
print(der(k) == der(orig), c == certs[0], [x.public_bytes(ser.Encoding.DER) for x in extra] == [x.public_bytes(ser.Encoding.DER) for x in certs[1:]])
EOF
}
# The PEM certificate blocks of a text, one after the other.
pem_certs() { sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p'; }

for k in rsa p256 ed25519; do
    for profile in default legacy; do
        flag=() && [[ $profile == legacy ]] && flag=(--legacy)
        out=$k.$profile.pfx
        "$bin/key2pfx" "${flag[@]}" --passout env:PW "$g/$k.key" "$g/$k.chain.pem" -o "$out"
        check "${k}_${profile}_mode_0600" '[[ $(stat -c %a "$out") == 600 ]]'
        ref=$g/$k.openssl-default.p12 && [[ $profile == legacy ]] && ref=$g/$k.openssl-3des.p12
        check "${k}_${profile}_openssl_info_algorithms_as_openssl" '[[ "$(algorithms "$out")" == "$(algorithms "$ref")" ]]'
        check "${k}_${profile}_openssl_key" '[[ "$(openssl pkcs12 -in "$out" -passin env:PW -nocerts -nodes 2>/dev/null | openssl pkey)" == "$(openssl pkey -in "$g/$k.key")" ]]'
        check "${k}_${profile}_openssl_chain_in_order" '[[ "$(openssl pkcs12 -in "$out" -passin env:PW -nokeys 2>/dev/null | pem_certs)" == "$(pem_certs < "$g/$k.chain.pem")" ]]'
        check "${k}_${profile}_python_reads" '[[ "$(py_check "$out" "$g/$k.key" "$g/$k.chain.pem")" == "True True True" ]]'
        check "${k}_${profile}_certtool_reads" '[[ "$(certtool --p12-info --inder --password "$PW" --infile "$out" 2>/dev/null | pem_certs)" == "$(pem_certs < "$g/$k.chain.pem")" ]]'
        check "${k}_${profile}_round_trip" '[[ "$("$bin/ppk2key" --format pkcs8 --no-encrypt --passin env:PW "$out")" == "$(cat "$g/$k.key")" ]]'
    done
done
check legacy_lines_are_3des_sha1 '[[ "$(algorithms rsa.legacy.pfx | head -n1)" == "MAC: sha1, Iteration 2048" ]] && algorithms rsa.legacy.pfx | grep -q "^Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048"'

# Every peer-made file converts to the original key.
for f in "$g"/*.p12 "$g"/*.b64; do
    name=$(basename "$f")
    [[ $name == ca.nokey.p12 ]] && continue
    k=${name%%.*}
    src=env:PW && [[ $name == *utf8-pass* ]] && src=file:$g/utf8-password.txt
    check "ppk2key_reads_$name" '[[ "$("$bin/ppk2key" --format pkcs8 --no-encrypt --passin "$src" "$f" 2>&1)" == "$(cat "$g/$k.key")" ]]'
done
check ppk2key_empty_password_not_asked '[[ "$("$bin/ppk2key" --format pkcs8 "$g/rsa.empty-pass.p12" < /dev/null 2>&1)" == "$(cat "$g/rsa.key")" ]]'
for f in rsa.p8-pbe-sha1-3des.pem p256.p8-pbe-sha1-2des.pem ed25519.p8-pbe-sha1-rc2-40.der p256.p8-certtool-3des-pkcs12.pem; do
    check "pkcs8_pkcs12_pbe_$f" '[[ "$("$bin/ppk2key" --format pkcs8 --no-encrypt --passin env:PW "$g/$f" 2>&1)" == "$(cat "$g/${f%%.*}.key")" ]]'
done

# Java's keytool (openjdk-17-jre-headless): its .pfx files convert to the key openssl reads
# from them (Java writes EC keys without the public key, so compare as openssl prints them),
# and it reads key2pfx's output of both profiles: one key entry with its chain, and the key
# copied out by -importkeystore is the original.
if need keytool; then
    for alg in RSA EC Ed25519; do
        keytool -genkeypair -alias vm -keyalg "$alg" -dname CN=vm -validity 30 -storetype PKCS12 \
            -keystore "keytool-$alg.p12" -storepass "$PW" -keypass "$PW" > /dev/null 2>&1
        check "ppk2key_reads_keytool_$alg" '[[ -s keytool-$alg.p12 && "$(openssl pkcs12 -in "keytool-$alg.p12" -nocerts -nodes -passin env:PW 2>/dev/null | openssl pkey -noout -text)" == "$("$bin/ppk2key" --format pkcs8 --no-encrypt --passin env:PW "keytool-$alg.p12" | openssl pkey -noout -text)" ]]'
    done
    for k in rsa p256 ed25519; do
        for profile in default legacy; do
            keytool -list -v -keystore "$k.$profile.pfx" -storetype PKCS12 -storepass "$PW" > list.txt 2>&1 || true
            check "keytool_lists_${k}_$profile" 'grep -qx "Entry type: PrivateKeyEntry" list.txt && grep -qx "Certificate chain length: 2" list.txt'
            rm -f copy.p12
            keytool -importkeystore -noprompt -srckeystore "$k.$profile.pfx" -srcstoretype PKCS12 -srcstorepass "$PW" \
                -destkeystore copy.p12 -deststoretype PKCS12 -deststorepass "$PW" > /dev/null 2>&1 || true
            check "keytool_copies_key_${k}_$profile" '[[ -s copy.p12 && "$(openssl pkcs12 -in copy.p12 -nocerts -nodes -passin env:PW 2>/dev/null | openssl pkey)" == "$(openssl pkey -in "$g/$k.key")" ]]'
        done
    done
else
    skip keytool "keytool is not installed (openjdk-17-jre-headless)"
fi

# The certificate readers see a .pfx's certificates.
check sshpubfromcert_pfx '[[ "$("$bin/sshpubfromcert" --passin env:PW "$g/p256.openssl-legacy.p12")" == "$("$bin/sshpubfromcert" "$g/p256.chain.pem")" ]]'
check der2pem_pfx_as_openssl_nodes '[[ "$("$bin/der2pem" --passin env:PW "$g/rsa.py-aes.p12")" == "$(cat "$g/rsa.chain.pem" "$g/rsa.key")" ]]'
"$bin/pem2der" --all --passin env:PW "$g/ed25519.certtool.p12" -d parts 2>/dev/null
check pem2der_all_pfx '[[ "$(openssl x509 -inform der -in parts/ed25519.certtool-1.cer)" == "$(cat "$g/ed25519.pem")" && $(stat -c %a parts/ed25519.certtool-2.der) == 600 ]]'
check pem2der_base64_pfx '"$bin/pem2der" --passin env:PW "$g/rsa.openssl-default.p12.b64" | cmp -s - <(openssl x509 -in "$g/rsa.pem" -outform der)'

# key2pfx's CLI promises.
cp "$g/rsa.key" "$g/rsa.pem" "$g/ca.pem" .
"$bin/key2pfx" --passout env:PW ca.pem rsa.pem rsa.key -o order.pfx
check matching_certificate_first '[[ "$(openssl pkcs12 -in order.pfx -passin env:PW -nokeys 2>/dev/null | pem_certs)" == "$(cat rsa.pem ca.pem | pem_certs)" ]]'
"$bin/key2pfx" --passout env:PW --name "web site" --iter 5000 rsa.key rsa.pem -o named.pfx
check name_and_iter 'openssl pkcs12 -info -in named.pfx -passin env:PW -nodes 2>&1 | grep -q "friendlyName: web site" && algorithms named.pfx | grep -q "^MAC: sha256, Iteration 5000"'
"$bin/genkeycert" --type ed25519 --subject CN=vm1 | "$bin/key2pfx" --passout env:PW > piped.pfx
check genkeycert_pipe '"$bin/sshpubfromcert" --passin env:PW piped.pfx | grep -q "^ssh-ed25519 .* vm1$"'
mkdir in && cat rsa.key rsa.pem > in/one.pem && "$bin/genkeycert" --type ecdsa > in/two.pem
"$bin/key2pfx" --passout env:PW -d outdir in/one.pem in/two.pem 2>/dev/null
check dash_d_one_pfx_per_input '[[ $(stat -c %a outdir/one.pfx) == 600 && -s outdir/two.pfx ]]'
set +e
"$bin/key2pfx" --passout env:PW rsa.key "$g/p256.pem" -o nomatch.pfx 2> err.txt; rc=$?
fp=$("$bin/ppk2key" -y rsa.key | ssh-keygen -lf - | cut -d' ' -f2)
check no_match_names_fingerprint '[[ $rc == 1 && ! -e nomatch.pfx ]] && grep -qx "key2pfx: no certificate matches the private key (key $fp)" err.txt'
"$bin/key2pfx" --passout env:PW rsa.pem -o nokey.pfx 2> err.txt; rc=$?
check no_key '[[ $rc == 1 && ! -e nokey.pfx ]] && grep -q "no private key found" err.txt'
"$bin/key2pfx" --passout env:PW rsa.key rsa.key rsa.pem -o two.pfx 2> err.txt; rc=$?
check two_keys_refused '[[ $rc == 1 && ! -e two.pfx ]] && grep -q "rsa.key: a second private key" err.txt'
"$bin/key2pfx" rsa.key rsa.pem -o nopass.pfx 2> err.txt; rc=$?
check passout_required '[[ $rc == 2 && ! -e nopass.pfx ]] && grep -q -- "--passout is required" err.txt'
"$bin/key2pfx" --passout env:PW -d bad in/one.pem rsa.key 2> err.txt; rc=$?
check dash_d_needs_key_and_cert '[[ $rc == 1 && -s bad/one.pfx && ! -e bad/rsa.pfx ]] && grep -q "rsa.key: no certificate (key" err.txt'
"$bin/key2pfx" --passout env:PW --passin env:PW "$g/rsa.openssl-legacy.p12" -o repack.pfx; rc=$?
set -e
check pfx_in_pfx_out '[[ $rc == 0 ]] && [[ "$(py_check repack.pfx "$g/rsa.key" "$g/rsa.chain.pem")" == "True True True" ]]'
finish
