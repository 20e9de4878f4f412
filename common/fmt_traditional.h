// PKCS#1 and SEC1 private keys ("traditional" OpenSSL keys) and OpenSSL's legacy PEM
// encryption of them (formats.md §1.4, §2.2, §2.3; RFC 8017, RFC 5915).
#pragma once

#include "bytes.h"
#include "key.h"
#include "pem.h"
#include "passphrase.h"

#include <botan/ecdsa.h>
#include <botan/rng.h>

#include <optional>
#include <string>

namespace keypipe::traditional {

// PKCS#1 RSAPrivateKey or SEC1 ECPrivateKey DER (SEC1 needs its [0] curve parameters,
// or `curve_der` from a preceding EC PARAMETERS block). Throws Error.
PrivateKey read_pkcs1(ByteView der);
PrivateKey read_sec1(ByteView der, ByteView curve_der = {});

// "RSA PRIVATE KEY" / "EC PRIVATE KEY" DER as OpenSSL writes it. Ed25519 has no
// traditional form: Error.
SecretBytes write(const PrivateKey& key);
// The PEM label for write()'s output.
const char* label(const PrivateKey& key);

// The structures inside PKCS#8 (`what` names the container in errors): an RSAPrivateKey,
// an ECPrivateKey on the curve `type` (or the one its [0] names), and the named curve of
// an AlgorithmIdentifier's or EC PARAMETERS block's parameters. Throw Error.
PrivateKey read_rsa_private_key(ByteView der, const char* what);
PrivateKey read_ec_private_key(ByteView der, std::optional<KeyType> type, const char* what);
KeyType curve_from_parameters(ByteView der_params, const char* what);
// ECPrivateKey DER as OpenSSL writes it, with [0] parameters (SEC1) or without (PKCS#8).
SecretBytes ec_private_key_der(const PrivateKey& key, bool with_parameters);

// True when a PEM block's headers say it is legacy-encrypted (Proc-Type: 4,ENCRYPTED).
bool is_legacy_encrypted(const pem::Headers& headers);
// Legacy OpenSSL PEM encryption (Proc-Type: 4,ENCRYPTED; DEK-Info): decrypts `body` with
// the cipher named in `dek_info` (AES-128/192/256-CBC, DES-EDE3-CBC). Throws Error;
// "wrong passphrase" only when the padding or the DER inside is wrong.
SecretBytes decrypt_legacy(ByteView body, const std::string& dek_info, PassphraseSource& pass);
// PEM text with legacy AES-128-CBC encryption (as ssh-keygen -m PEM; puttygen reads it).
SecretBytes write_pem_encrypted(const PrivateKey& key, ByteView passphrase, Botan::RandomNumberGenerator& rng);

}  // namespace keypipe::traditional
