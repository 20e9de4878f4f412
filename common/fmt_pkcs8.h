// PKCS#8 PrivateKeyInfo and EncryptedPrivateKeyInfo (formats.md §2.4, §2.5; RFC 5208/5958).
#pragma once

#include "bytes.h"
#include "key.h"
#include "passphrase.h"

#include <botan/rng.h>

namespace keypipe::pkcs8 {

// DER of a PrivateKeyInfo (version 0 or 1). Throws Error.
PrivateKey read(ByteView der);
// DER of an EncryptedPrivateKeyInfo (PBES2 with PBKDF2 or scrypt, or a PKCS#12 PBE; costs
// capped). Throws Error.
PrivateKey read_encrypted(ByteView der, PassphraseSource& pass);
// PBES2 decryption of any data (PKCS#12 bags too): `params` is the PBES2 parameters DER.
// Costs are checked first. Returns the plaintext, which is one well-formed DER element, or
// throws Error("wrong passphrase"), or Error naming an unsupported or too costly choice.
SecretBytes pbes2_decrypt(ByteView params, ByteView encrypted, const SecretBytes& passphrase);

// PrivateKeyInfo DER, byte-identical to OpenSSL's for RSA, EC and Ed25519.
SecretBytes write(const PrivateKey& key);
// EncryptedPrivateKeyInfo DER: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC.
SecretBytes write_encrypted(const PrivateKey& key, ByteView passphrase, Botan::RandomNumberGenerator& rng);

constexpr size_t pbkdf2_iterations = 600000;  // OWASP 2023 for PBKDF2-HMAC-SHA256; openssl writes 2048

}  // namespace keypipe::pkcs8

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

// Legacy OpenSSL PEM encryption (Proc-Type: 4,ENCRYPTED; DEK-Info): decrypts `body` with
// the cipher named in `dek_info` (AES-128/192/256-CBC, DES-EDE3-CBC). Throws Error.
SecretBytes decrypt_legacy(ByteView body, const std::string& dek_info, PassphraseSource& pass);
// PEM text with legacy AES-128-CBC encryption (as ssh-keygen -m PEM; puttygen reads it).
SecretBytes write_pem_encrypted(const PrivateKey& key, ByteView passphrase, Botan::RandomNumberGenerator& rng);

}  // namespace keypipe::traditional
