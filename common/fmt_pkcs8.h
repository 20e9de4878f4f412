// PKCS#8 PrivateKeyInfo and EncryptedPrivateKeyInfo (formats.md §2.4, §2.5; RFC 5208/5958).
#pragma once

#include "bytes.h"
#include "kdf_limits.h"
#include "key.h"
#include "passphrase.h"

#include <botan/rng.h>

namespace keypipe::pkcs8 {

// DER of a PrivateKeyInfo (version 0 or 1). Throws Error.
PrivateKey read(ByteView der);
// DER of an EncryptedPrivateKeyInfo (PBES2 with PBKDF2 or scrypt, or a PKCS#12 PBE; costs
// capped by `limits` before any work, scrypt's memory reserved in their budget). Throws
// Error; "wrong passphrase" only for bad padding or a decrypted body that is not DER.
PrivateKey read_encrypted(ByteView der, PassphraseSource& pass, const KdfLimits& limits = KdfLimits());
// PBES2 decryption of any data (PKCS#12 bags too): `params` is the PBES2 parameters DER.
// Costs are checked against `limits` first. Returns the plaintext, which is one well-formed
// DER element, or throws Error("wrong passphrase"), or Error naming an unsupported or too
// costly choice.
SecretBytes pbes2_decrypt(ByteView params, ByteView encrypted, const SecretBytes& passphrase, const KdfLimits& limits);

// PrivateKeyInfo DER, byte-identical to OpenSSL's for RSA, EC and Ed25519.
SecretBytes write(const PrivateKey& key);
// EncryptedPrivateKeyInfo DER: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC.
SecretBytes write_encrypted(const PrivateKey& key, ByteView passphrase, Botan::RandomNumberGenerator& rng);

constexpr size_t pbkdf2_iterations = 600000;  // OWASP 2023 for PBKDF2-HMAC-SHA256; openssl writes 2048

}  // namespace keypipe::pkcs8
