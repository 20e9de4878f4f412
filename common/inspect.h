// What an input holds, described without a passphrase: every key, certificate, request and
// container in it, with what is stored in the clear (keyinfo). Encrypted PPK and OpenSSH
// files keep their public key in clear; encrypted PKCS#8 and legacy PEM keys do not, so
// for them only the encryption is described. PKCS#12 files show their MAC, the encryption
// of each part, and the certificates and keys stored outside an encrypted safe.
#pragma once

#include "bytes.h"
#include "key.h"
#include "x509.h"

#include <optional>
#include <string>
#include <vector>

namespace keypipe::inspect {

struct Item {
    Item(std::string kind_, std::string format_, std::string encoding_)
        : kind(std::move(kind_)), format(std::move(format_)), encoding(std::move(encoding_)) {}

    std::string kind;        // "private key", "public key", "certificate", "certificate request",
                             // "CRL", "PKCS#7", "PKCS#12", "EC parameters"
    std::string format;      // "PKCS#8", "PKCS#1", "SEC1", "OpenSSH", "PPK v3", "OpenSSH public key",
                             // "authorized_keys", "known_hosts", "RFC 4716", "SPKI", "X.509 v3", "PKCS#10"...
    std::string encoding;    // "PEM", "DER" or "text"
    std::optional<PublicKey> key;  // the public key, when it can be read without a passphrase
    std::string key_problem;       // why there is no key although there should be one
                                   // ("unsupported key type: RSA-PSS"), else ""
    std::string comment;     // key comment (OpenSSH, PPK, public-key files), certificate CN
    std::string options;     // authorized_keys options or known_hosts host patterns before the key
    bool encrypted = false;
    std::string encryption;  // "aes256-ctr, bcrypt 16 rounds", "AES-256/CBC, PBKDF2-HMAC-SHA256 2048
                             // iterations", "aes256-cbc, Argon2id 8192 KiB 34 passes 1 lane", ...
    std::optional<x509::Certificate> certificate;  // certificates (also those inside PKCS#7)
    std::optional<x509::Name> request_subject;     // certificate requests
    std::string detail;      // for containers and other objects: "3 certificates", "curve P-256"
    // PKCS#12 only: what is visible without the password (RFC 7292 keeps the MAC parameters,
    // the encryption of each part and every bag outside an encrypted safe in the clear).
    std::string mac;         // "HMAC-SHA256, 2048 iterations", or "none"
    struct Part {
        std::string content;     // "encrypted safe", "certificate", "shrouded private key", "private key", ...
        std::string encryption;  // as `encryption` above; "" when in the clear
    };
    std::vector<Part> parts;
};

// Every object in `input`, in order (the certificates of a PKCS#7 follow it). Throws Error
// when nothing in the input is recognised or an object is malformed.
std::vector<Item> describe(ByteView input);

}  // namespace keypipe::inspect
