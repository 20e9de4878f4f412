// PKCS#12 / PFX (.pfx, .p12): a private key and its certificates under one password
// (RFC 7292; PBES2 as formats.md §2.5). Read: MAC verified first, then PBES2 or PKCS#12 PBEs
// decrypted, every cost capped. Written: OpenSSL 3's default profile, or the legacy
// 3DES/SHA-1 one that old Windows and Java import.
#pragma once

#include "bytes.h"
#include "kdf_limits.h"
#include "key.h"
#include "passphrase.h"

#include <botan/rng.h>

#include <string>
#include <vector>

namespace keypipe::pkcs12 {

// True when `input` starts like a PFX: DER (SEQUENCE { INTEGER 3, ...}), or the base64 of
// it that Azure's APIs return (whitespace allowed). Cheap; never throws.
bool sniff(ByteView input);

struct Entry {
    enum class Kind { certificate, private_key } kind;
    SecretBytes der;            // X.509 certificate, or PKCS#8 PrivateKeyInfo (decrypted)
    std::string friendly_name;  // friendlyName attribute as UTF-8, "" if none
    Bytes local_key_id;         // localKeyId attribute, empty if none
};

// The certificates and private keys of a PFX in bag order. Asks `pass` only when the file
// is protected by a password other than the empty one (tried first, as absent and as
// empty, like OpenSSL). The MAC is verified before anything is decrypted. Throws Error:
// "wrong passphrase", a structure error naming the field, an unsupported algorithm by
// name (RC4, PBMAC1, public-key privacy mode), or a cost beyond `limits`.
std::vector<Entry> read(ByteView input, PassphraseSource& pass, const KdfLimits& limits = KdfLimits());

// The first private key of a PFX. Throws Error as read(), and when there is none.
PrivateKey read_private_key(ByteView input, PassphraseSource& pass, const KdfLimits& limits = KdfLimits());

// What a PFX keeps in the clear, read without its password (keyinfo): RFC 7292 leaves the
// MAC's parameters, each part's encryption algorithm and every bag outside an encrypted
// safe readable. Nothing is decrypted. Bounded and structure-checked as read(); throws Error
// for a malformed file.
struct Outline {
    std::string detail;  // "" for password integrity, else what protects the file instead
    std::string mac;     // "HMAC-SHA256, 2048 iterations", or "none"
    struct Part {
        std::string content;  // "encrypted safe (contents hidden)", "certificate", "shrouded private key", ...
        Bytes algorithm;      // the AlgorithmIdentifier (DER) it is encrypted with; empty when in the clear
    };
    std::vector<Part> parts;   // in file order
    std::vector<Entry> clear;  // the certificates and keys stored in the clear, in file order
};
Outline outline(ByteView input);

// True for the PKCS#12 PBE OIDs (1.2.840.113549.1.12.1.*), whatever the cipher.
bool is_pbe(const std::string& oid);
// Decrypts data encrypted with a PKCS#12 PBE (RFC 7292 Appendix C): 3DES (3- and 2-key)
// and RC2 (128- and 40-bit), key and IV from the PKCS#12 KDF with SHA-1 over the BMPString
// password. `params` is the AlgorithmIdentifier's parameters DER. Used for encrypted
// PKCS#8 too (openssl pkcs8 -v1 PBE-SHA1-3DES). Throws Error("wrong passphrase") when no
// password encoding gives one well-formed DER element, and names RC4 as unsupported.
SecretBytes decrypt_pbe(const std::string& oid, ByteView params, ByteView encrypted, ByteView passphrase,
                        const KdfLimits& limits = KdfLimits());

// RFC 7292 Appendix B.2: `n` bytes of key material of purpose `id` (1 key, 2 IV, 3 MAC
// key) from `hash` ("SHA-1", "SHA-256", ...) over the password as BMPString with its
// terminating zero (empty for an absent password), salt and iterations.
SecretBytes kdf(const std::string& hash, uint8_t id, ByteView bmp_password, ByteView salt, size_t iterations, size_t n);
// The password as the PKCS#12 KDF takes it: UTF-8 decoded to UTF-16BE with two zero bytes
// after it (bytes that are not UTF-8 are taken one per character, as OpenSSL 1.x did).
SecretBytes bmp_password(ByteView utf8);

struct WriteOptions {
    // false: OpenSSL 3's default: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for the key and
    // the certificates, HMAC-SHA256 MAC. true: pbeWithSHAAnd3-KeyTripleDES-CBC for both and
    // an HMAC-SHA1 MAC, which Windows Server 2016, Windows 7 and old Java import.
    bool legacy = false;
    size_t iterations = 2048;   // encryption and MAC, as openssl pkcs12 -export
    std::string friendly_name;  // "" for none
};

// A PFX holding `key` (with friendlyName and localKeyId = SHA-1 of certificates[0]) and the
// certificates (DER), certificates[0] being the key's, laid out as openssl pkcs12 -export
// does: one encrypted safe of certificate bags, then one plain safe with the shrouded key.
// Salts and IVs come from `rng` in the order they appear in the output.
Bytes write(const PrivateKey& key, const std::vector<Bytes>& certificates, ByteView passphrase,
            const WriteOptions& options, Botan::RandomNumberGenerator& rng);

// Limits on what a file may ask for, before any work.
constexpr size_t max_bags = 1024;            // certificates and keys in one file; real ones hold a handful
constexpr size_t max_encrypted_parts = 16;   // decryptions per file (openssl writes 2, Windows 2)
constexpr size_t max_nesting = 8;            // safeContentsBag inside safeContentsBag: unused in practice
constexpr size_t max_write_iterations = 10'000'000;  // --iter: what a reader's default limit accepts

}  // namespace keypipe::pkcs12
