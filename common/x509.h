// What keypipe reads from an X.509 certificate (formats.md §2.7), straight from its DER.
//
// Botan's X509_Certificate refuses a whole certificate for one name attribute it cannot
// turn into text (an x500UniqueIdentifier BIT STRING in some eID and government
// certificates) and for some key types; keypipe only needs the fields below, so it reads
// them itself with Botan's BER_Decoder and never depends on parsing every attribute.
#pragma once

#include "bytes.h"

#include <cstdint>
#include <string>
#include <vector>

namespace keypipe::x509 {

struct Name {
    Bytes der;                // the Name's DER, as in the certificate
    std::string text;         // as `openssl x509 -subject` prints it (-nameopt oneline, UTF-8 kept):
                              // "CN = vm1, O = Example"; "+" joins a multi-valued RDN; a value that
                              // is not a string is "#" and its DER in hex, as OpenSSL dumps it
    std::string compact;      // "CN=vm1,O=Example": the comment sshpubfromcert gives a key whose
                              // certificate has no CN (values unescaped, control characters kept)
    std::string common_name;  // the first CN ("" when none), as OpenSSL's lookup finds it
};

struct Certificate {
    Bytes der;                     // the certificate's DER, exactly as read (thumbprints use it)
    int version = 1;               // 1 or 3 (2 is legal and rare)
    std::string serial;            // uppercase hex of the magnitude, as `openssl x509 -serial`;
                                   // "-" before a negative one
    Name issuer, subject;
    int64_t not_before = 0, not_after = 0;  // seconds since 1970-01-01 UTC
    Bytes spki;                    // SubjectPublicKeyInfo DER
    std::vector<std::string> san;  // "DNS:host", "IP:10.0.0.1", "IP:2001:db8::1", "email:a@b",
                                   // "URI:...", "dirName:/CN=...", "RID:1.2.3", "othername:OID"
    std::string signature_algorithm;  // dotted OID of the outer signatureAlgorithm
    bool self_signed = false;      // issuer equals subject and the signature verifies with the
                                   // certificate's own key (false when either is unknown, and
                                   // when read without Check::self_signature)
};

// Whether read() checks the signature with the certificate's own key. Only keyinfo shows
// it; the check costs an RSA public-key setup (about 30 million instructions for RSA-2048,
// most of a small conversion), so the converters skip it.
enum class Check { none, self_signature };

// Reads one DER certificate (`der` is exactly the certificate; a TRUSTED CERTIFICATE's
// trust data is cut off by the caller). Throws Error("not a valid X.509 certificate: WHY").
Certificate read(ByteView der, Check check = Check::none);

// A PKCS#10 certificate request: its subject and key (the signature is not checked).
struct Request {
    Name subject;
    Bytes spki;
};
// Throws Error("not a valid certificate request: WHY").
Request read_request(ByteView der);

// The certificates of a PKCS#7 SignedData (.p7b, `openssl crl2pkcs7`), in order, each exactly
// as stored. Throws Error("not a PKCS#7 SignedData: WHY"); no certificates is an empty list.
std::vector<Bytes> pkcs7_certificates(ByteView der);

// "2026-12-02T17:04:05Z" (RFC 3339, UTC).
std::string rfc3339(int64_t seconds);

constexpr size_t max_name_attributes = 256;  // real names hold a handful
constexpr size_t max_san_entries = 4096;     // big multi-domain certificates hold a few hundred
constexpr size_t max_pkcs7_certificates = 4096;  // CA bundles as .p7b hold a few hundred

}  // namespace keypipe::x509
