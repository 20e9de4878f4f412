// PKCS#8 (plain and PBES2-encrypted), PKCS#1 and SEC1 private keys, and OpenSSL's legacy
// PEM encryption (formats.md §1.4, §2.2-2.5).
//
// Structures are read with der::Reader so every error names the field; Botan does the
// maths (key construction, PBES2, AES). Readers accept what OpenSSL, ssh-keygen and
// puttygen write, including PKCS#8 version 1 (its public key is only cross-checked) and
// SEC1 keys whose curve comes from a preceding EC PARAMETERS block. Writers produce
// OpenSSL's bytes: EC private scalars padded to the group order size, [0] and [1] in
// SEC1, no attributes in PKCS#8. PBES1 (openssl -v1) and explicit EC parameters are not
// supported: both are obsolete, and the error says so.
#include "fmt_pkcs8.h"

#include "der.h"
#include "error.h"
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
const std::string pbkdf2_prfs[] = {"1.2.840.113549.2.7", "1.2.840.113549.2.8", "1.2.840.113549.2.9",
                                   "1.2.840.113549.2.10", "1.2.840.113549.2.11"};

KeyType curve_from_parameters(ByteView der_params, const char* what) {
    const der::Element e = der::read_element(der_params, what);
    if (e.tag == der::tag_sequence) throw Error(std::string(what) + ": explicit EC parameters are not supported (named curves only)");
    if (e.tag != der::tag_oid || e.whole.size() != der_params.size())
        throw Error(std::string(what) + ": EC parameters are not a named curve");
    return key_type_from_curve_oid(der::oid_string(e.value));
}

// ECPrivateKey (RFC 5915). `group` comes from the PKCS#8 AlgorithmIdentifier or an EC
// PARAMETERS block; a [0] inside must agree with it.
PrivateKey read_ec_private_key(ByteView der, std::optional<KeyType> type, const char* what) {
    der::Reader r(der, what);
    if (r.small_integer("version") != 1) r.fail("version", "must be 1");
    const ByteView d_bytes = r.octet_string("private key");
    if (r.next_is(der::tag_context(0))) {
        der::Reader params(r.expect(der::tag_context(0), "parameters"), what);
        const der::Element curve = params.any("parameters");
        const KeyType inner = curve_from_parameters(curve.whole, what);
        if (type && *type != inner) r.fail("parameters", "curve differs from the key algorithm's");
        type = inner;
    }
    std::optional<Bytes> public_point;
    if (r.next_is(der::tag_context(1))) {
        der::Reader pub(r.expect(der::tag_context(1), "public key"), what);
        public_point = pub.bit_string("public key").to_bytes();
    }
    r.expect_end("ECPrivateKey");
    if (!type) throw Error(std::string(what) + ": no curve given (neither [0] parameters nor an EC PARAMETERS block)");
    const Botan::EC_Group* group = &ec_group(*type);
    if (d_bytes.size() > (group->get_order_bits() + 7) / 8 + 1) r.fail("private key", "longer than the curve order");
    const Botan::BigInt d(d_bytes.data(), d_bytes.size());
    if (d < 1 || d >= group->get_order()) r.fail("private key", "scalar out of range");
    auto key = std::make_unique<Botan::ECDSA_PrivateKey>(Botan::system_rng(), *group, d);
    if (public_point) {
        if (decode_ec_point(*type, ByteView(*public_point), what) != key->public_point())
            throw Error(std::string(what) + ": public key does not match the private key");
    }
    return make_private_key(std::move(key), "", what);
}

PrivateKey read_rsa_private_key(ByteView der, const char* what) {
    der::Reader r(der, what);
    const long version = r.small_integer("version");
    if (version != 0 && version != 1) r.fail("version", "must be 0");
    // Read up to 4x the limit so that an oversized key is named as such, not as a bad INTEGER.
    const Botan::BigInt n = r.integer("modulus", 4 * max_rsa_bits);
    if (n.bits() > max_rsa_bits)
        r.fail("modulus", "RSA key of " + std::to_string(n.bits()) + " bits is larger than the " +
                              std::to_string(max_rsa_bits) + "-bit limit");
    const Botan::BigInt e = r.integer("publicExponent");
    const Botan::BigInt d = r.integer("privateExponent");
    const Botan::BigInt p = r.integer("prime1");
    const Botan::BigInt q = r.integer("prime2");
    const Botan::BigInt dp = r.integer("exponent1");
    const Botan::BigInt dq = r.integer("exponent2");
    const Botan::BigInt qinv = r.integer("coefficient");
    if (version == 1) throw Error(std::string(what) + ": multi-prime RSA keys are not supported");
    r.expect_end("RSAPrivateKey");
    return make_rsa_private_key({n, e, d, p, q, dp, dq, qinv}, what);
}

SecretBytes pad_scalar(const Botan::BigInt& d, const Botan::EC_Group& group) {
    return Botan::BigInt::encode_1363(d, (group.get_order_bits() + 7) / 8);
}

SecretBytes ec_private_key_der(const Botan::ECDSA_PrivateKey& k, bool with_parameters) {
    Botan::DER_Encoder enc;
    enc.start_cons(Botan::SEQUENCE)
        .encode(size_t(1))
        .encode(pad_scalar(k.private_value(), k.domain()), Botan::OCTET_STRING);
    if (with_parameters)
        enc.start_cons(Botan::ASN1_Tag(0), Botan::ASN1_Tag(Botan::CONSTRUCTED | Botan::CONTEXT_SPECIFIC))
            .encode(k.domain().get_curve_oid())
            .end_cons();
    enc.start_cons(Botan::ASN1_Tag(1), Botan::ASN1_Tag(Botan::CONSTRUCTED | Botan::CONTEXT_SPECIFIC))
        .encode(k.public_point().encode(Botan::PointGFp::UNCOMPRESSED), Botan::BIT_STRING)
        .end_cons()
        .end_cons();
    return enc.get_contents();
}

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

// Rejects PBES2 parameters whose cost would take minutes or gigabytes, before any work.
void check_pbes2_cost(ByteView params_der) {
    der::Reader params(params_der, "PBES2 parameters");
    der::Reader kdf = params.sequence("keyDerivationFunc");
    const std::string kdf_oid = kdf.oid("keyDerivationFunc");
    der::Reader kdf_params = kdf.sequence("KDF parameters");
    kdf_params.octet_string("salt");
    if (kdf_oid == oid_pbkdf2) {
        const Botan::BigInt iterations = kdf_params.integer("iterationCount", 64);
        if (iterations > kdf_limits().pbkdf2_iterations)
            throw Error("PBKDF2 iteration count " + iterations.to_dec_string() + " exceeds the limit of " +
                        std::to_string(kdf_limits().pbkdf2_iterations) + " (--allow-costly-kdf raises it)");
    } else if (kdf_oid == oid_scrypt) {
        const Botan::BigInt n = kdf_params.integer("N", 64), r = kdf_params.integer("r", 64), p = kdf_params.integer("p", 64);
        const std::string params_text = "scrypt parameters (N=" + n.to_dec_string() + ", r=" + r.to_dec_string() +
                                        ", p=" + p.to_dec_string() + ")";
        const KdfLimits& limit = kdf_limits();
        if (n < 2 || n != Botan::BigInt::power_of_2(n.bits() - 1) || r < 1 || p < 1)
            throw Error(params_text + " are invalid (N a power of 2 above 1, r and p at least 1)");
        // A fixed sanity bound, not a cost limit: no writer uses more, and the work limit
        // below already bounds what p costs.
        if (p > max_scrypt_parallelism)
            throw Error(params_text + " exceed the limit of p <= " + std::to_string(max_scrypt_parallelism));
        if (n * r * 128 > limit.scrypt_memory_bytes)
            throw Error(params_text + " exceed the limit of " + std::to_string(limit.scrypt_memory_bytes >> 20) +
                        " MiB for memory = 128*N*r (--allow-costly-kdf raises it)");
        if (n * r * p > limit.scrypt_work)
            throw Error(params_text + " exceed the limit of " + std::to_string(limit.scrypt_work) +
                        " for work = N*r*p (--allow-costly-kdf raises it)");
    } else {
        throw Error("unsupported PBES2 key derivation " + kdf_oid + " (PBKDF2 and scrypt are supported)");
    }
    if (kdf_oid == oid_pbkdf2 && !kdf_params.at_end()) {  // keyLength and prf are optional
        if (kdf_params.next_is(der::tag_integer)) kdf_params.integer("keyLength", 16);
        if (!kdf_params.at_end()) {
            der::Reader prf = kdf_params.sequence("prf");
            const std::string prf_oid = prf.oid("prf");
            if (std::find(std::begin(pbkdf2_prfs), std::end(pbkdf2_prfs), prf_oid) == std::end(pbkdf2_prfs))
                throw Error("unsupported PBKDF2 PRF " + prf_oid + " (HMAC with SHA-1 or SHA-2 is supported)");
        }
    }
    der::Reader scheme = params.sequence("encryptionScheme");
    const std::string cipher_oid = scheme.oid("encryptionScheme");
    if (std::find(std::begin(pbes2_ciphers), std::end(pbes2_ciphers), cipher_oid) == std::end(pbes2_ciphers))
        throw Error("unsupported PBES2 cipher " + cipher_oid + " (AES-CBC and DES-EDE3-CBC are supported)");
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
        return read_rsa_private_key(inner, what);
    case KeyFamily::ecdsa: {
        const der::Element params = alg.any("curve parameters");
        return read_ec_private_key(inner, curve_from_parameters(params.whole, what), what);
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

PrivateKey pkcs8::read_encrypted(ByteView der, PassphraseSource& pass) {
    der::Reader r(der, "encrypted PKCS#8 key");
    der::Reader alg = r.sequence("encryptionAlgorithm");
    const std::string oid = alg.oid("algorithm");
    const der::Element params = alg.any("parameters");
    const ByteView encrypted = r.octet_string("encryptedData");
    r.expect_end("EncryptedPrivateKeyInfo");
    if (oid != oid_pbes2)
        throw Error("unsupported PKCS#8 encryption " + oid +
                    " (only PBES2; re-encrypt with: openssl pkcs8 -topk8 -v2 aes-256-cbc)");
    check_pbes2_cost(params.whole);
    const SecretBytes passphrase = pass.get("the PKCS#8 key");
    SecretBytes plain;
    try {
        plain = with_passphrase_string(passphrase, [&](const std::string& p) {
            return Botan::pbes2_decrypt(encrypted.to_secret(), p, params.whole.to_bytes());
        });
    } catch (const Botan::Decoding_Error&) {
        throw Error("wrong passphrase");
    } catch (const Botan::Exception&) {
        throw Error("wrong passphrase");
    }
    try {
        der::check_single_element(ByteView(plain), "decrypted key");
    } catch (const Error&) {
        throw Error("wrong passphrase");
    }
    return read(ByteView(plain));
}

SecretBytes pkcs8::write(const PrivateKey& key) {
    Botan::DER_Encoder enc;
    enc.start_cons(Botan::SEQUENCE).encode(size_t(0));
    if (key.type == KeyType::rsa || key.type == KeyType::ed25519) {
        enc.encode(key.key->algorithm_identifier()).encode(key.key->private_key_bits(), Botan::OCTET_STRING);
    } else {
        const auto& ec = dynamic_cast<const Botan::ECDSA_PrivateKey&>(*key.key);
        enc.start_cons(Botan::SEQUENCE)
            .encode(Botan::OID(std::string(algorithm_oid(KeyFamily::ecdsa))))
            .encode(ec.domain().get_curve_oid())
            .end_cons()
            .encode(ec_private_key_der(ec, false), Botan::OCTET_STRING);
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

// ---------------------------------------------------------------------------- PKCS#1 / SEC1

PrivateKey traditional::read_pkcs1(ByteView der) { return read_rsa_private_key(der, "PKCS#1 key"); }

PrivateKey traditional::read_sec1(ByteView der, ByteView curve_der) {
    std::optional<KeyType> type;
    if (!curve_der.empty()) type = curve_from_parameters(curve_der, "EC PARAMETERS");
    return read_ec_private_key(der, type, "SEC1 key");
}

SecretBytes traditional::write(const PrivateKey& key) {
    if (key.type == KeyType::ed25519)
        throw Error("Ed25519 keys have no traditional (PKCS#1/SEC1) form (use pkcs8 or openssh)");
    if (key.type == KeyType::rsa) return key.key->private_key_bits();
    return ec_private_key_der(dynamic_cast<const Botan::ECDSA_PrivateKey&>(*key.key), true);
}

const char* traditional::label(const PrivateKey& key) {
    return key.type == KeyType::rsa ? "RSA PRIVATE KEY" : "EC PRIVATE KEY";
}

namespace {

struct LegacyCipher {
    const char* dek_name;
    const char* botan_name;
    size_t key_len, iv_len;
};
constexpr LegacyCipher legacy_ciphers[] = {
    {"AES-128-CBC", "AES-128/CBC/PKCS7", 16, 16},
    {"AES-192-CBC", "AES-192/CBC/PKCS7", 24, 16},
    {"AES-256-CBC", "AES-256/CBC/PKCS7", 32, 16},
    {"DES-EDE3-CBC", "TripleDES/CBC/PKCS7", 24, 8},
};

// OpenSSL's EVP_BytesToKey(MD5, count 1, salt = first 8 bytes of the IV) (formats.md §1.4).
SecretBytes evp_bytes_to_key(ByteView pass, ByteView salt, size_t key_len) {
    auto md5 = Botan::HashFunction::create_or_throw("MD5");
    SecretBytes out, block;
    while (out.size() < key_len) {
        md5->update(block);
        md5->update(pass.data(), pass.size());
        md5->update(salt.data(), salt.size());
        block = md5->final();
        out.insert(out.end(), block.begin(), block.end());
    }
    out.resize(key_len);
    return out;
}

}  // namespace

SecretBytes traditional::decrypt_legacy(ByteView body, const std::string& dek_info, PassphraseSource& pass) {
    const size_t comma = dek_info.find(',');
    const std::string name = dek_info.substr(0, comma);
    const LegacyCipher* cipher = nullptr;
    for (const auto& c : legacy_ciphers)
        if (name == c.dek_name) cipher = &c;
    if (!cipher) throw Error("unsupported legacy PEM cipher " + name);
    if (comma == std::string::npos) throw Error("DEK-Info has no IV");
    const Bytes iv = translate_errors("DEK-Info IV is not hex", [&] { return Botan::hex_decode(dek_info.substr(comma + 1)); });
    if (iv.size() != cipher->iv_len) throw Error("DEK-Info IV has the wrong length for " + name);
    if (body.empty() || body.size() % (cipher->iv_len == 8 ? 8 : 16) != 0)
        throw Error("encrypted PEM body is not a whole number of cipher blocks");
    const SecretBytes passphrase = pass.get("the PEM key");
    const SecretBytes key = evp_bytes_to_key(ByteView(passphrase), ByteView(iv).subspan(0, 8), cipher->key_len);
    auto mode = Botan::Cipher_Mode::create_or_throw(cipher->botan_name, Botan::DECRYPTION);
    mode->set_key(key);
    mode->start(iv);
    SecretBytes plain = body.to_secret();
    try {
        mode->finish(plain);
        der::check_single_element(ByteView(plain), "decrypted key");
    } catch (const std::exception&) {
        throw Error("wrong passphrase");
    }
    return plain;
}

SecretBytes traditional::write_pem_encrypted(const PrivateKey& key, ByteView passphrase, Botan::RandomNumberGenerator& rng) {
    const LegacyCipher& cipher = legacy_ciphers[0];  // AES-128-CBC: what ssh-keygen -m PEM writes; puttygen reads it
    const SecretBytes der = write(key);
    Bytes iv(cipher.iv_len);
    rng.randomize(iv.data(), iv.size());
    const SecretBytes k = evp_bytes_to_key(passphrase, ByteView(iv).subspan(0, 8), cipher.key_len);
    auto mode = Botan::Cipher_Mode::create_or_throw(cipher.botan_name, Botan::ENCRYPTION);
    mode->set_key(k);
    mode->start(iv);
    SecretBytes body = der;
    mode->finish(body);
    SecretBytes out = pem::encode_secret(label(key), ByteView(body));
    const std::string headers = std::string("Proc-Type: 4,ENCRYPTED\nDEK-Info: ") + cipher.dek_name + "," +
                                Botan::hex_encode(iv, true) + "\n\n";
    const auto after_begin = std::find(out.begin(), out.end(), '\n') + 1;
    out.insert(after_begin, headers.begin(), headers.end());
    return out;
}

}  // namespace keypipe
