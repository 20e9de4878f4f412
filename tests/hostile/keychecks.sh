#!/usr/bin/env bash
# One key check on every reading path (issue 10): an EC point at infinity or off its curve,
# an RSA public exponent of 1, an even one or one not below n, and a curve keypipe does not
# support are refused with exit 1 and one stderr line by every tool that reads the key, in
# every container: SubjectPublicKeyInfo, certificate, PKCS#1 public key, PKCS#8, SEC1,
# OpenSSH and PPK (whose public part ppk2key -y reads without the MAC). Unsupported curves
# get the same "unsupported curve: NAME (...)" from every tool.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

/usr/bin/python3 - <<'EOF'
import base64, datetime, hashlib, hmac, struct
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec, rsa

def tlv(tag, val):
    n = len(val)
    if n < 0x80: return bytes([tag, n]) + val
    nb = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([tag, 0x80 | len(nb)]) + nb + val
def parse(der):  # one element -> (tag, content)
    tag, n, i = der[0], der[1], 2
    if n & 0x80: k = n & 0x7f; n = int.from_bytes(der[2:2 + k], 'big'); i = 2 + k
    return tag, der[i:i + n], der[i + n:]
def kids(content):
    out = []
    while content:
        tag, val, rest = parse(content)
        out.append(content[:len(content) - len(rest)]); content = rest
    return out
def integer(x): return tlv(0x02, x.to_bytes(max(1, (x.bit_length() + 8) // 8), 'big'))
def oid(dotted):
    a = [int(x) for x in dotted.split('.')]; out = bytes([40 * a[0] + a[1]])
    for x in a[2:]:
        enc = [x & 0x7f]; x >>= 7
        while x: enc.insert(0, 0x80 | (x & 0x7f)); x >>= 7
        out += bytes(enc)
    return tlv(0x06, out)
def seq(*xs): return tlv(0x30, b''.join(xs))
def bits(b): return tlv(0x03, b'\x00' + b)
def pem(label, der):
    b = base64.b64encode(der).decode()
    return (f'-----BEGIN {label}-----\n' + ''.join(b[i:i + 64] + '\n' for i in range(0, len(b), 64)) + f'-----END {label}-----\n').encode()
def sshstr(b): return struct.pack('>I', len(b)) + b
def mpint(x):
    if x == 0: return sshstr(b'')
    b = x.to_bytes((x.bit_length() + 7) // 8, 'big')
    return sshstr(b'\x00' + b if b[0] & 0x80 else b)
def put(name, data): open(name, 'wb').write(data)

P256, ECPUB = '1.2.840.10045.3.1.7', '1.2.840.10045.2.1'
eckey = ec.generate_private_key(ec.SECP256R1())
nums = eckey.public_key().public_numbers()
points = {'infinity': b'\x00', 'off-curve': b'\x04' + nums.x.to_bytes(32, 'big') + (nums.y + 1).to_bytes(32, 'big')}
now = datetime.datetime.now(datetime.timezone.utc)
def cert_der(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'hostile')])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=2))
            .sign(key, hashes.SHA256())).public_bytes(ser.Encoding.DER)
def with_spki(cert, spki):  # the certificate with its SubjectPublicKeyInfo replaced (signature left stale)
    _, body, _ = parse(cert)
    tbs, alg, sig = kids(body)
    fields = kids(parse(tbs)[1])
    fields[6] = spki  # [0] version, serial, signature, issuer, validity, subject, spki
    return seq(seq(*fields), alg, sig)
ec_cert = cert_der(eckey)
d = eckey.private_numbers().private_value
for what, point in points.items():
    spki = seq(seq(oid(ECPUB), oid(P256)), bits(point))
    put(f'spki-ec-{what}.pem', pem('PUBLIC KEY', spki))
    put(f'cert-ec-{what}.der', with_spki(ec_cert, spki))
    sec1 = seq(integer(1), tlv(0x04, d.to_bytes(32, 'big')), tlv(0xa1, bits(point)))
    put(f'sec1-ec-{what}.pem', pem('EC PRIVATE KEY', seq(integer(1), tlv(0x04, d.to_bytes(32, 'big')), tlv(0xa0, oid(P256)), tlv(0xa1, bits(point)))))
    put(f'p8-ec-{what}.pem', pem('PRIVATE KEY', seq(integer(0), seq(oid(ECPUB), oid(P256)), tlv(0x04, sec1))))
    blob = sshstr(b'ecdsa-sha2-nistp256') + sshstr(b'nistp256') + sshstr(point)
    section = b'\x01\x02\x03\x04' * 2 + blob + mpint(d) + sshstr(b'c')
    section += bytes(range(1, 1 + (-len(section)) % 8))
    ossh = b'openssh-key-v1\x00' + sshstr(b'none') * 2 + sshstr(b'') + struct.pack('>I', 1) + sshstr(blob) + sshstr(section)
    put(f'openssh-ec-{what}', pem('OPENSSH PRIVATE KEY', ossh))

def ppk(alg, pub, priv, comment='hostile'):
    data = sshstr(alg.encode()) + sshstr(b'none') + sshstr(comment.encode()) + sshstr(pub) + sshstr(priv)
    wrap = lambda b: [base64.b64encode(b).decode()[i:i + 64] for i in range(0, len(base64.b64encode(b)), 64)]
    pl, vl = wrap(pub), wrap(priv)
    lines = [f'PuTTY-User-Key-File-3: {alg}', 'Encryption: none', f'Comment: {comment}', f'Public-Lines: {len(pl)}', *pl,
             f'Private-Lines: {len(vl)}', *vl, 'Private-MAC: ' + hmac.new(b'', data, hashlib.sha256).hexdigest()]
    return ('\n'.join(lines) + '\n').encode()
for what, point in points.items():
    put(f'ppk-ec-{what}.ppk', ppk('ecdsa-sha2-nistp256', sshstr(b'ecdsa-sha2-nistp256') + sshstr(b'nistp256') + sshstr(point), mpint(d)))

# RSA: the numbers of a real key with e replaced.
rk = rsa.generate_private_key(public_exponent=65537, key_size=2048)
rn = rk.private_numbers(); n = rn.public_numbers.n
rsa_cert = cert_der(rk)
for what, e in {'e-1': 1, 'e-even': 65538, 'e-above-n': n + 2}.items():
    pkcs1_pub = seq(integer(n), integer(e))
    put(f'rsapub-{what}.pem', pem('RSA PUBLIC KEY', pkcs1_pub))
    spki = seq(seq(oid('1.2.840.113549.1.1.1'), tlv(0x05, b'')), bits(pkcs1_pub))
    put(f'spki-rsa-{what}.pem', pem('PUBLIC KEY', spki))
    put(f'cert-rsa-{what}.der', with_spki(rsa_cert, spki))
    pkcs1 = seq(integer(0), integer(n), integer(e), integer(rn.d), integer(rn.p), integer(rn.q), integer(rn.dmp1), integer(rn.dmq1), integer(rn.iqmp))
    put(f'pkcs1-rsa-{what}.pem', pem('RSA PRIVATE KEY', pkcs1))
    put(f'p8-rsa-{what}.pem', pem('PRIVATE KEY', seq(integer(0), seq(oid('1.2.840.113549.1.1.1'), tlv(0x05, b'')), tlv(0x04, pkcs1))))
    blob = sshstr(b'ssh-rsa') + mpint(e) + mpint(n)
    section = b'\x01\x02\x03\x04' * 2 + sshstr(b'ssh-rsa') + mpint(n) + mpint(e) + mpint(rn.d) + mpint(rn.iqmp) + mpint(rn.p) + mpint(rn.q) + sshstr(b'c')
    section += bytes(range(1, 1 + (-len(section)) % 8))
    ossh = b'openssh-key-v1\x00' + sshstr(b'none') * 2 + sshstr(b'') + struct.pack('>I', 1) + sshstr(blob) + sshstr(section)
    put(f'openssh-rsa-{what}', pem('OPENSSH PRIVATE KEY', ossh))
    put(f'ppk-rsa-{what}.ppk', ppk('ssh-rsa', blob, mpint(rn.d) + mpint(rn.p) + mpint(rn.q) + mpint(rn.iqmp)))

# Curves without an SSH name, in every container that names a curve.
for curve, name in [(ec.BrainpoolP256R1(), 'brainpoolP256r1'), (ec.SECP256K1(), 'secp256k1')]:
    k = ec.generate_private_key(curve)
    put(f'cert-{name}.pem', pem('CERTIFICATE', cert_der(k)))
    put(f'spki-{name}.pem', k.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo))
    put(f'p8-{name}.pem', k.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()))
    put(f'sec1-{name}.pem', k.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.TraditionalOpenSSL, ser.NoEncryption()))
EOF

refused() {  # refused REGEX TOOL [ARGS...] INPUT: exit 1, one stderr line matching REGEX, no stdout
    local regex=$1 rc=0
    shift
    "$bin/$1" "${@:2}" > out.txt 2> err.txt < /dev/null || rc=$?
    [[ $rc == 1 && ! -s out.txt && $(wc -l < err.txt) == 1 ]] && grep -qE -- "$regex" err.txt
}

for what in infinity off-curve; do
    [[ $what == infinity ]] && msg="point at infinity" || msg="not on the curve"
    check "sshpubfromcert refuses a PUBLIC KEY with an EC point $what" "refused '$msg' sshpubfromcert spki-ec-$what.pem"
    check "sshpubfromcert refuses a certificate with an EC point $what" "refused '$msg' sshpubfromcert cert-ec-$what.der"
    check "sshpubfromcert --fingerprint refuses it too" "refused '$msg' sshpubfromcert --fingerprint cert-ec-$what.der"
    for tool in key2ppk ppk2key; do
        for f in p8-ec-$what.pem sec1-ec-$what.pem ppk-ec-$what.ppk; do
            check "$tool refuses $f" "refused '$msg' $tool $f"
        done
        check "$tool refuses an OpenSSH key whose EC point is $what" "refused 'does not match the private key' $tool openssh-ec-$what"
    done
    check "ppk2key -y refuses a PPK whose EC point is $what" "refused '$msg' ppk2key -y ppk-ec-$what.ppk"
done

for what in e-1 e-even e-above-n; do
    case $what in
    e-1) msg='invalid RSA key \(public exponent below 3\)' ;;
    e-even) msg='invalid RSA key \(even public exponent\)' ;;
    *) msg='invalid RSA key \(public exponent not below the modulus\)' ;;
    esac
    for f in rsapub spki-rsa cert-rsa; do
        ext=.pem && [[ $f == cert-rsa ]] && ext=.der
        check "sshpubfromcert refuses $f-$what" "refused '$msg' sshpubfromcert $f-$what$ext"
    done
    for tool in key2ppk ppk2key; do
        for f in pkcs1-rsa-$what.pem p8-rsa-$what.pem openssh-rsa-$what ppk-rsa-$what.ppk; do
            check "$tool refuses $f" "refused '$msg' $tool $f"
        done
    done
    check "ppk2key -y refuses ppk-rsa-$what.ppk" "refused '$msg' ppk2key -y ppk-rsa-$what.ppk"
done

for name in brainpoolP256r1 secp256k1; do
    msg="^[a-z0-9]+: [^ ]+: unsupported curve: $name \(P-256, P-384 and P-521 are supported\)$"
    for f in cert spki; do check "sshpubfromcert: $f-$name" "refused '$msg' sshpubfromcert $f-$name.pem"; done
    for tool in key2ppk ppk2key; do
        for f in p8 sec1; do check "$tool: $f-$name" "refused '$msg' $tool $f-$name.pem"; done
    done
done
finish
