#!/usr/bin/env bash
# Comments from input data are one line of plain text wherever keypipe writes them:
# a certificate CN or an OpenSSH/PPK key comment holding a newline, CR or ESC gets each
# control character replaced by '?' in authorized_keys lines, fingerprint lines, PPK
# Comment: headers and OpenSSH private keys (which the peers then read back), and a
# -C/--comment given with control characters is a usage error.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

# A certificate whose CN smuggles a second authorized_keys line (and an ESC for the terminal).
/usr/bin/python3 - <<'EOF'
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
evil = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
    serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
for name, cn in [("newline-cn", "vm1\n" + evil + " evil"), ("esc-cn", "vm1\x1b]0;pwned\x07\r\x7f"),
                 ("c1-cn", "vm1\u009b31m\u202eevil\u2066x")]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn, _validate=False)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=2)).sign(key, hashes.SHA256()))
    open(name + ".pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    open(name + ".der", "wb").write(cert.public_bytes(serialization.Encoding.DER))
EOF
one_line() { [[ $(wc -l < "$1") == 1 ]] && ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1"; }

for form in pem der; do
    "$bin/sshpubfromcert" "newline-cn.$form" > ak.txt
    check "sshpubfromcert: a newline in the CN gives one line ($form)" 'one_line ak.txt && grep -q "^ssh-rsa [A-Za-z0-9+/=]* vm1?ssh-ed25519 AAAA[A-Za-z0-9+/=]* evil$" ak.txt'
    check "ssh-keygen reads it as one key ($form)" '[[ $(ssh-keygen -l -f ak.txt | wc -l) == 1 ]]'
    "$bin/sshpubfromcert" --fingerprint "newline-cn.$form" > fp.txt
    check "sshpubfromcert --fingerprint: one line ($form)" 'one_line fp.txt && grep -q "^2048 SHA256:[^ ]* vm1?ssh-ed25519 .* evil (RSA)$" fp.txt'
    "$bin/sshpubfromcert" "esc-cn.$form" > esc.txt
    check "sshpubfromcert: ESC, BEL, CR and DEL in the CN become '?' ($form)" 'one_line esc.txt && grep -q " vm1?\]0;pwned???$" esc.txt'
    "$bin/sshpubfromcert" "c1-cn.$form" > c1.txt
    check "sshpubfromcert: C1 CSI (U+009B) and bidi controls (U+202E, U+2066) in the CN become '?' ($form)" 'one_line c1.txt && grep -q " vm1?31m?evil?x$" c1.txt'
    "$bin/sshpubfromcert" --fingerprint --hash md5 "esc-cn.$form" > esc-fp.txt
    check "sshpubfromcert --fingerprint: ESC becomes '?' ($form)" 'one_line esc-fp.txt'
done

# An OpenSSH key whose comment holds a newline (ssh-keygen writes it as given).
ssh-keygen -q -t ed25519 -N '' -C $'alice\nssh-ed25519 AAAA evil' -f nl.key
"$bin/key2ppk" nl.key -o nl.ppk
check "key2ppk: PPK Comment: is one line" 'grep -qx "Comment: alice?ssh-ed25519 AAAA evil" nl.ppk && [[ $(grep -c . nl.ppk) == $(wc -l < nl.ppk) ]]'
check "puttygen reads that PPK back" 'puttygen -L nl.ppk > nl.pub && one_line nl.pub'
check "keypipe reads that PPK back" '"$bin/ppk2key" -y nl.ppk > nl2.pub && one_line nl2.pub && grep -q " alice?ssh-ed25519 AAAA evil$" nl2.pub'
"$bin/ppk2key" -y nl.key > nl3.pub
check "ppk2key -y: one line" 'one_line nl3.pub'
"$bin/ppk2key" nl.key -o nl-out.key
check "ppk2key: the OpenSSH key's comment is cleaned" '[[ $(ssh-keygen -y -f nl-out.key | cut -d" " -f3-) == "alice?ssh-ed25519 AAAA evil" ]]'

# -C / --comment with a control character: usage error, nothing written.
usage_error() {  # usage_error TOOL ARGS...: exit 2, one stderr line naming the problem, nothing written
    set +e; "$bin/$1" "${@:2}" > out.txt 2> err.txt; local rc=$?; set -e
    [[ $rc == 2 && ! -e c1.ppk && ! -s out.txt && $(wc -l < err.txt) == 1 ]] && grep -q "^$1: --comment must not contain control characters" err.txt
}
check "key2ppk -C with a C1 control (U+009B, a terminal's CSI) is a usage error" 'usage_error key2ppk -C $'"'"'x\xc2\x9by'"'"' nl.key -o c1.ppk'
check "ppk2key -C with a newline is a usage error" 'usage_error ppk2key -C $'"'"'x\ny'"'"' nl.key -o c1.ppk'
check "ppk2key -y -C with a CR is a usage error" 'usage_error ppk2key -y -C $'"'"'x\ry'"'"' nl.key'
check "sshpubfromcert --comment with an ESC is a usage error" 'usage_error sshpubfromcert --comment $'"'"'a\e[31m'"'"' esc-cn.pem'
"$bin/key2ppk" -C 'bob@vm1 ü' nl.key -o c3.ppk
check "a comment without control characters is kept, UTF-8 included" 'grep -qx "Comment: bob@vm1 ü" c3.ppk'
"$bin/key2ppk" -C $'bob\tvm1' nl.key -o c4.ppk
check "a TAB in a comment is kept (as ssh-keygen keeps it)" 'grep -qx $'"'"'Comment: bob\tvm1'"'"' c4.ppk && puttygen -O public-openssh c4.ppk -o /dev/stdout | grep -q $'"'"'bob\tvm1$'"'"''

# A TAB inside a key's own comment (ssh-keygen -C $'a\tb'): key2ppk keeps it and stays byte
# for byte what puttygen writes from the same OpenSSH key (v3 and v2); ppk2key gives it back
# to ssh-keygen, and the public-key paths print it as ssh-keygen does.
for t in ed25519 ecdsa rsa; do
    ssh-keygen -q -t "$t" -N '' -C $'a\tb' -f "tab-$t"
    puttygen "tab-$t" -O private -o "tab-$t.ref.ppk"
    puttygen "tab-$t" -O private --ppk-param version=2 -o "tab-$t.ref2.ppk"
    check "key2ppk of an OpenSSH $t key with a TAB in its comment = puttygen byte for byte" \
        '"$bin/key2ppk" "tab-$t" -o "tab-$t.ppk" && cmp -s "tab-$t.ppk" "tab-$t.ref.ppk" && grep -qx $'"'"'Comment: a\tb'"'"' "tab-$t.ppk"'
    check "key2ppk --ppk-param version=2 of it = puttygen v2 byte for byte" \
        '"$bin/key2ppk" --ppk-param version=2 "tab-$t" -o "tab-$t.v2.ppk" && cmp -s "tab-$t.v2.ppk" "tab-$t.ref2.ppk"'
    check "ppk2key of puttygen's PPK keeps the TAB for ssh-keygen ($t)" \
        '"$bin/ppk2key" "tab-$t.ref.ppk" -o "tab-$t.back" && [[ $(ssh-keygen -y -f "tab-$t.back") == "$(cat "tab-$t.pub")" ]]'
    check "ppk2key -y and sshpubfromcert keep the TAB as ssh-keygen does ($t)" \
        '[[ $("$bin/ppk2key" -y "tab-$t") == "$(cat "tab-$t.pub")" && $("$bin/sshpubfromcert" "tab-$t.pub") == "$(cat "tab-$t.pub")" ]]'
    check "--fingerprint of the .pub with a TAB comment = ssh-keygen -l ($t)" \
        '[[ $("$bin/sshpubfromcert" --fingerprint "tab-$t.pub") == "$(ssh-keygen -l -f "tab-$t.pub")" ]]'
done

finish
