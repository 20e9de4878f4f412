#!/usr/bin/env bash
# key2ppk and ppk2key over the private key corpus of tests/golden/keys (every format
# openssl, ssh-keygen and puttygen write, plain and encrypted), read back by the peers:
#   key2ppk  -> puttygen -L gives the expected public key; encrypted PPKs open in puttygen;
#               byte-identical to puttygen's own PPK for every input puttygen can read
#   ppk2key  -> ssh-keygen -y (openssh), openssl pkey (pkcs8, traditional, PEM and DER),
#               encrypted outputs open with the passphrase
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
corpus=$tests_dir/golden/keys
pw=$corpus/passphrase.txt
printf 'new-passphrase\n' > new.txt
two() { cut -d' ' -f1-2; }

# The peers' view of each key type, once per type (not once for each of its ~17 files).
declare -A spki_of
for f in "$corpus"/*.p8.pem; do
    type=$(basename "$f" .p8.pem)
    spki_of[$type]=$(openssl pkey -in "$f" -pubout)
    openssl pkcs8 -topk8 -nocrypt -in "$f" -outform der > "$type.openssl.p8der"
done

for f in "$corpus"/*; do
    name=$(basename "$f")
    case $name in *.pub | make.sh | passphrase.txt | VERSIONS) continue ;; esac
    type=${name%%.*}
    want=$(two < "$corpus/$type.pub")
    spki=${spki_of[$type]}

    # Plain outputs here (--no-encrypt): these checks are about the key; an encrypted input's
    # encryption is kept by default, which tests/interop/folders.sh checks in the peers.
    check "ppk2key -y $name" '[[ $("$bin/ppk2key" -y --passin "file:$pw" "$f" | two) == "$want" ]]'

    "$bin/key2ppk" --passin "file:$pw" "$f" -o "$name.ppk"
    check "key2ppk $name: puttygen reads it" '[[ $(puttygen -L "$name.ppk" | two) == "$want" && $(stat -c %a "$name.ppk") == 600 ]]'

    "$bin/ppk2key" --passin "file:$pw" --no-encrypt "$f" -o "$name.key"
    check "ppk2key $name: ssh-keygen reads it" '[[ $(ssh-keygen -y -f "$name.key" | two) == "$want" ]]'

    "$bin/ppk2key" --format pkcs8 --passin "file:$pw" --no-encrypt "$f" -o "$name.p8"
    check "ppk2key --format pkcs8 $name: openssl reads it" '[[ $(openssl pkey -in "$name.p8" -pubout) == "$spki" ]]'
    "$bin/ppk2key" --format pkcs8 --der --passin "file:$pw" --no-encrypt "$f" -o "$name.p8der"
    check "ppk2key --format pkcs8 --der $name = openssl pkcs8 -topk8 -nocrypt -outform der" \
        'cmp -s "$name.p8der" "$type.openssl.p8der"'
    if [[ $type != ed25519 ]]; then
        "$bin/ppk2key" --format traditional --passin "file:$pw" --no-encrypt "$f" -o "$name.trad"
        check "ppk2key --format traditional $name = openssl pkey -traditional" 'cmp -s "$name.trad" "$corpus/$type.trad.pem"'
        "$bin/ppk2key" --format traditional --der --passin "file:$pw" --no-encrypt "$f" -o "$name.tradder"
        check "ppk2key --format traditional --der $name = openssl pkey -outform der" 'cmp -s "$name.tradder" "$corpus/$type.trad.der"'
    fi
done

# Encrypted outputs open in the peers with the new passphrase.
for type in rsa ecdsa384 ed25519; do
    src=$corpus/$type.p8.pem want=$(two < "$corpus/$type.pub")
    "$bin/key2ppk" --passout file:new.txt "$src" -o "$type.v3enc.ppk"
    check "key2ppk --passout $type (v3): puttygen opens it" '[[ $(puttygen -L "$type.v3enc.ppk" --old-passphrase new.txt | two) == "$want" ]]'
    check "key2ppk --passout $type (v3): Argon2id like puttygen" 'grep -qx "Key-Derivation: Argon2id" "$type.v3enc.ppk" && grep -qx "Argon2-Memory: 8192" "$type.v3enc.ppk"'
    "$bin/key2ppk" --passout file:new.txt --ppk-param version=2 "$src" -o "$type.v2enc.ppk"
    check "key2ppk --passout $type (v2): puttygen opens it" '[[ $(puttygen -L "$type.v2enc.ppk" --old-passphrase new.txt | two) == "$want" ]]'
    "$bin/key2ppk" --passout file:new.txt --ppk-param kdf=argon2i,passes=3,memory=4096,parallelism=2 "$src" -o "$type.v3i.ppk"
    check "key2ppk --ppk-param argon2i $type: puttygen opens it" '[[ $(puttygen -L "$type.v3i.ppk" --old-passphrase new.txt | two) == "$want" ]]'
    "$bin/ppk2key" --passout file:new.txt "$src" -o "$type.enc.key"
    check "ppk2key --passout $type: ssh-keygen opens it" '[[ $(ssh-keygen -y -P new-passphrase -f "$type.enc.key" | two) == "$want" ]] && grep -q "^b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0" "$type.enc.key"'
    "$bin/ppk2key" --format pkcs8 --passout file:new.txt "$src" -o "$type.enc.p8"
    check "ppk2key --format pkcs8 --passout $type: openssl opens it" '[[ $(openssl pkey -in "$type.enc.p8" -passin pass:new-passphrase -pubout) == $(openssl pkey -in "$src" -pubout) ]]'
    if [[ $type != ed25519 ]]; then
        "$bin/ppk2key" --format traditional --passout file:new.txt "$src" -o "$type.enc.trad"
        check "ppk2key --format traditional --passout $type: openssl and puttygen open it" \
            'openssl pkey -in "$type.enc.trad" -passin pass:new-passphrase -noout && [[ $(puttygen -L "$type.enc.trad" --old-passphrase new.txt | two) == "$want" ]]'
    fi
done

# Byte-identical to puttygen's unencrypted PPK for every input puttygen itself reads.
for f in "$corpus"/*.trad.pem "$corpus"/*.openssh "$corpus"/*.trad-aes128.pem "$corpus"/*.trad-des3.pem "$corpus"/*.sshkeygen-pem-enc "$corpus"/*.putty-enc.ppk; do
    name=$(basename "$f")
    for v in 2 3; do
        reencrypt=()
        [[ $name == *.ppk ]] && reencrypt=(--reencrypt)  # puttygen refuses a same-format "conversion" otherwise
        puttygen "$f" --old-passphrase "$pw" --new-passphrase /dev/null "${reencrypt[@]}" -O private -o "ref-$name-$v.ppk" --ppk-param "version=$v"
        "$bin/key2ppk" --passin "file:$pw" --no-encrypt --ppk-param "version=$v" "$f" -o "ours-$name-$v.ppk"  # as --new-passphrase /dev/null
        check "key2ppk $name v$v = puttygen byte for byte" 'cmp -s "ours-$name-$v.ppk" "ref-$name-$v.ppk"'
    done
done

# puttygen's own OpenSSH exports, unencrypted: padded to 16 bytes where ssh-keygen pads
# to 8 (formats.md §4.5). Read back, converted on, and byte-identical PPKs again.
for type in rsa ecdsa256 ecdsa384 ecdsa521 ed25519; do
    want=$(two < "$corpus/$type.pub")
    exp=$type.puttygen-export
    puttygen "$corpus/$type.putty.ppk" -O private-openssh-new -o "$exp"
    check "ppk2key -y on puttygen's OpenSSH export ($type)" '[[ $("$bin/ppk2key" -y "$exp" | two) == "$want" ]]'
    check "ppk2key on puttygen's OpenSSH export ($type): ssh-keygen reads it" \
        '"$bin/ppk2key" "$exp" -o "$exp.key" && [[ $(ssh-keygen -y -f "$exp.key" | two) == "$want" ]]'
    puttygen "$exp" -O private -o "ref-$exp.ppk"
    check "key2ppk on puttygen's OpenSSH export ($type) = puttygen byte for byte" \
        '"$bin/key2ppk" "$exp" -o "ours-$exp.ppk" && cmp -s "ours-$exp.ppk" "ref-$exp.ppk"'
done

# -y on an encrypted PPK: the public blob and comment are stored in clear, so no passphrase
# (none given, stdin not a terminal) and the same line as puttygen -O public-openssh, which
# ends an empty comment with a blank where ssh-keygen -y and keypipe do not.
for f in "$corpus"/*.putty-enc.ppk "$tests_dir"/golden/ppk/*enc*.ppk; do
    name=$(basename "$f")
    check "ppk2key -y $name without a passphrase = puttygen -O public-openssh" \
        '[[ $("$bin/ppk2key" -y "$f" < /dev/null 2>&1) == $(puttygen "$f" -O public-openssh < /dev/null | sed "s/ *\$//") ]]'
done

# Wrong passphrases: one clear line, exit 1, nothing written.
printf 'wrong\n' > wrong.txt
for name in rsa.p8-aes256.pem ecdsa256.trad-aes256.pem ed25519.openssh-enc rsa.putty-enc.ppk ecdsa384.p8-scrypt.pem; do
    set +e; "$bin/key2ppk" --passin file:wrong.txt "$corpus/$name" -o "wrong-$name.ppk" 2> err.txt; rc=$?; set -e
    check "wrong passphrase: $name" '[[ $rc == 1 && $(wc -l < err.txt) == 1 && ! -e "wrong-$name.ppk" ]] && grep -q "wrong passphrase" err.txt'
done

# Explicit EC parameters (openssl -param_enc explicit; tests/golden/ecexplicit): read as the
# named curve on every path, as ssh-keygen does, and converted exactly as the named-curve key.
ex=$tests_dir/golden/ecexplicit
for t in p256 p384 p521; do
    want=$(two < "$ex/$t.pub")
    for form in sec1.pem p8.pem p8.der p8-enc.pem; do
        check "ppk2key -y $t.$form (explicit) = ssh-keygen -y" \
            '[[ $("$bin/ppk2key" -y --passin "file:$ex/passphrase.txt" "$ex/$t.$form" | two) == "$want" ]]'
    done
    check "ppk2key -y $t.ecparam.pem (explicit EC PARAMETERS first) = ssh-keygen -y" \
        '[[ $("$bin/ppk2key" -y "$ex/$t.ecparam.pem" | two) == $(two < "$ex/$t.ecparam.pub") ]]'
    "$bin/key2ppk" "$ex/$t.named.pem" -o "$t.named.ppk"
    check "key2ppk $t.sec1.pem (explicit) = key2ppk of the named-curve key, byte for byte" \
        '"$bin/key2ppk" "$ex/$t.sec1.pem" -o "$t.explicit.ppk" && cmp -s "$t.explicit.ppk" "$t.named.ppk"'
    # puttygen cannot read explicit parameters ("ASN.1 decoding failure"): compare with its
    # PPK of the same key in SEC1 with the curve OID.
    openssl ec -in "$ex/$t.named.pem" -out "$t.named-sec1.pem" 2> /dev/null
    puttygen "$t.named-sec1.pem" -O private -o "$t.puttygen.ppk"
    check "key2ppk $t.sec1.pem (explicit) = puttygen of the named-curve key" 'cmp -s "$t.explicit.ppk" "$t.puttygen.ppk"'
    check "ppk2key --format pkcs8 $t.p8.pem (explicit) = openssl genpkey's named-curve file" \
        '"$bin/ppk2key" --format pkcs8 "$ex/$t.p8.pem" -o "$t.p8.out" && cmp -s "$t.p8.out" "$ex/$t.named.pem"'
    check "sshpubfromcert $t.spki.pem (explicit) = ssh-keygen -i -m PKCS8" \
        '[[ $("$bin/sshpubfromcert" "$ex/$t.spki.pem" | two) == $(ssh-keygen -i -m PKCS8 -f "$ex/$t.spki.pem" | two) ]]'
    for c in crt.pem crt.der; do
        check "sshpubfromcert $t.$c (explicit SPKI) = ssh-keygen -y of its key" '[[ $("$bin/sshpubfromcert" "$ex/$t.$c" | two) == "$want" ]]'
    done
    check "der2pem $t.params.der (explicit) = openssl ecparam's EC PARAMETERS" '"$bin/der2pem" "$ex/$t.params.der" | cmp -s - "$ex/$t.params.pem"'
    check "keyinfo $t.params.pem names the curve" \
        '[[ $("$bin/keyinfo" "$ex/$t.params.pem") == *"EC parameters (explicit parameters, PEM), curve P-${t#p}"* ]]'
done
check "ppk2key -y p256.compressed.pem (explicit, compressed points) = ssh-keygen -y" \
    '[[ $("$bin/ppk2key" -y "$ex/p256.compressed.pem" | two) == $(two < "$ex/p256.pub") ]]'

finish
