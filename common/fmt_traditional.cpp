// PKCS#1 RSAPrivateKey and SEC1 ECPrivateKey ("traditional" OpenSSL keys), alone or inside
// PKCS#8, and OpenSSL's legacy PEM encryption of them (formats.md §1.4, §2.2, §2.3).
//
// Structures are read with der::Reader so every error names the field; Botan does the
// maths. Readers accept what OpenSSL, ssh-keygen and puttygen write, including SEC1 keys
// whose curve comes from a preceding EC PARAMETERS block. Writers produce OpenSSL's bytes:
// EC private scalars padded to the group order size, [0] and [1] in SEC1; legacy
// encryption as ssh-keygen -m PEM (AES-128-CBC). Explicit EC parameters (openssl ec
// -param_enc explicit) are read as the named curve they equal (key.cpp), and written as
// that curve's OID, as ssh-keygen does. Multi-prime RSA is not supported, and the error
// says so.
#include "fmt_traditional.h"

#include "der.h"
#include "error.h"
#include "pem.h"

#include <botan/cipher_mode.h>
#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/system_rng.h>

namespace keypipe::traditional {
namespace {

SecretBytes pad_scalar(const Botan::BigInt& d, KeyType t) {
    return Botan::BigInt::encode_1363(d, (ec_curve(t).order.bits() + 7) / 8);
}

}  // namespace

KeyType curve_from_parameters(ByteView der_params, const char* what) {
    return key_type_from_ec_parameters(der_params, what);
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
    const Botan::BigInt& order = ec_curve(*type).order;
    if (d_bytes.size() > (order.bits() + 7) / 8 + 1) r.fail("private key", "longer than the curve order");
    const Botan::BigInt d(d_bytes.data(), d_bytes.size());
    if (d < 1 || d >= order) r.fail("private key", "scalar out of range");
    PrivateKey key = make_ec_private_key(*type, d, what);
    if (public_point) {
        const Bytes stored = decode_ec_point(*type, ByteView(*public_point), what).encode(Botan::PointGFp::UNCOMPRESSED);
        if (stored != key.key.ec()->point) throw Error(std::string(what) + ": public key does not match the private key");
    }
    return key;
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

SecretBytes ec_private_key_der(const PrivateKey& key, bool with_parameters) {
    const EcNumbers ec = ec_numbers(key);
    Botan::DER_Encoder enc;
    enc.start_cons(Botan::SEQUENCE)
        .encode(size_t(1))
        .encode(pad_scalar(ec.d, key.type), Botan::OCTET_STRING);
    if (with_parameters)
        enc.start_cons(Botan::ASN1_Tag(0), Botan::ASN1_Tag(Botan::CONSTRUCTED | Botan::CONTEXT_SPECIFIC))
            .encode(Botan::OID(std::string(key_type_info(key.type).curve_oid)))
            .end_cons();
    enc.start_cons(Botan::ASN1_Tag(1), Botan::ASN1_Tag(Botan::CONSTRUCTED | Botan::CONTEXT_SPECIFIC))
        .encode(ec.point, Botan::BIT_STRING)
        .end_cons()
        .end_cons();
    return enc.get_contents();
}

PrivateKey read_pkcs1(ByteView der) { return read_rsa_private_key(der, "PKCS#1 key"); }

PrivateKey read_sec1(ByteView der, ByteView curve_der) {
    std::optional<KeyType> type;
    if (!curve_der.empty()) type = curve_from_parameters(curve_der, "EC PARAMETERS");
    return read_ec_private_key(der, type, "SEC1 key");
}

SecretBytes write(const PrivateKey& key) {
    if (key.type == KeyType::ed25519)
        throw Error("Ed25519 keys have no traditional (PKCS#1/SEC1) form (use pkcs8 or openssh)");
    if (key.type == KeyType::rsa) return key.key->private_key_bits();
    return ec_private_key_der(key, true);
}

const char* label(const PrivateKey& key) {
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

bool is_legacy_encrypted(const pem::Headers& headers) {
    for (const auto& [name, value] : headers)
        if (name == "Proc-Type" && value.find("ENCRYPTED") != std::string::npos) return true;
    return false;
}

SecretBytes decrypt_legacy(ByteView body, const std::string& dek_info, PassphraseSource& pass) {
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
    // Only the padding (Botan's Decoding_Error from PKCS7 unpadding) and the DER that the
    // right key would give tell a wrong passphrase; anything else is what it is.
    try {
        mode->finish(plain);
    } catch (const Botan::Decoding_Error&) {
        throw Error("wrong passphrase");
    }
    try {
        der::check_single_element(ByteView(plain), "decrypted key");
    } catch (const Error&) {
        throw Error("wrong passphrase");
    }
    return plain;
}

SecretBytes write_pem_encrypted(const PrivateKey& key, ByteView passphrase, Botan::RandomNumberGenerator& rng) {
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
    return pem::encode_secret(label(key), ByteView(body),
                              {{"Proc-Type", "4,ENCRYPTED"}, {"DEK-Info", std::string(cipher.dek_name) + "," + Botan::hex_encode(iv, true)}});
}

}  // namespace keypipe::traditional
