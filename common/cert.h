// X.509 through Botan: reading certificates and public keys for SSH, and making the
// self-signed certificate that `openssl req -x509` makes (formats.md §2.6, §2.7, §7).
#pragma once

#include "bytes.h"
#include "key.h"

#include <botan/rng.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace keypipe::cert {

// A public key from SubjectPublicKeyInfo DER. RSA, ECDSA on the curves of key.h's table
// (compressed points are expanded) and Ed25519; Error naming anything else ("unsupported key type: DSA").
PublicKey public_key_from_spki(ByteView spki);
// A public key from PKCS#1 RSAPublicKey DER.
PublicKey public_key_from_pkcs1(ByteView der);

struct Certificate {
    Bytes der;             // exactly the bytes read: thumbprints are computed over them
    PublicKey key;
    std::string subject;   // "CN=vm1,O=Example" in certificate order
    std::string common_name;  // first CN, "" if none
};

// Parses one DER certificate. Throws Error("not a valid X.509 certificate", ...).
Certificate read_certificate(ByteView der);

// Uppercase hex SHA-1 of the DER, no separators (Azure / Windows thumbprint).
std::string thumbprint(ByteView der);

// Subject strings: "CN=vm1,O=Example,C=US" or OpenSSL's "/CN=vm1/O=Example"; '\' escapes
// the separator. Returns (attribute OID, value) in order. Throws Error.
using Subject = std::vector<std::pair<std::string, std::string>>;
Subject parse_subject(const std::string& text);

// A subjectAltName entry: Botan's type ("DNS", "IP", "RFC822", "URI") and the value.
struct AltName {
    std::string type, value;
};
// "DNS:x,IP:1.2.3.4,email:a@b,URI:u" (types case-insensitive; IPv4 or IPv6). Throws Error.
std::vector<AltName> parse_san(const std::string& list);

struct SelfSignOptions {
    Subject subject;
    std::vector<AltName> san;
    uint32_t days = 365;
    std::chrono::system_clock::time_point not_before = std::chrono::system_clock::now();
};

// X.509 v3, self-signed, random positive 128-bit serial, SHA-256 (pure Ed25519 for
// Ed25519), with subjectKeyIdentifier, authorityKeyIdentifier and critical
// basicConstraints CA:TRUE as `openssl req -x509` writes them. Returns DER.
Bytes make_self_signed(const PrivateKey& key, const SelfSignOptions& options, Botan::RandomNumberGenerator& rng);

// A PKCS#10 request (`openssl req -new`) for the same subject, with the SAN entries as an
// extension request; signed with the key (SHA-256, pure Ed25519). Returns DER.
Bytes make_request(const PrivateKey& key, const SelfSignOptions& options, Botan::RandomNumberGenerator& rng);

constexpr uint32_t max_days = 36500;

}  // namespace keypipe::cert
