#!/usr/bin/env bash
# End to end against a real sshd on 127.0.0.1: for RSA, ECDSA and Ed25519,
#   genkeycert -> pem2der -> sshpubfromcert (from the .cer) -> authorized_keys -> ssh -i KEY
#   the same key -> key2ppk -> plink -i KEY.ppk (v3 and v2, encrypted too)
#   a PPK made by puttygen -> ppk2key -> ssh -i
# and a key that is not in authorized_keys is refused (by ssh and by plink).
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
# shellcheck source=tests/sshd.sh
source "$tests_dir/sshd.sh"
cleanup() { stop_sshd; rm -rf "$work"; }

start_sshd "$work/sshd"
trap cleanup EXIT
printf 'e2e-passphrase\n' > pw.txt

for type in rsa ecdsa ed25519; do
    "$bin/genkeycert" --type "$type" --subject "CN=$type-vm" --keyout "$type.key" --out "$type.pem"
    "$bin/pem2der" "$type.pem" -o "$type.cer"
    "$bin/sshpubfromcert" "$type.cer" >> "$SSHD_AUTHORIZED_KEYS"
    check "$type: key is 0600" '[[ $(stat -c %a "$type.key") == 600 ]]'
    check "$type: ssh -i logs in" '[[ $(ssh_login "$type.key" "echo logged-in-$type") == "logged-in-$type" ]]'
    "$bin/key2ppk" "$type.key" -o "$type.ppk"
    check "$type: plink logs in with key2ppk's PPK v3" '[[ $(plink_login "$type.ppk" "echo plink-$type") == "plink-$type" ]]'
    "$bin/key2ppk" --ppk-param version=2 --passout file:pw.txt "$type.key" -o "$type.v2enc.ppk"
    # plink cannot take a key passphrase from a file: puttygen opens our encrypted PPK
    # with the passphrase and removes it, then plink logs in with the result.
    : > empty.txt
    puttygen "$type.v2enc.ppk" --old-passphrase pw.txt --new-passphrase empty.txt --reencrypt -o "$type.v2dec.ppk"
    check "$type: puttygen opens key2ppk's encrypted PPK v2, plink logs in" \
        '[[ $(plink_login "$type.v2dec.ppk" "echo v2") == v2 ]]'
done

# A PPK made by puttygen, converted back by ppk2key for ssh -i.
puttygen -q -t ed25519 -C from-puttygen -o putty.ppk --new-passphrase pw.txt
puttygen putty.ppk --old-passphrase pw.txt -O public-openssh >> "$SSHD_AUTHORIZED_KEYS"
"$bin/ppk2key" --passin file:pw.txt --no-encrypt putty.ppk -o putty.key  # ssh -i without a prompt
check "ppk2key output logs in with ssh -i" '[[ $(ssh_login putty.key "echo from-ppk") == "from-ppk" ]]'
"$bin/ppk2key" --passin file:pw.txt --passout file:pw.txt putty.ppk -o putty-enc.key
check "ppk2key encrypted output opens with ssh-keygen" 'ssh-keygen -y -P e2e-passphrase -f putty-enc.key | grep -q "^ssh-ed25519 "'

# The Azure recipe's Ed25519 PKCS#8 key, which OpenSSH cannot read: ppk2key fixes it.
openssl req -x509 -nodes -newkey ed25519 -keyout azure.key -out azure.pem -subj /CN=azure-vm 2>/dev/null
"$bin/sshpubfromcert" azure.pem >> "$SSHD_AUTHORIZED_KEYS"
check "ed25519 PKCS#8 from openssl req is refused by ssh as is" '! ssh_login azure.key true 2>/dev/null'
"$bin/ppk2key" azure.key -o azure-openssh.key
check "ed25519 PKCS#8 converted by ppk2key logs in" '[[ $(ssh_login azure-openssh.key "echo azure") == azure ]]'

# A key that is not in authorized_keys must be refused.
"$bin/genkeycert" --type ed25519 --keyout stranger.key --out stranger.pem
"$bin/key2ppk" stranger.key -o stranger.ppk
check "a key not in authorized_keys is refused by sshd (ssh)" '! ssh_login stranger.key true 2>/dev/null'
check "a key not in authorized_keys is refused by sshd (plink)" '! plink_login stranger.ppk true >/dev/null 2>&1'

finish
