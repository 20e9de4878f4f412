#!/usr/bin/python3
"""Writes the hostile inputs of tests/hostile/files/ and their expectations.

Run with Debian's python3 (python3-cryptography, python3-bcrypt) and openssl on PATH:
    /usr/bin/python3 tests/hostile/make.py
Each file is one defect a user may meet (truncated, corrupted, another tool's format,
unsupported algorithm) or an attacker may craft (huge lengths and KDF costs, deep
nesting). expectations.tsv names the tools that take that kind of input and a regex the
single stderr line must match. Encrypted files use the passphrase in passphrase.txt.
"""
import base64, hashlib, hmac, os, struct, subprocess, sys
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x25519, x448
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'files')
PW = open(os.path.join(HERE, 'passphrase.txt')).read().splitlines()[0].encode()
ALL = 'pem2der der2pem sshpubfromcert key2ppk ppk2key'
KEYS = 'key2ppk ppk2key'
rows = []

def put(name, data, tools, regex):
    if isinstance(data, str): data = data.encode()
    open(os.path.join(OUT, name), 'wb').write(data)
    rows.append((name, tools, regex))

# ---------------------------------------------------------------- encoders
def tlv(tag, val):
    n = len(val)
    if n < 0x80: return bytes([tag, n]) + val
    nb = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([tag, 0x80 | len(nb)]) + nb + val
def seq(*xs): return tlv(0x30, b''.join(xs))
def integer(x):
    b = x.to_bytes(max(1, (x.bit_length() + 8) // 8), 'big')
    return tlv(0x02, b)
def octets(b): return tlv(0x04, b)
def oid(dotted):
    a = [int(x) for x in dotted.split('.')]
    out = bytes([40 * a[0] + a[1]])
    for x in a[2:]:
        enc = [x & 0x7f]
        x >>= 7
        while x: enc.insert(0, 0x80 | (x & 0x7f)); x >>= 7
        out += bytes(enc)
    return tlv(0x06, out)
def pem(label, der, headers=''):
    b = base64.b64encode(der).decode()
    return f'-----BEGIN {label}-----\n{headers}' + ''.join(b[i:i + 64] + '\n' for i in range(0, len(b), 64)) + f'-----END {label}-----\n'
def sshstr(b): return struct.pack('>I', len(b)) + b
def mpint(x):
    if x == 0: return sshstr(b'')
    b = x.to_bytes((x.bit_length() + 7) // 8, 'big')
    return sshstr(b'\x00' + b if b[0] & 0x80 else b)
def p8(key): return key.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
def trad(key): return key.private_bytes(ser.Encoding.DER, ser.PrivateFormat.TraditionalOpenSSL, ser.NoEncryption())
def openssl(*args, stdin=None):
    return subprocess.run(['openssl', *args], input=stdin, capture_output=True, check=True).stdout

ALG_RSA = seq(oid('1.2.840.113549.1.1.1'), b'\x05\x00')
def rsa_p8(n, e, d, p, q, dp, dq, qi, version=0):
    inner = seq(integer(version), *(integer(x) for x in (n, e, d, p, q, dp, dq, qi)))
    return seq(integer(0), ALG_RSA, octets(inner))

rsa_key = rsa.generate_private_key(65537, 1024)
rn = rsa_key.private_numbers()
n, e, d, p, q = rn.public_numbers.n, rn.public_numbers.e, rn.d, rn.p, rn.q
ec_key = ec.generate_private_key(ec.SECP256R1())
ed_key = ed25519.Ed25519PrivateKey.generate()
ORDER_P256 = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551

# ---------------------------------------------------------------- generic
put('empty', b'', ALL, 'empty input')
put('only-whitespace', ' \n\t\r\n  \n', ALL, 'empty input')
put('binary-garbage', bytes((i * 167 + 13) % 256 for i in range(4096)), ALL, 'not PEM or DER|DER')
put('pem-missing-end.pem', pem('CERTIFICATE', b'\x30\x00').rsplit('-----END', 1)[0], ALL, 'has no END line')
put('pem-wrong-end-label.pem', pem('PRIVATE KEY', p8(ed_key)).replace('END PRIVATE', 'END PUBLIC'), ALL, 'does not match BEGIN')
put('pem-bad-base64.pem', '-----BEGIN PRIVATE KEY-----\nMC4CAQAw*QYDK2VwBCIEI\n-----END PRIVATE KEY-----\n', ALL, 'base64')
put('pem-truncated-base64.pem', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n', ALL, 'base64')
put('pem-nested-begin.pem', '-----BEGIN PRIVATE KEY-----\nMC4C\n' + pem('PRIVATE KEY', p8(ed_key)), ALL, 'BEGIN inside')
put('pem-huge-line.pem', '-----BEGIN PRIVATE KEY-----\n' + 'A' * 300000 + '\n-----END PRIVATE KEY-----\n', ALL, 'longer than')
put('pem-5000-blocks.pem', pem('X', b'\x05\x00') * 5000, ALL, 'more than 4096 PEM blocks')
put('der-indefinite-length.der', b'\x30\x80\x02\x01\x00\x00\x00', ALL, 'indefinite length')
put('der-length-overflow.der', b'\x30\x84\x7f\xff\xff\xff\x02\x01\x00', ALL, 'bytes needed')
put('der-length-5-bytes.der', b'\x30\x85\x01\x00\x00\x00\x00', ALL, 'length field of 5 bytes')
put('der-non-minimal-length.der', b'\x30\x81\x03\x02\x01\x00', ALL, 'non-minimal')
nested = b'\x05\x00'
for _ in range(2000): nested = tlv(0x30, nested)
put('der-nesting-2000.der', nested, ALL, 'nested deeper than 32')
put('der-key-trailing-junk.der', p8(ed_key) + b'\x00\x00', 'der2pem key2ppk ppk2key', 'bytes after')

# ---------------------------------------------------------------- certificates and objects that are not keys
def cert_for(key, cn):
    kp = key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    open('/tmp/hostile-key.pem', 'wb').write(kp)
    return openssl('req', '-x509', '-key', '/tmp/hostile-key.pem', '-subj', '/CN=' + cn, '-days', '30', '-sha256')
put('cert-dsa.pem', cert_for(dsa.generate_private_key(1024), 'dsa'), 'sshpubfromcert', 'unsupported key type: DSA')
put('cert-ed448.pem', cert_for(ed448.Ed448PrivateKey.generate(), 'ed448'), 'sshpubfromcert', 'unsupported key type: Ed448')
put('cert-secp256k1.pem', cert_for(ec.generate_private_key(ec.SECP256K1()), 'k1'), 'sshpubfromcert', 'unsupported curve: secp256k1')
put('cert-brainpool.pem', cert_for(ec.generate_private_key(ec.BrainpoolP256R1()), 'bp'), 'sshpubfromcert', 'unsupported curve')
good_cert = cert_for(rsa_key, 'vm')
good_der = openssl('x509', '-outform', 'der', stdin=good_cert)
put('cert-truncated.der', good_der[:len(good_der) // 2], 'sshpubfromcert der2pem', 'bytes needed')
put('cert-truncated.pem', pem('CERTIFICATE', good_der[:300]), 'sshpubfromcert pem2der', 'bytes needed')
# An RSA modulus that is even: a structurally fine certificate with an impossible key.
even = good_der.replace(n.to_bytes(128, 'big'), (n - 1).to_bytes(128, 'big'))
put('cert-rsa-even-modulus.der', even, 'sshpubfromcert', 'even modulus')
put('certificate-as-key.pem', good_cert, KEYS, 'a certificate, not a private key')
put('public-key-as-key.pem', ec_key.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo), KEYS, 'a public key, not a private key')
put('ssh-public-line.pub', ed_key.public_key().public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH) + b' user@host\n', KEYS, 'OpenSSH public key, not a private key')
put('ssh-public-line-as-cert.pub', ed_key.public_key().public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH) + b'\n', 'pem2der der2pem', 'not PEM or DER')  # sshpubfromcert reads it (issue 12)
put('rfc4716-public.pub', '---- BEGIN SSH2 PUBLIC KEY ----\nAAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4\n---- END SSH2 PUBLIC KEY ----\n', KEYS, 'OpenSSH public key, not a private key')
open('/tmp/hostile-key.pem', 'wb').write(rsa_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()))
put('csr-as-key.pem', openssl('req', '-new', '-key', '/tmp/hostile-key.pem', '-subj', '/CN=csr'), KEYS + ' sshpubfromcert', 'certificate request|no certificate or public key')
good_p12 = openssl('pkcs12', '-export', '-inkey', '/tmp/hostile-key.pem', '-passout', 'pass:' + PW.decode(), stdin=good_cert)
os.remove('/tmp/hostile-key.pem')

# ---------------------------------------------------------------- PKCS#8, PKCS#1, SEC1
put('p8-dsa-key.pem', pem('PRIVATE KEY', p8(dsa.generate_private_key(1024))), KEYS, 'unsupported key type: DSA')
put('p8-ed448-key.pem', pem('PRIVATE KEY', p8(ed448.Ed448PrivateKey.generate())), KEYS, 'unsupported key type: Ed448')
put('p8-x25519.pem', pem('PRIVATE KEY', p8(x25519.X25519PrivateKey.generate())), KEYS, 'unsupported key type: X25519')
put('p8-x448.pem', pem('PRIVATE KEY', p8(x448.X448PrivateKey.generate())), KEYS, 'unsupported key type: X448')
put('p8-secp256k1.pem', pem('PRIVATE KEY', p8(ec.generate_private_key(ec.SECP256K1()))), KEYS, 'unsupported curve: secp256k1')
# Explicit EC parameters equal to a named curve are read as that curve (issue 12); these
# match no curve keypipe supports.
put('p8-explicit-brainpool.pem', openssl('pkcs8', '-topk8', '-nocrypt', stdin=openssl('ecparam', '-name', 'brainpoolP256r1', '-genkey', '-noout', '-param_enc', 'explicit')), KEYS, 'unsupported curve: brainpoolP256r1 \\(explicit parameters')
P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b
P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
def ec_explicit(p, a, b, g, n, size):
    return seq(integer(1), seq(oid('1.2.840.10045.1.1'), integer(p)), seq(octets(a.to_bytes(size, 'big')), octets(b.to_bytes(size, 'big'))),
               octets(g), integer(n), integer(1))
G2 = ec.derive_private_key(2, ec.SECP256R1()).public_key().public_numbers()  # P-256 with generator 2G: no named curve
put('p8-explicit-other-generator.pem', pem('PRIVATE KEY', seq(integer(0), seq(oid('1.2.840.10045.2.1'),
    ec_explicit(P256_P, P256_P - 3, P256_B, b'\x04' + G2.x.to_bytes(32, 'big') + G2.y.to_bytes(32, 'big'), P256_N, 32)),
    octets(seq(integer(1), octets((12345).to_bytes(32, 'big')))))), KEYS, 'explicit parameters matching no named curve')
HUGE_P = (1 << 8191) | 1  # far beyond P-521: refused before Botan tests it for primality
put('spki-explicit-huge-field.pem', pem('PUBLIC KEY', seq(seq(oid('1.2.840.10045.2.1'), ec_explicit(HUGE_P, 1, 1, b'\x04' + bytes(2048), 7, 1024)),
    tlv(0x03, b'\x00\x04' + bytes(2048)))), 'sshpubfromcert', 'explicit parameters matching no named curve')
put('p8-rsa-bad-crt.pem', pem('PRIVATE KEY', rsa_p8(n, e, d, p, q, rn.dmp1 ^ 2, rn.dmq1, rn.iqmp)), KEYS, 'CRT values')
put('p8-rsa-n-not-pq.pem', pem('PRIVATE KEY', rsa_p8(n + 2, e, d, p, q, rn.dmp1, rn.dmq1, rn.iqmp)), KEYS, 'n is not p\\*q')
put('p8-rsa-d-wrong.pem', pem('PRIVATE KEY', rsa_p8(n, e, d + 2, p, q, (d + 2) % (p - 1), (d + 2) % (q - 1), rn.iqmp)), KEYS, 'd does not match')
big = (1 << 19999) | 1
put('p8-rsa-20000-bit-modulus.der', rsa_p8(big, 65537, 3, 5, 7, 1, 1, 1), KEYS, '20000 bits is larger than the 16384-bit limit')
put('pkcs1-multiprime.pem', pem('RSA PRIVATE KEY', seq(integer(1), *(integer(x) for x in (n, e, d, p, q, rn.dmp1, rn.dmq1, rn.iqmp)), seq())), KEYS, 'multi-prime')
ALG_P256 = seq(oid('1.2.840.10045.2.1'), oid('1.2.840.10045.3.1.7'))
def ec_p8(dval, pub=None):
    inner = [integer(1), octets(dval.to_bytes(32, 'big'))]
    if pub: inner.append(tlv(0xa1, tlv(0x03, b'\x00' + pub)))
    return seq(integer(0), ALG_P256, octets(seq(*inner)))
put('p8-ec-d-zero.pem', pem('PRIVATE KEY', ec_p8(0)), KEYS, 'out of range')
put('p8-ec-d-ge-order.pem', pem('PRIVATE KEY', ec_p8(ORDER_P256 + 1)), KEYS, 'out of range')
other = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(ser.Encoding.X962, ser.PublicFormat.UncompressedPoint)
put('p8-ec-public-mismatch.pem', pem('PRIVATE KEY', ec_p8(ec_key.private_numbers().private_value, other)), KEYS, 'public key does not match')
# "\x00" decodes to the point at infinity, on which Botan's point comparison throws
put('p8-ec-public-point-at-infinity.pem', pem('PRIVATE KEY', ec_p8(ec_key.private_numbers().private_value, b'\x00')), KEYS, 'point at infinity')
put('p8-ec-public-not-on-curve.pem', pem('PRIVATE KEY', ec_p8(ec_key.private_numbers().private_value, b'\x04' + b'\x01' * 64)), KEYS, 'not on the curve')
put('p8-ed25519-31-byte-seed.der', seq(integer(0), seq(oid('1.3.101.112')), octets(octets(b'\x01' * 31))), KEYS, '32-byte')
put('p8-version-2.pem', pem('PRIVATE KEY', seq(integer(2), seq(oid('1.3.101.112')), octets(octets(b'\x01' * 32)))), KEYS, 'version')
put('sec1-no-curve.der', seq(integer(1), octets(b'\x01' * 32)), KEYS, 'no curve given')
put('dsa-traditional.pem', pem('DSA PRIVATE KEY', trad(dsa.generate_private_key(1024))), KEYS, 'unsupported key type: DSA')

def pbes2(kdf, cipher_oid, iv, ct):
    return seq(seq(oid('1.2.840.113549.1.5.13'), seq(kdf, seq(oid(cipher_oid), octets(iv)))), octets(ct))
pbkdf2 = lambda it: seq(oid('1.2.840.113549.1.5.12'), seq(octets(b'saltsalt'), integer(it), seq(oid('1.2.840.113549.2.9'), b'\x05\x00')))
put('p8enc-pbkdf2-2e31-iterations.pem', pem('ENCRYPTED PRIVATE KEY', pbes2(pbkdf2(2**31 - 1), '2.16.840.1.101.3.4.1.42', b'\x00' * 16, b'\x00' * 64)), KEYS, 'iteration count 2147483647 exceeds the limit')
scrypt = seq(oid('1.3.6.1.4.1.11591.4.11'), seq(octets(b'saltsalt'), integer(2**30), integer(8), integer(1)))
put('p8enc-scrypt-n-2e30.pem', pem('ENCRYPTED PRIVATE KEY', pbes2(scrypt, '2.16.840.1.101.3.4.1.42', b'\x00' * 16, b'\x00' * 64)), KEYS, 'scrypt parameters .* exceed the limit')
# N=2^20, r=8 is 1 GiB (the memory limit) and p=16 the largest p: each value inside its
# limit, but 16 lanes of 2^23 are ~100 s of work.
scrypt = seq(oid('1.3.6.1.4.1.11591.4.11'), seq(octets(b'saltsalt'), integer(2**20), integer(8), integer(16)))
put('p8enc-scrypt-work-2e27.pem', pem('ENCRYPTED PRIVATE KEY', pbes2(scrypt, '2.16.840.1.101.3.4.1.42', b'\x00' * 16, b'\x00' * 64)), KEYS, r'exceed the limit of 16777216 for work = N\*r\*p')
put('p8enc-unknown-cipher.pem', pem('ENCRYPTED PRIVATE KEY', pbes2(pbkdf2(2048), '1.2.392.200011.61.1.1.1.2', b'\x00' * 16, b'\x00' * 64)), KEYS, 'unsupported PBES2 cipher')
pem_ed = ed_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
put('p8enc-pbes1-md5-des.pem', pem('ENCRYPTED PRIVATE KEY', seq(seq(oid('1.2.840.113549.1.5.3'), seq(octets(b'\x00' * 8), integer(2048))), octets(b'\x00' * 64))), KEYS, 'unsupported PKCS#8 encryption 1.2.840.113549.1.5.3')
put('p8enc-wrong-passphrase.pem', openssl('pkcs8', '-topk8', '-passout', 'pass:not-the-passphrase', stdin=pem_ed), KEYS, 'wrong passphrase')
enc = openssl('pkcs8', '-topk8', '-passout', 'pass:' + PW.decode(), '-outform', 'der', stdin=pem_ed)
def first_child(der):  # the first element inside a SEQUENCE (definite lengths)
    i = 2 + (der[1] & 0x7f if der[1] & 0x80 else 0)
    n = der[i + 1]
    hdr = 2
    if n & 0x80: hdr, n = 2 + (n & 0x7f), int.from_bytes(der[i + 2:i + 2 + (n & 0x7f)], 'big')
    return der[i:i + hdr + n]
put('p8enc-truncated-ciphertext.der', seq(first_child(enc), octets(b'\x00' * 27)), KEYS, 'not a whole number of cipher blocks')

def legacy(label, der, cipher, key_len, iv, passphrase):
    salt, k, prev = iv[:8], b'', b''
    while len(k) < key_len:
        prev = hashlib.md5(prev + passphrase + salt).digest(); k += prev
    padn = 16 - len(der) % 16
    c = Cipher(algorithms.AES(k[:key_len]), modes.CBC(iv)).encryptor()
    ct = c.update(der + bytes([padn]) * padn) + c.finalize()
    return pem(label, ct, f'Proc-Type: 4,ENCRYPTED\nDEK-Info: {cipher},{iv.hex().upper()}\n\n')
rsa_trad = trad(rsa_key)
put('legacy-wrong-passphrase.pem', legacy('RSA PRIVATE KEY', rsa_trad, 'AES-128-CBC', 16, bytes(range(16)), b'wrong'), KEYS, 'wrong passphrase')
put('legacy-unknown-cipher.pem', legacy('RSA PRIVATE KEY', rsa_trad, 'AES-128-CBC', 16, bytes(range(16)), PW).replace('AES-128-CBC', 'CAMELLIA-128-CBC'), KEYS, 'unsupported legacy PEM cipher CAMELLIA-128-CBC')
put('legacy-bad-iv-hex.pem', legacy('RSA PRIVATE KEY', rsa_trad, 'AES-128-CBC', 16, bytes(range(16)), PW).replace('000102', '00010Z'), KEYS, 'not hex')
put('legacy-iv-wrong-length.pem', legacy('RSA PRIVATE KEY', rsa_trad, 'AES-128-CBC', 16, bytes(range(16)), PW).replace('0E0F\n', '\n'), KEYS, 'wrong length')
put('legacy-no-dek-info.pem', '\n'.join(l for l in legacy('EC PRIVATE KEY', trad(ec_key), 'AES-128-CBC', 16, bytes(16), PW).split('\n') if not l.startswith('DEK-Info')), KEYS, 'without DEK-Info')

# ---------------------------------------------------------------- OpenSSH
MAGIC = b'openssh-key-v1\x00'
ed_pub = ed_key.public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
ed_seed = ed_key.private_bytes(ser.Encoding.Raw, ser.PrivateFormat.Raw, ser.NoEncryption())
ED_BLOB = sshstr(b'ssh-ed25519') + sshstr(ed_pub)
def ossh_private(fields, check=(1, 1), block=8, comment=b'hostile', pad=None):
    body = struct.pack('>II', *check) + fields + sshstr(comment)
    padding = bytes(range(1, 1 + (-len(body)) % block)) if pad is None else pad
    return body + padding
ED_FIELDS = sshstr(b'ssh-ed25519') + sshstr(ed_pub) + sshstr(ed_seed + ed_pub)
def ossh(priv, pub=ED_BLOB, cipher=b'none', kdf=b'none', kdfopts=b'', nkeys=1, extra=b'', magic=MAGIC):
    blob = magic + sshstr(cipher) + sshstr(kdf) + sshstr(kdfopts) + struct.pack('>I', nkeys) + sshstr(pub) + sshstr(priv) + extra
    return armor70(blob)
def armor70(blob):
    b = base64.b64encode(blob).decode()
    return '-----BEGIN OPENSSH PRIVATE KEY-----\n' + ''.join(b[i:i + 70] + '\n' for i in range(0, len(b), 70)) + '-----END OPENSSH PRIVATE KEY-----\n'
good = ossh_private(ED_FIELDS)
put('openssh-bad-magic', ossh(good, magic=b'openssh-key-v2\x00'), KEYS, 'wrong magic')
bcrypt_opts = sshstr(b'\x00' * 16) + struct.pack('>I', 1000000)
put('openssh-bcrypt-rounds-1000000', ossh(b'\x00' * 96, cipher=b'aes256-ctr', kdf=b'bcrypt', kdfopts=bcrypt_opts), KEYS, 'bcrypt rounds 1000000 exceed the limit of 1024')
put('openssh-kdf-none-cipher-aes', ossh(b'\x00' * 96, cipher=b'aes256-ctr'), KEYS, 'inconsistent')
put('openssh-unknown-cipher', ossh(b'\x00' * 96, cipher=b'blowfish-cbc', kdf=b'bcrypt', kdfopts=sshstr(b'\x00' * 16) + struct.pack('>I', 16)), KEYS, 'unsupported cipher: blowfish-cbc')
put('openssh-unknown-kdf', ossh(b'\x00' * 96, cipher=b'aes256-ctr', kdf=b'scrypt'), KEYS, 'unsupported kdf: scrypt')
put('openssh-two-keys', ossh(good, nkeys=2), KEYS, '2 keys')
put('openssh-truncated', armor70((MAGIC + sshstr(b'none') + sshstr(b'none') + sshstr(b'') + struct.pack('>I', 1) + sshstr(ED_BLOB) + sshstr(good))[:-40]), KEYS, 'bytes needed')
padlen = len(good) - len(ossh_private(ED_FIELDS, pad=b''))
assert padlen > 1
put('openssh-bad-padding', ossh(ossh_private(ED_FIELDS, pad=bytes(range(1, padlen)) + b'\x09')), KEYS, 'padding')
put('openssh-checkint-mismatch', ossh(ossh_private(ED_FIELDS, check=(1, 2))), KEYS, 'check-ints differ')
other_ed = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
put('openssh-public-mismatch', ossh(good, pub=sshstr(b'ssh-ed25519') + sshstr(other_ed)), KEYS, 'public key does not match')
put('openssh-ed25519-sk-mismatch', ossh(ossh_private(sshstr(b'ssh-ed25519') + sshstr(ed_pub) + sshstr(ed_seed + other_ed))), KEYS, 'does not match')
put('openssh-ssh-dss', ossh(ossh_private(sshstr(b'ssh-dss') + mpint(7) * 5), pub=sshstr(b'ssh-dss') + mpint(7) * 4), KEYS, 'unsupported key type: DSA')
put('openssh-sk-ed25519', ossh(ossh_private(sshstr(b'sk-ssh-ed25519@openssh.com') + sshstr(ed_pub)), pub=sshstr(b'sk-ssh-ed25519@openssh.com') + sshstr(ed_pub)), KEYS, 'security keys')
put('openssh-cert-type', ossh(ossh_private(sshstr(b'ssh-ed25519-cert-v01@openssh.com') + sshstr(b'x'))), KEYS, 'certificate keys')
put('openssh-string-len-ffffffff', armor70(MAGIC + b'\xff\xff\xff\xff' + b'none'), KEYS, 'bytes needed')
put('openssh-trailing-bytes', ossh(good, extra=b'\x00\x00\x00\x00'), KEYS, 'unexpected bytes')
rsa_fields = lambda iq: sshstr(b'ssh-rsa') + mpint(n) + mpint(e) + mpint(d) + mpint(iq) + mpint(p) + mpint(q)
RSA_BLOB = sshstr(b'ssh-rsa') + mpint(e) + mpint(n)
put('openssh-rsa-bad-iqmp', ossh(ossh_private(rsa_fields(rn.iqmp + 1)), pub=RSA_BLOB), KEYS, 'iqmp')
import bcrypt
salt = bytes(range(16))
kiv = bcrypt.kdf(b'not-the-passphrase', salt, 48, 16, ignore_few_rounds=True)
ctr = Cipher(algorithms.AES(kiv[:32]), modes.CTR(kiv[32:])).encryptor()
priv16 = ossh_private(ED_FIELDS, block=16)
put('openssh-wrong-passphrase', ossh(ctr.update(priv16), cipher=b'aes256-ctr', kdf=b'bcrypt', kdfopts=sshstr(salt) + struct.pack('>I', 16)), KEYS, 'wrong passphrase')

# ---------------------------------------------------------------- PPK
def ppk(version=3, alg='ssh-ed25519', enc='none', comment='hostile', pub=ED_BLOB, priv=sshstr(ed_seed), kdf_lines=None, mac=None, pub_lines=None, drop=None):
    mackey = hashlib.sha1(b'putty-private-key-file-mac-key').digest() if version == 2 else b''
    data = sshstr(alg.encode()) + sshstr(enc.encode()) + sshstr(comment.encode()) + sshstr(pub) + sshstr(priv)
    m = mac or hmac.new(mackey, data, hashlib.sha1 if version == 2 else hashlib.sha256).hexdigest()
    wrap = lambda b: [base64.b64encode(b).decode()[i:i + 64] for i in range(0, len(base64.b64encode(b)), 64)]
    pl, vl = wrap(pub), wrap(priv)
    lines = [f'PuTTY-User-Key-File-{version}: {alg}', f'Encryption: {enc}', f'Comment: {comment}', f'Public-Lines: {pub_lines or len(pl)}', *pl]
    lines += kdf_lines or []
    lines += [f'Private-Lines: {len(vl)}', *vl, f'Private-MAC: {m}']
    if drop: lines = [l for l in lines if not l.startswith(drop)]
    return '\n'.join(lines) + '\n'
argon = lambda mem=8192, passes=8, par=1, salt='000102030405060708090a0b0c0d0e0f', kdf='Argon2id': [f'Key-Derivation: {kdf}', f'Argon2-Memory: {mem}', f'Argon2-Passes: {passes}', f'Argon2-Parallelism: {par}', f'Argon2-Salt: {salt}']
put('ppk-version-1.ppk', ppk().replace('File-3', 'File-1'), KEYS, 'version 1 is not supported')
put('ppk-version-4.ppk', ppk().replace('File-3', 'File-4'), KEYS, 'unsupported PPK version 4')
enc_priv = b'\x00' * 48
put('ppk-argon2-memory-4194304000.ppk', ppk(enc='aes256-cbc', priv=enc_priv, kdf_lines=argon(mem=4194304000)), KEYS, 'Argon2-Memory 4194304000 exceeds the limit')
put('ppk-argon2-passes-4294967295.ppk', ppk(enc='aes256-cbc', priv=enc_priv, kdf_lines=argon(passes=4294967295)), KEYS, 'Argon2-Passes 4294967295 exceeds the limit')
put('ppk-argon2-parallelism-100000.ppk', ppk(enc='aes256-cbc', priv=enc_priv, kdf_lines=argon(par=100000)), KEYS, 'Argon2-Parallelism 100000 exceeds the limit')
# Memory and passes each at their limit (1 GiB, 10 000), or puttygen's memory with the most
# passes: hours, or ~80 s, of hashing. The product is capped.
put('ppk-argon2-work-1048576x10000.ppk', ppk(enc='aes256-cbc', priv=enc_priv, kdf_lines=argon(mem=1048576, passes=10000)), KEYS, 'Argon2 work of 1048576 KiB x 10000 passes exceeds the limit of 10485760 KiB-passes')
put('ppk-argon2-work-8192x10000.ppk', ppk(enc='aes256-cbc', priv=enc_priv, kdf_lines=argon(mem=8192, passes=10000)), KEYS, 'Argon2 work of 8192 KiB x 10000 passes exceeds the limit')
put('ppk-argon2-number-overflow.ppk', ppk(enc='aes256-cbc', priv=enc_priv, kdf_lines=argon(mem=99999999999999999999999)), KEYS, 'not a number')
put('ppk-bad-mac.ppk', ppk(mac='00' * 32), KEYS, 'MAC check failed')
put('ppk-wrong-passphrase.ppk', ppk(enc='aes256-cbc', priv=enc_priv, kdf_lines=argon(mem=1024, passes=1)), KEYS, 'wrong passphrase or corrupted file')
put('ppk-unknown-encryption.ppk', ppk(enc='aes128-cbc'), KEYS, 'unsupported PPK encryption: aes128-cbc')
put('ppk-public-lines-1000000.ppk', ppk(pub_lines=1000000), KEYS, 'Public-Lines 1000000 exceeds the limit')
put('ppk-missing-private-lines.ppk', ppk(drop='Private-Lines'), KEYS, 'expected "Private-Lines')
put('ppk-key-type-mismatch.ppk', ppk(alg='ssh-rsa'), KEYS, 'does not match the public key')
put('ppk-unknown-kdf.ppk', ppk(enc='aes256-cbc', priv=enc_priv, kdf_lines=argon(kdf='scrypt')), KEYS, 'unsupported PPK key derivation: scrypt')
put('ppk-bad-salt-hex.ppk', ppk(enc='aes256-cbc', priv=enc_priv, kdf_lines=argon(salt='zz')), KEYS, 'Argon2-Salt is not hex')
put('ppk-dss.ppk', ppk(alg='ssh-dss', pub=sshstr(b'ssh-dss') + mpint(7) * 4), KEYS, 'unsupported key type: DSA')
put('ppk-truncated.ppk', ppk()[:150], KEYS, 'missing|bad base64')
put('ppk-seed-31-bytes.ppk', ppk(priv=sshstr(ed_seed[:31])), KEYS, 'seed is not 32 bytes')

# ---------------------------------------------------------------- PKCS#12
P12 = 'key2pfx key2ppk ppk2key der2pem pem2der sshpubfromcert'
def p12_kdf(hash_name, ident, bmp, salt, iterations, n):  # RFC 7292 Appendix B.2
    h = lambda b: hashlib.new(hash_name, b).digest()
    u, v = hashlib.new(hash_name).digest_size, hashlib.new(hash_name).block_size
    fill = lambda x: (x * (v * ((len(x) + v - 1) // v) // len(x) + 1))[:v * ((len(x) + v - 1) // v)] if x else b''
    I, out = bytearray(fill(salt) + fill(bmp)), b''
    while len(out) < n:
        A = bytes([ident]) * v + bytes(I)
        for _ in range(iterations): A = h(A)
        out += A
        B = int.from_bytes((A * (v // u + 1))[:v], 'big')
        for j in range(0, len(I), v):
            I[j:j + v] = ((int.from_bytes(I[j:j + v], 'big') + B + 1) % (1 << (8 * v))).to_bytes(v, 'big')
    return out[:n]
def ctx0(x): return tlv(0xa0, x)
def data_info(safe_contents): return seq(oid('1.2.840.113549.1.7.1'), ctx0(octets(safe_contents)))
def pfx(auth_safe, mac_iterations=1, version=3, mac_oid='1.3.14.3.2.26'):
    bmp = PW.decode().encode('utf-16-be') + b'\x00\x00'
    salt = b'\x01' * 8
    tag = hmac.new(p12_kdf('sha1', 3, bmp, salt, 1, 20), auth_safe, 'sha1').digest()
    return seq(integer(version), data_info(auth_safe), seq(seq(seq(oid(mac_oid), b'\x05\x00'), octets(tag)), octets(salt), integer(mac_iterations)))
def encrypted_info(alg): return seq(oid('1.2.840.113549.1.7.6'), ctx0(seq(integer(0), seq(oid('1.2.840.113549.1.7.1'), alg, tlv(0x80, b'\x00' * 16)))))
def pbe(oid_suffix, iterations): return seq(oid('1.2.840.113549.1.12.1.' + oid_suffix), seq(octets(b'\x00' * 8), integer(iterations)))
secret_bag = seq(oid('1.2.840.113549.1.12.10.1.5'), ctx0(seq(oid('1.2.3.4'), ctx0(octets(b'x')))))
def nested(depth):
    inner = seq()
    for _ in range(depth): inner = seq(seq(oid('1.2.840.113549.1.12.10.1.6'), ctx0(inner)))
    return inner
p12_mac_at = good_p12.rfind(bytes.fromhex('0420'))  # the MAC's 32-byte OCTET STRING
put('p12-wrong-mac.p12', good_p12[:p12_mac_at + 2] + bytes([good_p12[p12_mac_at + 2] ^ 1]) + good_p12[p12_mac_at + 3:], P12, 'wrong passphrase')
put('p12-truncated.p12', good_p12[:len(good_p12) * 2 // 3], P12, 'bytes needed')
cert_bag_without_value = seq(oid('1.2.840.113549.1.12.10.1.3'), ctx0(seq(oid('1.2.840.113549.1.9.22.1'))))
put('p12-truncated-bag.p12', pfx(seq(data_info(seq(cert_bag_without_value)))), P12, 'certValue')
put('p12-version-2.p12', pfx(seq(), version=2), P12, 'unrecognised structure')  # not sniffed as PKCS#12
put('p12-mac-2e31-iterations.p12', pfx(seq(), mac_iterations=2**31), P12, 'MAC iteration count 2147483648 exceeds the limit')
put('p12-pbmac1.p12', pfx(seq(), mac_oid='1.2.840.113549.1.5.14'), P12, 'PBMAC1')
put('p12-3des-2e31-iterations.p12', pfx(seq(encrypted_info(pbe('3', 2**31)))), P12, 'iteration count 2147483648 exceeds the limit')
put('p12-pbkdf2-2e31-iterations.p12', pfx(seq(encrypted_info(seq(oid('1.2.840.113549.1.5.13'), seq(pbkdf2(2**31 - 1), seq(oid('2.16.840.1.101.3.4.1.42'), octets(b'\x00' * 16))))))), P12, 'iteration count 2147483647 exceeds the limit')
put('p12-rc4.p12', pfx(seq(encrypted_info(pbe('1', 2048)))), P12, 'pbeWithSHAAnd128BitRC4')
put('p12-nested-100.p12', pfx(seq(data_info(nested(100)))), P12, 'nested deeper than')
put('p12-nested-9.p12', pfx(seq(data_info(nested(9)))), P12, 'nested deeper than 8')
put('p12-2000-bags.p12', pfx(seq(data_info(seq(*[secret_bag] * 2000)))), P12, 'more than 1024 bags')
put('p12-enveloped.p12', pfx(seq(seq(oid('1.2.840.113549.1.7.3'), ctx0(seq())))), P12, 'envelopedData')
put('p12-empty.p12', pfx(seq()), P12, 'holds no certificate or private key|holds no private key|no private key found|no certificate')
open('/tmp/hostile-p12-key.pem', 'wb').write(rsa_key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()))
put('p12-key-no-certificate.p12', openssl('pkcs12', '-export', '-nocerts', '-inkey', '/tmp/hostile-p12-key.pem', '-passout', 'pass:' + PW.decode()), 'key2pfx sshpubfromcert', 'no certificate')
os.remove('/tmp/hostile-p12-key.pem')
put('p12-certificate-no-key.p12', openssl('pkcs12', '-export', '-nokeys', '-passout', 'pass:' + PW.decode(), stdin=good_cert), 'key2pfx key2ppk ppk2key', 'no private key')

with open(os.path.join(HERE, 'expectations.tsv'), 'w') as f:
    f.write('# file\ttools that take this kind of input\tregex (case-insensitive) for the one stderr line\n')
    for r in rows: f.write('\t'.join(r) + '\n')
print(f'{len(rows)} hostile files')
