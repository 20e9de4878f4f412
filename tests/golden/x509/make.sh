#!/usr/bin/env bash
# Makes the certificate golden files for x509 reading and keyinfo with the real openssl and
# python3-cryptography (run from this folder; the files are committed). For each NAME.pem,
# NAME.txt is what openssl prints for it: subject and issuer (-nameopt oneline,-esc_msb: OpenSSL's
# default with UTF-8 kept), serial, dates (ISO 8601) and subjectAltName.
#   san.pem        IPv4 and IPv6, DNS, email, URI entries; RFC 2253 specials, UTF-8 and a
#                  multi-valued RDN in the subject
#   uid.pem        an x500UniqueIdentifier BIT STRING in subject and issuer (eID style;
#                  python3-cryptography, since openssl -subj writes only strings), serial 0x1234
#   pss.pem        an RSA-PSS key (openssl genpkey -algorithm RSA-PSS)
#   v1.pem         no extensions, version 1 (openssl x509 -req)
#   bundle.p7b     san.pem, uid.pem and v1.pem as PKCS#7 (openssl crl2pkcs7), bundle.p7b.der in DER
#   req.csr        a PKCS#10 request (openssl req -new)
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.pem ./*.txt ./*.p7b* ./*.csr ./*.key
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -nodes -days 3650 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$tmp/san.key" -utf8 \
    -subj '/CN=a\,b "q"/O=Caf'$'\xc3\xa9'' Ltd/OU=ops+OU=dev/L=#hash/ST= padded ' -multivalue-rdn \
    -addext 'subjectAltName=DNS:a.example,IP:10.0.0.1,IP:2001:db8::1,email:a@b.example,URI:https://x.example/' \
    -out san.pem 2>/dev/null
python3 - <<'PY'
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.x509.name import _ASN1Type
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes, serialization
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "eid user"),
                  x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, b"\x00\x07\x80", _type=_ASN1Type.BitString)])
start = datetime.datetime(2026, 1, 1)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(0x1234).not_valid_before(start).not_valid_after(start + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256()))
open("uid.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
PY
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out "$tmp/pss.key" 2>/dev/null
openssl req -x509 -key "$tmp/pss.key" -subj /CN=pss -days 3650 -out pss.pem
openssl req -new -key "$tmp/san.key" -subj /CN=v1 -out "$tmp/v1.csr"
openssl x509 -req -in "$tmp/v1.csr" -signkey "$tmp/san.key" -days 3650 -out v1.pem 2>/dev/null
openssl req -new -key "$tmp/san.key" -subj '/CN=request/O=keypipe' -out req.csr
openssl crl2pkcs7 -nocrl -certfile san.pem -certfile uid.pem -certfile v1.pem -out bundle.p7b
openssl pkcs7 -in bundle.p7b -outform der -out bundle.p7b.der
for f in san uid pss v1; do
    openssl x509 -in "$f.pem" -noout -subject -issuer -serial -dates -dateopt iso_8601 -nameopt oneline,-esc_msb \
        -ext subjectAltName > "$f.txt" 2>/dev/null
done
openssl version > VERSIONS
