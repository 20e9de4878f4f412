// PKCS#8 private keys, plain and PBES2-encrypted (formats.md §2.4, §2.5; RFC 5208/5958).
//
// Structures are read with der::Reader so every error names the field; Botan does the
// maths (key construction, PBES2, AES). The RSA and EC keys inside are PKCS#1 and SEC1
// structures, read and written by fmt_traditional.cpp. The reader accepts PKCS#8 version 1
// (its public key is only cross-checked); the writer produces OpenSSL's bytes (no
// attributes). Keys encrypted with the PKCS#12 PBEs (openssl pkcs8 -v1
// PBE-SHA1-3DES) are decrypted by fmt_pkcs12. PKCS#5 v1.5 PBES1 is not supported: it is
// obsolete, and the error says so.
#include "fmt_pkcs8.h"

#include "fmt_traditional.h"
#include "der.h"
#include "error.h"
#include "fmt_pkcs12.h"
#include "kdf_limits.h"
#include "pem.h"

#include <botan/cipher_mode.h>
#include <botan/der_enc.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/pbes2.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

namespace keypipe {
namespace {

constexpr const char* oid_pbes2 = "1.2.840.113549.1.5.13";
constexpr const char* oid_pbkdf2 = "1.2.840.113549.1.5.12";
constexpr const char* oid_scrypt = "1.3.6.1.4.1.11591.4.11";
// What openssl pkcs8 -topk8 -v2 and the other peers write (formats.md §2.5).
const std::string pbes2_ciphers[] = {"2.16.840.1.101.3.4.1.2", "2.16.840.1.101.3.4.1.22", "2.16.840.1.101.3.4.1.42",
                                     "1.2.840.113549.3.7"};
constexpr uint64_t max_scrypt_parallelism = 16;  // openssl and python-cryptography write p = 1
// hmacWithSHA1, -SHA224, -SHA256, -SHA384, -SHA512 and -SHA512-256 (RFC 8018 §B.1.2):
// every PRF openssl pkcs8 -v2prf offers that Botan 2 has the hash of.
const std::string pbkdf2_prfs[] = {"1.2.840.113549.2.7",  "1.2.840.113549.2.8",  "1.2.840.113549.2.9",
                                   "1.2.840.113549.2.10", "1.2.840.113549.2.11", "1.2.840.113549.2.13"};
// hmacWithSHA512-224: openssl writes it, but Botan 2 has no SHA-512/224.
constexpr const char* oid_hmac_sha512_224 = "1.2.840.113549.2.12";

// Runs f with the passphrase as the std::string Botan wants; it lives only for the call.
template <typename F>
auto with_passphrase_string(const SecretBytes& pass, F&& f) {
    std::string s(pass.begin(), pass.end());
    try {
        auto result = f(s);
        Botan::secure_scrub_memory(s.data(), s.size());
        return result;
    } catch (...) {
        Botan::secure_scrub_memory(s.data(), s.size());
        throw;
    }
}

// Rejects PBES2 parameters whose cost would take minutes or gigabytes, before any work,
// and those Botan would refuse, so that a failure to decrypt can only mean a wrong
// passphrase. Returns the bytes the KDF allocates (scrypt's; 0 for PBKDF2).
uint64_t check_pbes2_cost(ByteView params_der, const KdfLimits& limit) {
    uint64_t memory = 0;
    der::Reader params(params_der, "PBES2 parameters");
    der::Reader kdf = params.sequence("keyDerivationFunc");
    const std::string kdf_oid = kdf.oid("keyDerivationFunc");
    der::Reader kdf_params = kdf.sequence("KDF parameters");
    kdf_params.octet_string("salt");
    if (kdf_oid == oid_pbkdf2) {
        const Botan::BigInt iterations = kdf_params.integer("iterationCount", 64);
        if (iterations.is_zero()) throw Error("invalid PBKDF2 iteration count 0");
        if (iterations > limit.pbkdf2_iterations)
            throw Error("PBKDF2 iteration count " + iterations.to_dec_string() + " exceeds the limit of " +
                        std::to_string(limit.pbkdf2_iterations) + limit.raise_hint);
    } else if (kdf_oid == oid_scrypt) {
        const Botan::BigInt n = kdf_params.integer("N", 64), r = kdf_params.integer("r", 64), p = kdf_params.integer("p", 64);
        const std::string params_text = "scrypt parameters (N=" + n.to_dec_string() + ", r=" + r.to_dec_string() +
                                        ", p=" + p.to_dec_string() + ")";
        if (n < 2 || n != Botan::BigInt::power_of_2(n.bits() - 1) || r < 1 || p < 1)
            throw Error(params_text + " are invalid (N a power of 2 above 1, r and p at least 1)");
        // A fixed sanity bound, not a cost limit: no writer uses more, and the work limit
        // below already bounds what p costs.
        if (p > max_scrypt_parallelism)
            throw Error(params_text + " exceed the limit of p <= " + std::to_string(max_scrypt_parallelism));
        // Work first: of two limits exceeded, the time is what a user would notice.
        if (n * r * p > limit.scrypt_work)
            throw Error(params_text + " exceed the limit of " + std::to_string(limit.scrypt_work) +
                        " for work = N*r*p" + limit.raise_hint);
        // What Botan allocates: the table of N+1 blocks and p lanes, each of 128*r bytes.
        const Botan::BigInt bytes = (n + 1 + p) * r * 128;
        if (bytes > limit.scrypt_memory_bytes)
            throw Error(params_text + " exceed the limit of " + std::to_string(limit.scrypt_memory_bytes >> 20) +
                        " MiB for memory = 128*r*(N+1+p)" + limit.raise_hint);
        memory = std::stoull(bytes.to_dec_string());  // at most the limit: fits
    } else {
        throw Error("unsupported PBES2 key derivation " + kdf_oid + " (PBKDF2 and scrypt are supported)");
    }
    if (kdf_oid == oid_pbkdf2 && !kdf_params.at_end()) {  // keyLength and prf are optional
        if (kdf_params.next_is(der::tag_integer)) kdf_params.integer("keyLength", 16);
        if (!kdf_params.at_end()) {
            der::Reader prf = kdf_params.sequence("prf");
            const std::string prf_oid = prf.oid("prf");
            if (prf_oid == oid_hmac_sha512_224)
                throw Error("unsupported PRF hmacWithSHA512-224 (re-encrypt with: openssl pkcs8 -topk8 -v2 aes-256-cbc)");
            if (std::find(std::begin(pbkdf2_prfs), std::end(pbkdf2_prfs), prf_oid) == std::end(pbkdf2_prfs))
                throw Error("unsupported PBKDF2 PRF " + prf_oid + " (HMAC with SHA-1 or SHA-2 is supported)");
        }
    }
    der::Reader scheme = params.sequence("encryptionScheme");
    const std::string cipher_oid = scheme.oid("encryptionScheme");
    if (std::find(std::begin(pbes2_ciphers), std::end(pbes2_ciphers), cipher_oid) == std::end(pbes2_ciphers))
        throw Error("unsupported PBES2 cipher " + cipher_oid + " (AES-CBC and DES-EDE3-CBC are supported)");
    const size_t iv_bytes = cipher_oid == pbes2_ciphers[3] ? 8 : 16;
    if (scheme.octet_string("IV").size() != iv_bytes) scheme.fail("IV", "must be " + std::to_string(iv_bytes) + " bytes");
    return memory;
}

}  // namespace

// ---------------------------------------------------------------------------- PKCS#8

PrivateKey pkcs8::read(ByteView der) {
    const char* what = "PKCS#8 key";
    der::Reader r(der, what);
    const long version = r.small_integer("version");
    if (version != 0 && version != 1) r.fail("version", "must be 0 or 1");
    der::Reader alg = r.sequence("privateKeyAlgorithm");
    const std::string oid = alg.oid("algorithm");
    const ByteView inner = r.octet_string("privateKey");
    if (r.next_is(der::tag_context(0))) r.any("attributes");
    std::optional<ByteView> public_key;
    if (r.next_is(der::tag_context(1, false))) public_key = r.any("publicKey").value;
    r.expect_end("PrivateKeyInfo");

    switch (key_family_from_oid(oid)) {
    case KeyFamily::rsa:
        return traditional::read_rsa_private_key(inner, what);
    case KeyFamily::ecdsa: {
        const der::Element params = alg.any("curve parameters");
        return traditional::read_ec_private_key(inner, traditional::curve_from_parameters(params.whole, what), what);
    }
    case KeyFamily::ed25519: {
        const der::Element seed = der::read_element(inner, what);
        if (seed.tag != der::tag_octet_string || seed.whole.size() != inner.size() || seed.value.size() != 32)
            throw Error("PKCS#8 key: Ed25519 private key is not a 32-byte OCTET STRING");
        auto key = std::make_unique<Botan::Ed25519_PrivateKey>(seed.value.to_secret());
        if (public_key && (public_key->empty() || (*public_key)[0] != 0 ||
                           public_key->subspan(1) != ByteView(key->get_public_key())))
            throw Error("PKCS#8 key: public key does not match the private key");
        return make_private_key(std::move(key), "", what);
    }
    }
    throw Error("unsupported key algorithm " + oid);
}

PrivateKey pkcs8::read_encrypted(ByteView der, PassphraseSource& pass, const KdfLimits& limits) {
    der::Reader r(der, "encrypted PKCS#8 key");
    der::Reader alg = r.sequence("encryptionAlgorithm");
    const std::string oid = alg.oid("algorithm");
    const der::Element params = alg.any("parameters");
    const ByteView encrypted = r.octet_string("encryptedData");
    r.expect_end("EncryptedPrivateKeyInfo");
    if (pkcs12::is_pbe(oid))  // openssl pkcs8 -v1 PBE-SHA1-3DES, certtool 3des-pkcs12
        return read(ByteView(pkcs12::decrypt_pbe(oid, params.whole, encrypted, ByteView(pass.get("the PKCS#8 key")), limits)));
    if (oid != oid_pbes2)
        throw Error("unsupported PKCS#8 encryption " + oid +
                    " (only PBES2 and PKCS#12 PBEs; re-encrypt with: openssl pkcs8 -topk8 -v2 aes-256-cbc)");
    check_pbes2_cost(params.whole, limits);  // before asking for a passphrase
    if (encrypted.empty() || encrypted.size() % 8 != 0)
        throw Error("encrypted PKCS#8 key: encryptedData is not a whole number of cipher blocks");
    return read(ByteView(pbes2_decrypt(params.whole, encrypted, pass.get("the PKCS#8 key"), limits)));
}

SecretBytes pkcs8::pbes2_decrypt(ByteView params, ByteView encrypted, const SecretBytes& passphrase, const KdfLimits& limits) {
    const uint64_t memory = check_pbes2_cost(params, limits);
    if (encrypted.empty() || encrypted.size() % 8 != 0)
        throw Error("encrypted PKCS#8 key: encryptedData is not a whole number of cipher blocks");
    SecretBytes plain;
    const auto lease = limits.memory->reserve(memory);
    // The parameters are checked above, so Botan's Decoding_Error here is the CBC padding:
    // a wrong passphrase. Any other failure is reported as what it is, never as that.
    try {
        plain = with_passphrase_string(passphrase, [&](const std::string& p) {
            return Botan::pbes2_decrypt(encrypted.to_secret(), p, params.to_bytes());
        });
    } catch (const Botan::Decoding_Error&) {
        throw Error("wrong passphrase");
    } catch (const Botan::Exception&) {
        throw Error("encrypted PKCS#8 key: cannot decrypt (unsupported or invalid PBES2 parameters)");
    }
    try {
        der::check_single_element(ByteView(plain), "decrypted data");
    } catch (const Error&) {
        throw Error("wrong passphrase");
    }
    return plain;
}

SecretBytes pkcs8::write(const PrivateKey& key) {
    Botan::DER_Encoder enc;
    enc.start_cons(Botan::SEQUENCE).encode(size_t(0));
    if (key.type == KeyType::rsa || key.type == KeyType::ed25519) {
        enc.encode(key.key->algorithm_identifier()).encode(key.key->private_key_bits(), Botan::OCTET_STRING);
    } else {
        enc.start_cons(Botan::SEQUENCE)
            .encode(Botan::OID(std::string(algorithm_oid(KeyFamily::ecdsa))))
            .encode(Botan::OID(std::string(key_type_info(key.type).curve_oid)))
            .end_cons()
            .encode(traditional::ec_private_key_der(key, false), Botan::OCTET_STRING);
    }
    return enc.end_cons().get_contents();
}

SecretBytes pkcs8::write_encrypted(const PrivateKey& key, ByteView passphrase, Botan::RandomNumberGenerator& rng) {
    const SecretBytes plain = write(key);
    const auto [alg, encrypted] = with_passphrase_string(passphrase.to_secret(), [&](const std::string& p) {
        return Botan::pbes2_encrypt_iter(plain, p, pbkdf2_iterations, "AES-256/CBC", "SHA-256", rng);
    });
    return Botan::DER_Encoder().start_cons(Botan::SEQUENCE).encode(alg).encode(encrypted, Botan::OCTET_STRING).end_cons().get_contents();
}

}  // namespace keypipe
