// PKCS#12 / PFX files (RFC 7292; PBES2 as formats.md §2.5), as openssl pkcs12, Windows, Java and
// python-cryptography write them.
//
// Reading follows the spec's order of trust: the MAC (HMAC with SHA-1 or SHA-2, key from
// the PKCS#12 KDF) is verified over the authenticated safe before any bag is decrypted, so
// a wrong password is "wrong passphrase", never garbage. Encrypted parts use PBES2 (through
// fmt_pkcs8's PBES2 reader and its cost limits) or the PKCS#12 PBEs with 3DES (Botan) or
// RC2 (Nettle's arctwo inside Botan's CBC mode; RC2 is not in Botan 2). The KDF of RFC 7292
// Appendix B is implemented here on Botan's hash functions: Botan 2 has no PKCS#12 KDF.
// Password encodings are OpenSSL 3's: BMPString with a terminating zero for the PKCS#12 KDF
// (an empty password tried both as empty and as absent), the UTF-8 bytes for PBES2.
// Every cost is capped: iterations (kdf_limits), bags, decryptions and nesting.
//
// Not supported, each refused by name: RC4 PBEs, public-key integrity (signedData) and
// privacy (envelopedData) modes, PBMAC1 (RFC 9579), and BER indefinite lengths (strict DER,
// which openssl, python-cryptography and certtool write).
//
// Writing produces what openssl pkcs12 -export (OpenSSL 3.0) writes for a key and its chain,
// byte for byte given the same salts and IVs: the certificates in one encrypted safe, the
// shrouded key in a plain one, localKeyId = SHA-1 of the key's certificate.
#include "fmt_pkcs12.h"

#include "der.h"
#include "error.h"
#include "fmt_pkcs8.h"
#include "kdf_limits.h"

#include <botan/base64.h>
#include <botan/block_cipher.h>
#include <botan/cbc.h>
#include <botan/cipher_mode.h>
#include <botan/der_enc.h>
#include <botan/hash.h>
#include <botan/mac.h>
#include <botan/mode_pad.h>
#include <botan/pwdhash.h>

#include <nettle/arctwo.h>

#include <optional>

namespace keypipe::pkcs12 {
namespace {

constexpr const char* what = "PKCS#12 file";

constexpr const char* oid_data = "1.2.840.113549.1.7.1";
constexpr const char* oid_signed_data = "1.2.840.113549.1.7.2";
constexpr const char* oid_enveloped_data = "1.2.840.113549.1.7.3";
constexpr const char* oid_encrypted_data = "1.2.840.113549.1.7.6";
constexpr const char* oid_key_bag = "1.2.840.113549.1.12.10.1.1";
constexpr const char* oid_shrouded_key_bag = "1.2.840.113549.1.12.10.1.2";
constexpr const char* oid_cert_bag = "1.2.840.113549.1.12.10.1.3";
constexpr const char* oid_safe_contents_bag = "1.2.840.113549.1.12.10.1.6";
constexpr const char* oid_x509_certificate = "1.2.840.113549.1.9.22.1";
constexpr const char* oid_friendly_name = "1.2.840.113549.1.9.20";
constexpr const char* oid_local_key_id = "1.2.840.113549.1.9.21";
constexpr const char* oid_pbes2 = "1.2.840.113549.1.5.13";
constexpr const char* oid_pbkdf2 = "1.2.840.113549.1.5.12";
constexpr const char* oid_pbmac1 = "1.2.840.113549.1.5.14";
constexpr const char* oid_hmac_sha256 = "1.2.840.113549.2.9";
constexpr const char* oid_aes256_cbc = "2.16.840.1.101.3.4.1.42";
constexpr const char* pbe_prefix = "1.2.840.113549.1.12.1.";
constexpr const char* oid_pbe_3des = "1.2.840.113549.1.12.1.3";

struct MacHash {
    const char* oid;
    const char* botan;
};
constexpr MacHash mac_hashes[] = {
    {"1.3.14.3.2.26", "SHA-1"},          {"2.16.840.1.101.3.4.2.4", "SHA-224"}, {"2.16.840.1.101.3.4.2.1", "SHA-256"},
    {"2.16.840.1.101.3.4.2.2", "SHA-384"}, {"2.16.840.1.101.3.4.2.3", "SHA-512"}, {"2.16.840.1.101.3.4.2.6", "SHA-512-256"},
};
// openssl pkcs12 -macalg sha512-224 writes it; Botan 2 has no SHA-512/224.
constexpr const char* oid_sha512_224 = "2.16.840.1.101.3.4.2.5";

// The PKCS#12 PBEs of RFC 7292 Appendix C, all with SHA-1.
struct Pbe {
    const char* oid_suffix;
    const char* name;
    size_t key_len;
    size_t rc2_bits;  // 0: triple DES
};
constexpr Pbe pbes[] = {
    {"3", "pbeWithSHAAnd3-KeyTripleDES-CBC", 24, 0},
    {"4", "pbeWithSHAAnd2-KeyTripleDES-CBC", 16, 0},
    {"5", "pbeWithSHAAnd128BitRC2-CBC", 16, 128},
    {"6", "pbeWithSHAAnd40BitRC2-CBC", 5, 40},
};

// RC2 from Nettle as a Botan block cipher, so that Botan's CBC mode and PKCS#7 padding
// apply to it as to DES. Only decryption is used (keypipe never writes RC2).
class NettleRc2 final : public Botan::Block_Cipher_Fixed_Params<ARCTWO_BLOCK_SIZE, 1, 128> {
public:
    explicit NettleRc2(size_t effective_bits) : bits_(effective_bits) {}
    void encrypt_n(const uint8_t in[], uint8_t out[], size_t blocks) const override {
        nettle_arctwo_encrypt(&ctx_, blocks * ARCTWO_BLOCK_SIZE, out, in);
    }
    void decrypt_n(const uint8_t in[], uint8_t out[], size_t blocks) const override {
        nettle_arctwo_decrypt(&ctx_, blocks * ARCTWO_BLOCK_SIZE, out, in);
    }
    void clear() override { Botan::secure_scrub_memory(&ctx_, sizeof ctx_); }
    std::string name() const override { return "RC2(" + std::to_string(bits_) + ")"; }
    BlockCipher* clone() const override { return new NettleRc2(bits_); }
    ~NettleRc2() override { clear(); }

private:
    void key_schedule(const uint8_t key[], size_t length) override {
        nettle_arctwo_set_key_ekb(&ctx_, length, key, static_cast<unsigned>(bits_));
    }
    mutable arctwo_ctx ctx_{};  // Nettle's functions take it non-const; it is not changed
    size_t bits_;
};

// ------------------------------------------------------------------ small encoders

void check_iterations(const Botan::BigInt& n, const char* field, const KdfLimits& limits) {
    if (n < 1) throw Error(std::string(what) + ": " + field + " must be at least 1");
    if (n > limits.pbkdf2_iterations)
        throw Error(std::string("PKCS#12 ") + field + " " + n.to_dec_string() + " exceeds the limit of " +
                    std::to_string(limits.pbkdf2_iterations) + limits.raise_hint);
}

// UTF-16BE of UTF-8 text; nullopt when `utf8` is not UTF-8.
std::optional<SecretBytes> utf16be(ByteView utf8) {
    SecretBytes out;
    auto put = [&out](uint32_t u) {
        out.push_back(static_cast<uint8_t>(u >> 8));
        out.push_back(static_cast<uint8_t>(u));
    };
    for (size_t i = 0; i < utf8.size();) {
        const uint8_t b = utf8[i];
        size_t len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 0;
        if (len == 0 || i + len > utf8.size()) return std::nullopt;
        uint32_t cp = len == 1 ? b : b & (0x7f >> len);
        for (size_t k = 1; k < len; ++k) {
            if ((utf8[i + k] & 0xc0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (utf8[i + k] & 0x3f);
        }
        const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return std::nullopt;
        if (cp >= 0x10000) {
            put(0xd800 | ((cp - 0x10000) >> 10));
            put(0xdc00 | ((cp - 0x10000) & 0x3ff));
        } else {
            put(cp);
        }
        i += len;
    }
    return out;
}

// UTF-8 of a BMPString (UTF-16BE) attribute value; Error when it is not UTF-16.
std::string utf8_of_bmp(ByteView bmp) {
    if (bmp.size() % 2) throw Error(std::string(what) + ": friendlyName is not a BMPString of whole characters");
    std::string out;
    for (size_t i = 0; i < bmp.size(); i += 2) {
        uint32_t cp = uint32_t(bmp[i]) << 8 | bmp[i + 1];
        if (cp >= 0xd800 && cp < 0xdc00 && i + 3 < bmp.size()) {
            const uint32_t lo = uint32_t(bmp[i + 2]) << 8 | bmp[i + 3];
            if (lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i += 2;
            }
        }
        if (cp >= 0xd800 && cp < 0xe000) throw Error(std::string(what) + ": friendlyName has an unpaired surrogate");
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | cp >> 6);
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | cp >> 12);
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | cp >> 18);
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    return out;
}

// The BMPString forms a password may have been encoded with, most likely first (OpenSSL 3
// tries them in this order): UTF-8 decoded; one character per byte (OpenSSL 1.x and
// non-UTF-8 input); and for the empty password, absent (no bytes at all) as well.
std::vector<SecretBytes> bmp_candidates(ByteView utf8) {
    std::vector<SecretBytes> out{bmp_password(utf8)};
    if (utf8.empty()) {
        out.emplace_back();
        return out;
    }
    SecretBytes bytewise;
    for (uint8_t b : utf8) {
        bytewise.push_back(0);
        bytewise.push_back(b);
    }
    bytewise.insert(bytewise.end(), {0, 0});
    if (bytewise != out.front()) out.push_back(std::move(bytewise));
    return out;
}

const Pbe& pbe_of(const std::string& oid) {
    const std::string suffix = oid.substr(std::string(pbe_prefix).size());
    if (suffix == "1" || suffix == "2")
        throw Error(std::string("unsupported encryption pbeWithSHAAnd") + (suffix == "1" ? "128" : "40") +
                    "BitRC4 (RC4 is broken; re-export with AES or 3DES)");
    for (const auto& p : pbes)
        if (suffix == p.oid_suffix) return p;
    throw Error("unsupported PKCS#12 encryption " + oid);
}

std::unique_ptr<Botan::Cipher_Mode> pbe_cipher(const Pbe& pbe, Botan::Cipher_Dir dir) {
    if (pbe.rc2_bits == 0) return Botan::Cipher_Mode::create_or_throw("TripleDES/CBC/PKCS7", dir);
    if (dir != Botan::DECRYPTION) throw Error("RC2 is for reading only");
    return std::make_unique<Botan::CBC_Decryption>(new NettleRc2(pbe.rc2_bits), new Botan::PKCS7_Padding);
}

// Key and IV of a PKCS#12 PBE; 2-key triple DES expands K1 K2 to K1 K2 K1.
std::pair<SecretBytes, SecretBytes> pbe_key_iv(const Pbe& pbe, ByteView bmp, ByteView salt, size_t iterations) {
    SecretBytes key = kdf("SHA-1", 1, bmp, salt, iterations, pbe.key_len);
    if (pbe.rc2_bits == 0 && pbe.key_len == 16) key.insert(key.end(), key.begin(), key.begin() + 8);
    return {std::move(key), kdf("SHA-1", 2, bmp, salt, iterations, 8)};
}

struct PbeParams {
    ByteView salt;
    size_t iterations;
};

PbeParams read_pbe_params(ByteView params, const KdfLimits& limits) {
    der::Reader r(params, "PKCS#12 PBE parameters");
    const ByteView salt = r.octet_string("salt");
    const Botan::BigInt iterations = r.integer("iterations", 64);
    r.expect_end("PBE parameters");
    check_iterations(iterations, "iteration count", limits);
    return {salt, iterations.word_at(0)};
}

// Decrypts with each password encoding in turn; the first that gives one well-formed DER
// element wins (the padding check alone passes 1 time in 256).
SecretBytes decrypt_pbe_with(const std::string& oid, ByteView params, ByteView encrypted,
                             const std::vector<SecretBytes>& bmps, const KdfLimits& limits) {
    const Pbe& pbe = pbe_of(oid);
    const PbeParams p = read_pbe_params(params, limits);
    if (encrypted.empty() || encrypted.size() % 8) throw Error("wrong passphrase");
    for (const SecretBytes& bmp : bmps) {
        const auto [key, iv] = pbe_key_iv(pbe, ByteView(bmp), p.salt, p.iterations);
        auto mode = pbe_cipher(pbe, Botan::DECRYPTION);
        mode->set_key(key);
        mode->start(iv);
        SecretBytes plain = encrypted.to_secret();
        try {
            mode->finish(plain);
            der::check_single_element(ByteView(plain), "decrypted data");
            return plain;
        } catch (const std::exception&) {
        }
    }
    throw Error("wrong passphrase");
}

// ------------------------------------------------------------------ reading

// The password of one file: the empty one unless the MAC (or, without a MAC, a decryption)
// says otherwise; the source is asked at most once, and only then.
class Password {
public:
    explicit Password(PassphraseSource& source) : source_(source) {}
    const SecretBytes& utf8() {
        if (!utf8_) utf8_ = source_.get("the PKCS#12 file");
        return *utf8_;
    }
    // The password the MAC matched (only that encoding is then tried).
    void set(SecretBytes utf8, std::vector<SecretBytes> bmps) {
        utf8_ = std::move(utf8);
        bmps_ = std::move(bmps);
        known_ = true;
    }
    const std::vector<SecretBytes>& bmps() {
        if (bmps_.empty()) bmps_ = bmp_candidates(ByteView(utf8()));
        return bmps_;
    }
    // Runs a decryption. Without a MAC to tell the password, the first one tries the empty
    // password (as empty and as absent) and, if that is wrong, asks the source.
    template <typename F>
    SecretBytes decrypt(F&& f) {
        if (!known_) {
            set(SecretBytes(), bmp_candidates({}));
            try {
                return f();
            } catch (const Error& e) {
                if (std::string(e.what()) != "wrong passphrase") throw;
            }
            utf8_.reset();
            bmps_.clear();
        }
        return f();
    }

private:
    PassphraseSource& source_;
    std::optional<SecretBytes> utf8_;
    std::vector<SecretBytes> bmps_;
    bool known_ = false;
};

struct MacData {
    std::string hash;
    ByteView digest, salt;
    size_t iterations;
};

// MacData's fields, structure checked: { DigestInfo { AlgorithmIdentifier, digest }, macSalt,
// iterations DEFAULT 1 }. The algorithm's parameters are left to the caller.
struct MacFields {
    std::string oid;
    std::optional<der::Element> parameters;
    ByteView digest, salt;
    Botan::BigInt iterations = 1;
};

MacFields read_mac_fields(der::Reader& m) {
    MacFields f;
    der::Reader digest_info = m.sequence("mac");
    der::Reader alg = digest_info.sequence("digestAlgorithm");
    f.oid = alg.oid("digestAlgorithm");
    if (!alg.at_end()) f.parameters = alg.any("digestAlgorithm parameters");
    alg.expect_end("digestAlgorithm");
    f.digest = digest_info.octet_string("digest");
    digest_info.expect_end("DigestInfo");
    f.salt = m.octet_string("macSalt");
    if (!m.at_end()) f.iterations = m.integer("iterations", 64);
    m.expect_end("MacData");
    return f;
}

// "HMAC-SHA256" for a MAC digest OID; the OID itself when unknown.
std::string mac_name(const std::string& oid) {
    if (oid == oid_pbmac1) return "PBMAC1";
    if (oid == oid_sha512_224) return "HMAC-SHA512-224";
    for (const auto& h : mac_hashes)
        if (oid == h.oid) {
            std::string name = h.botan;  // "SHA-512-256" -> "HMAC-SHA512-256"
            return "HMAC-" + name.erase(name.find('-'), 1);
        }
    return oid;
}

MacData read_mac_data(der::Reader& m, const KdfLimits& limits) {
    const MacFields f = read_mac_fields(m);
    if (f.oid == oid_pbmac1) throw Error("unsupported PKCS#12 MAC PBMAC1 (RFC 9579)");
    if (f.oid == oid_sha512_224)
        throw Error("unsupported PKCS#12 MAC digest SHA-512/224 (re-export with openssl pkcs12 -macalg sha256)");
    MacData mac;
    for (const auto& h : mac_hashes)
        if (f.oid == h.oid) mac.hash = h.botan;
    if (mac.hash.empty()) throw Error("unsupported PKCS#12 MAC digest " + f.oid + " (SHA-1 and SHA-2 are supported)");
    if (f.parameters && f.parameters->tag != der::tag_null)
        throw Error(std::string(what) + ": digestAlgorithm parameters must be NULL");
    check_iterations(f.iterations, "MAC iteration count", limits);
    mac.digest = f.digest;
    mac.salt = f.salt;
    mac.iterations = f.iterations.word_at(0);
    return mac;
}

bool mac_matches(const MacData& mac, ByteView bmp, ByteView content) {
    auto hmac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(" + mac.hash + ")");
    if (mac.digest.size() != hmac->output_length()) return false;
    hmac->set_key(kdf(mac.hash, 3, bmp, mac.salt, mac.iterations, hmac->output_length()));
    hmac->update(content.data(), content.size());
    const SecretBytes tag = hmac->final();
    return Botan::constant_time_compare(tag.data(), mac.digest.data(), tag.size());
}

// Finds the password whose MAC matches: the empty one without asking, then the source's.
void verify_mac(const MacData& mac, ByteView content, Password& password) {
    for (const SecretBytes& bmp : bmp_candidates({}))
        if (mac_matches(mac, ByteView(bmp), content)) {
            password.set(SecretBytes(), {bmp});
            return;
        }
    const SecretBytes utf8 = password.utf8();
    for (const SecretBytes& bmp : bmp_candidates(ByteView(utf8)))
        if (mac_matches(mac, ByteView(bmp), content)) {
            password.set(utf8, {bmp});
            return;
        }
    throw Error("wrong passphrase");
}

constexpr const char* oid_crl_bag = "1.2.840.113549.1.12.10.1.4";
constexpr const char* oid_secret_bag = "1.2.840.113549.1.12.10.1.5";

// Walks the authenticated safe. With a password it decrypts every part and collects the
// certificates and keys; for an outline (no password) it records each part and its
// encryption, collects what is in the clear, and decrypts nothing.
class SafeReader {
public:
    SafeReader(Password& password, const KdfLimits& limits) : password_(&password), limits_(limits) {}
    SafeReader(Outline& outline, const KdfLimits& limits) : outline_(&outline), limits_(limits) {}

    void authenticated_safe(ByteView der) {
        der::Reader r(der, "PKCS#12 authenticated safe");
        while (!r.at_end()) {
            der::Reader info = r.sequence("ContentInfo");
            const std::string type = info.oid("contentType");
            if (type == oid_data) {
                safe_contents(data_content(info), 0);
            } else if (type == oid_encrypted_data) {
                der::Reader outer(info.expect(der::tag_context(0), "content"), what);
                der::Reader data = outer.sequence("EncryptedData");
                outer.expect_end("content");
                if (data.small_integer("version") != 0) data.fail("version", "must be 0");
                der::Reader eci = data.sequence("encryptedContentInfo");
                if (eci.oid("contentType") != oid_data) eci.fail("contentType", "must be data");
                const der::Element alg = eci.expect(der::tag_sequence, "contentEncryptionAlgorithm");
                const ByteView encrypted = eci.expect(der::tag_context(0, false), "encryptedContent").value;
                eci.expect_end("EncryptedContentInfo");
                if (outline_) {
                    part("encrypted safe (contents hidden)", alg.whole);
                } else {
                    const SecretBytes plain = decrypt(alg, encrypted);
                    safe_contents(ByteView(plain), 0);
                }
            } else if (outline_) {  // described, not read: its content is skipped
                part(type == oid_enveloped_data ? "enveloped safe (public-key privacy mode)" : "safe of content type " + type);
                while (!info.at_end()) info.any("content");
            } else if (type == oid_enveloped_data) {
                throw Error("PKCS#12 in public-key privacy mode (envelopedData) is not supported");
            } else {
                info.fail("contentType", "unsupported content type " + type);
            }
            info.expect_end("ContentInfo");
        }
    }

    std::vector<Entry> entries;

private:
    static ByteView data_content(der::Reader& info) {
        der::Reader content(info.expect(der::tag_context(0), "content"), what);
        const ByteView data = content.octet_string("content");
        content.expect_end("content");
        return data;
    }

    SecretBytes decrypt(const der::Element& algorithm, ByteView encrypted) {
        if (++decryptions_ > max_encrypted_parts)
            throw Error(std::string(what) + ": more than " + std::to_string(max_encrypted_parts) + " encrypted parts");
        der::Reader alg(algorithm, what);
        const std::string oid = alg.oid("encryption algorithm");
        const der::Element params = alg.any("encryption parameters");
        alg.expect_end("AlgorithmIdentifier");
        Password& password = *password_;
        if (is_pbe(oid)) {
            pbe_of(oid);  // refuse RC4 by name before asking for anything
            return password.decrypt([&] { return decrypt_pbe_with(oid, params.whole, encrypted, password.bmps(), limits_); });
        }
        if (oid == oid_pbes2) return password.decrypt([&] { return pkcs8::pbes2_decrypt(params.whole, encrypted, password.utf8(), limits_); });
        throw Error("unsupported PKCS#12 encryption " + oid + " (PBES2 and the PKCS#12 PBEs are supported)");
    }

    void safe_contents(ByteView der, size_t depth) {
        der::Reader r(der, "PKCS#12 safe contents");
        while (!r.at_end()) {
            if (++bags_ > max_bags) throw Error(std::string(what) + ": more than " + std::to_string(max_bags) + " bags");
            der::Reader bag = r.sequence("SafeBag");
            const std::string type = bag.oid("bagId");
            der::Reader wrapper(bag.expect(der::tag_context(0), "bagValue"), what);
            const der::Element value = wrapper.any("bagValue");
            wrapper.expect_end("bagValue");
            Entry entry{Entry::Kind::certificate, {}, {}, {}};
            if (!bag.at_end()) attributes(bag.expect(der::tag_set, "bagAttributes"), entry);
            bag.expect_end("SafeBag");
            if (type == oid_key_bag) {
                part("private key");
                entry.kind = Entry::Kind::private_key;
                entry.der = value.whole.to_secret();
            } else if (type == oid_shrouded_key_bag) {
                der::Reader epki(value, "PKCS#12 shrouded key");
                const der::Element alg = epki.expect(der::tag_sequence, "encryptionAlgorithm");
                const ByteView encrypted = epki.octet_string("encryptedData");
                epki.expect_end("EncryptedPrivateKeyInfo");
                if (outline_) {
                    part("shrouded private key", alg.whole);
                    continue;
                }
                entry.kind = Entry::Kind::private_key;
                entry.der = decrypt(alg, encrypted);
            } else if (type == oid_cert_bag) {
                der::Reader cert_bag(value, "PKCS#12 certificate bag");
                const std::string cert_type = cert_bag.oid("certId");
                if (cert_type != oid_x509_certificate) {  // SDSI certificates: not X.509
                    part("certificate of type " + cert_type);
                    continue;
                }
                der::Reader cert_value(cert_bag.expect(der::tag_context(0), "certValue"), what);
                entry.der = cert_value.octet_string("certValue").to_secret();
                cert_value.expect_end("certValue");
                cert_bag.expect_end("CertBag");
                part("certificate");
            } else if (type == oid_safe_contents_bag) {
                if (depth + 1 >= max_nesting)
                    throw Error(std::string(what) + ": safe contents nested deeper than " + std::to_string(max_nesting) + " levels");
                safe_contents(value.whole, depth + 1);
                continue;
            } else {  // CRL and secret bags hold nothing keypipe converts
                part(type == oid_crl_bag ? "CRL" : type == oid_secret_bag ? "secret" : "bag of type " + type);
                continue;
            }
            entries.push_back(std::move(entry));
        }
    }

    static void attributes(const der::Element& set, Entry& entry) {
        der::Reader attrs(set, what);
        while (!attrs.at_end()) {
            der::Reader attr = attrs.sequence("attribute");
            const std::string type = attr.oid("attrId");
            der::Reader values(attr.expect(der::tag_set, "attrValues"), what);
            attr.expect_end("attribute");
            if (type == oid_friendly_name && !values.at_end())
                entry.friendly_name = utf8_of_bmp(values.expect(0x1e, "friendlyName").value);
            else if (type == oid_local_key_id && !values.at_end())
                entry.local_key_id = values.octet_string("localKeyId").to_bytes();
        }
    }

    void part(std::string content, ByteView algorithm = {}) {
        if (outline_) outline_->parts.push_back({std::move(content), algorithm.to_bytes()});
    }

    Password* password_ = nullptr;
    Outline* outline_ = nullptr;
    const KdfLimits& limits_;
    size_t bags_ = 0, decryptions_ = 0;
};

// The DER of a PFX given as DER or as its base64.
SecretBytes unwrap(ByteView input) {
    if (!input.empty() && input[0] == der::tag_sequence) return input.to_secret();
    return translate_errors(std::string(what) + ": bad base64", [&] {
        return Botan::base64_decode(reinterpret_cast<const char*>(input.data()), input.size(), true);
    });
}

bool starts_like_pfx(ByteView der) {
    if (der.size() < 5 || der[0] != der::tag_sequence) return false;
    size_t pos = 2;
    if (der[1] & 0x80) pos += der[1] & 0x7f;
    return pos + 3 <= der.size() && der[pos] == der::tag_integer && der[pos + 1] == 1 && der[pos + 2] == 3;
}

// ------------------------------------------------------------------ writing

using Botan::DER_Encoder;

Bytes random_bytes(Botan::RandomNumberGenerator& rng, size_t n) {
    Bytes out(n);
    rng.randomize(out.data(), n);
    return out;
}

// AlgorithmIdentifier and ciphertext of `plain` encrypted as the profile says.
std::pair<Bytes, Bytes> encrypt(ByteView plain, ByteView passphrase, const WriteOptions& options,
                                Botan::RandomNumberGenerator& rng) {
    SecretBytes data = plain.to_secret();
    DER_Encoder alg;
    if (options.legacy) {
        const Bytes salt = random_bytes(rng, 8);
        const SecretBytes bmp = bmp_password(passphrase);
        const auto [key, iv] = pbe_key_iv(pbes[0], ByteView(bmp), ByteView(salt), options.iterations);
        auto mode = pbe_cipher(pbes[0], Botan::ENCRYPTION);
        mode->set_key(key);
        mode->start(iv);
        mode->finish(data);
        alg.start_cons(Botan::SEQUENCE)
            .encode(Botan::OID(oid_pbe_3des))
            .start_cons(Botan::SEQUENCE).encode(salt, Botan::OCTET_STRING).encode(options.iterations).end_cons()
            .end_cons();
    } else {  // PBES2 exactly as OpenSSL 3 writes it: no keyLength, prf with NULL parameters
        const Bytes salt = random_bytes(rng, 8);
        const Bytes iv = random_bytes(rng, 16);
        SecretBytes key(32);
        Botan::PasswordHashFamily::create_or_throw("PBKDF2(SHA-256)")
            ->from_iterations(options.iterations)
            ->derive_key(key.data(), key.size(), reinterpret_cast<const char*>(passphrase.data()), passphrase.size(),
                         salt.data(), salt.size());
        auto mode = Botan::Cipher_Mode::create_or_throw("AES-256/CBC/PKCS7", Botan::ENCRYPTION);
        mode->set_key(key);
        mode->start(iv);
        mode->finish(data);
        alg.start_cons(Botan::SEQUENCE)
            .encode(Botan::OID(oid_pbes2))
            .start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE)
            .encode(Botan::OID(oid_pbkdf2))
            .start_cons(Botan::SEQUENCE)
            .encode(salt, Botan::OCTET_STRING)
            .encode(options.iterations)
            .start_cons(Botan::SEQUENCE).encode(Botan::OID(oid_hmac_sha256)).encode_null().end_cons()
            .end_cons()
            .end_cons()
            .start_cons(Botan::SEQUENCE).encode(Botan::OID(oid_aes256_cbc)).encode(iv, Botan::OCTET_STRING).end_cons()
            .end_cons()
            .end_cons();
    }
    return {Botan::unlock(alg.get_contents()), Bytes(data.begin(), data.end())};
}

// bagAttributes: friendlyName and localKeyId (DER sorts the SET as OpenSSL does).
void encode_attributes(DER_Encoder& enc, const std::string& name, ByteView local_key_id) {
    enc.start_cons(Botan::SET);
    if (!name.empty()) {
        const auto bmp = utf16be(ByteView(std::string_view(name)));
        if (!bmp) throw Error("the friendly name is not UTF-8");
        enc.start_cons(Botan::SEQUENCE)
            .encode(Botan::OID(oid_friendly_name))
            .start_cons(Botan::SET).add_object(Botan::BMP_STRING, Botan::UNIVERSAL, bmp->data(), bmp->size()).end_cons()
            .end_cons();
    }
    enc.start_cons(Botan::SEQUENCE)
        .encode(Botan::OID(oid_local_key_id))
        .start_cons(Botan::SET).encode(local_key_id.to_bytes(), Botan::OCTET_STRING).end_cons()
        .end_cons();
    enc.end_cons();
}

SecretBytes data_content_info(ByteView content) {
    return DER_Encoder()
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::OID(oid_data))
        .start_explicit(0).encode(content.to_bytes(), Botan::OCTET_STRING).end_explicit()
        .end_cons()
        .get_contents();
}

}  // namespace

// ------------------------------------------------------------------ public functions

bool sniff(ByteView input) {
    if (starts_like_pfx(input)) return true;
    // base64: "MII" + a length, then INTEGER 3 ("AgED") within the first 16 characters
    const std::string_view text = input.as_string().substr(0, 16);
    if (text.size() < 12 || text.substr(0, 2) != "MI") return false;
    try {
        const auto head = Botan::base64_decode(std::string(text.substr(0, 12)));
        return starts_like_pfx(ByteView(head));
    } catch (const std::exception&) {
        return false;
    }
}

bool is_pbe(const std::string& oid) { return oid.rfind(pbe_prefix, 0) == 0; }

SecretBytes decrypt_pbe(const std::string& oid, ByteView params, ByteView encrypted, ByteView passphrase,
                        const KdfLimits& limits) {
    return decrypt_pbe_with(oid, params, encrypted, bmp_candidates(passphrase), limits);
}

SecretBytes bmp_password(ByteView utf8) {
    std::optional<SecretBytes> bmp = utf16be(utf8);
    if (!bmp) {
        bmp.emplace();
        for (uint8_t b : utf8) bmp->insert(bmp->end(), {0, b});
    }
    bmp->insert(bmp->end(), {0, 0});
    return *bmp;
}

SecretBytes kdf(const std::string& hash, uint8_t id, ByteView bmp_password, ByteView salt, size_t iterations, size_t n) {
    auto h = Botan::HashFunction::create_or_throw(hash);
    const size_t u = h->output_length(), v = h->hash_block_size();
    // I = S || P, each repeated to a whole number of v-byte blocks (nothing when empty)
    SecretBytes I;
    for (ByteView part : {salt, bmp_password})
        if (!part.empty())
            for (size_t k = 0; k < v * ((part.size() + v - 1) / v); ++k) I.push_back(part[k % part.size()]);
    const SecretBytes D(v, id);
    SecretBytes out, A(u), B(v);
    while (true) {
        h->update(D);
        h->update(I);
        h->final(A.data());
        for (size_t r = 1; r < iterations; ++r) {
            h->update(A);
            h->final(A.data());
        }
        out.insert(out.end(), A.begin(), A.end());
        if (out.size() >= n) break;
        for (size_t k = 0; k < v; ++k) B[k] = A[k % u];
        for (size_t block = 0; block < I.size(); block += v) {  // I_j = (I_j + B + 1) mod 2^(8v)
            unsigned carry = 1;
            for (size_t k = v; k-- > 0;) {
                carry += unsigned(I[block + k]) + B[k];
                I[block + k] = static_cast<uint8_t>(carry);
                carry >>= 8;
            }
        }
    }
    out.resize(n);
    return out;
}

std::vector<Entry> read(ByteView input, PassphraseSource& pass, const KdfLimits& limits) {
    const SecretBytes der = unwrap(input);
    der::Reader pfx(ByteView(der), what);
    if (pfx.small_integer("version") != 3) pfx.fail("version", "must be 3");
    der::Reader auth = pfx.sequence("authSafe");
    const std::string type = auth.oid("contentType");
    if (type == oid_signed_data) throw Error("PKCS#12 in public-key integrity mode (signedData) is not supported");
    if (type != oid_data) auth.fail("contentType", "unsupported content type " + type);
    der::Reader wrapper(auth.expect(der::tag_context(0), "content"), what);
    const ByteView content = wrapper.octet_string("content");
    wrapper.expect_end("content");
    auth.expect_end("authSafe");
    std::optional<MacData> mac;
    if (!pfx.at_end()) {
        der::Reader m = pfx.sequence("macData");
        mac = read_mac_data(m, limits);
    }
    pfx.expect_end("PFX");

    Password password(pass);
    if (mac) verify_mac(*mac, content, password);
    SafeReader reader(password, limits);
    reader.authenticated_safe(content);
    return std::move(reader.entries);
}

Outline outline(ByteView input) {
    const SecretBytes der = unwrap(input);
    Outline out;
    der::Reader pfx(ByteView(der), what);
    if (pfx.small_integer("version") != 3) pfx.fail("version", "must be 3");
    der::Reader auth = pfx.sequence("authSafe");
    const std::string type = auth.oid("contentType");
    if (type == oid_data) {
        der::Reader wrapper(auth.expect(der::tag_context(0), "content"), what);
        const ByteView content = wrapper.octet_string("content");
        wrapper.expect_end("content");
        auth.expect_end("authSafe");
        const KdfLimits no_work;  // an outline decrypts nothing; the bag limits still apply
        SafeReader reader(out, no_work);
        reader.authenticated_safe(content);
        out.clear = std::move(reader.entries);
    } else {
        out.detail = type == oid_signed_data ? "public-key integrity mode (signedData)" : "content type " + type;
    }
    out.mac = "none";
    if (!pfx.at_end()) {
        der::Reader m = pfx.sequence("macData");
        const MacFields f = read_mac_fields(m);
        out.mac = mac_name(f.oid) + ", " + f.iterations.to_dec_string() + " iterations";
    }
    pfx.expect_end("PFX");
    return out;
}

PrivateKey read_private_key(ByteView input, PassphraseSource& pass, const KdfLimits& limits) {
    for (const Entry& e : read(input, pass, limits))
        if (e.kind == Entry::Kind::private_key) return pkcs8::read(ByteView(e.der));
    throw Error("the PKCS#12 file holds no private key");
}

Bytes write(const PrivateKey& key, const std::vector<Bytes>& certificates, ByteView passphrase,
            const WriteOptions& options, Botan::RandomNumberGenerator& rng) {
    if (certificates.empty()) throw Error("a PKCS#12 file needs the key's certificate");
    if (options.iterations < 1 || options.iterations > max_write_iterations)
        throw Error("iteration count must be 1 to " + std::to_string(max_write_iterations));
    const Botan::secure_vector<uint8_t> local_key_id = Botan::HashFunction::create_or_throw("SHA-1")->process(certificates[0]);

    DER_Encoder cert_bags;
    cert_bags.start_cons(Botan::SEQUENCE);
    for (size_t i = 0; i < certificates.size(); ++i) {
        cert_bags.start_cons(Botan::SEQUENCE)
            .encode(Botan::OID(oid_cert_bag))
            .start_explicit(0)
            .start_cons(Botan::SEQUENCE)
            .encode(Botan::OID(oid_x509_certificate))
            .start_explicit(0).encode(certificates[i], Botan::OCTET_STRING).end_explicit()
            .end_cons()
            .end_explicit();
        if (i == 0) encode_attributes(cert_bags, options.friendly_name, ByteView(local_key_id));
        cert_bags.end_cons();
    }
    const auto [cert_alg, cert_ciphertext] = encrypt(ByteView(cert_bags.end_cons().get_contents()), passphrase, options, rng);
    const SecretBytes certs_info = DER_Encoder()
                                 .start_cons(Botan::SEQUENCE)
                                 .encode(Botan::OID(oid_encrypted_data))
                                 .start_explicit(0)
                                 .start_cons(Botan::SEQUENCE)
                                 .encode(size_t(0))
                                 .start_cons(Botan::SEQUENCE)
                                 .encode(Botan::OID(oid_data))
                                 .raw_bytes(cert_alg)
                                 .add_object(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC, cert_ciphertext)
                                 .end_cons()
                                 .end_cons()
                                 .end_explicit()
                                 .end_cons()
                                 .get_contents();

    const auto [key_alg, key_ciphertext] = encrypt(ByteView(pkcs8::write(key)), passphrase, options, rng);
    DER_Encoder key_bag;
    key_bag.start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::OID(oid_shrouded_key_bag))
        .start_explicit(0)
        .start_cons(Botan::SEQUENCE).raw_bytes(key_alg).encode(key_ciphertext, Botan::OCTET_STRING).end_cons()
        .end_explicit();
    encode_attributes(key_bag, options.friendly_name, ByteView(local_key_id));
    const SecretBytes key_info = data_content_info(ByteView(key_bag.end_cons().end_cons().get_contents()));

    const SecretBytes auth_safe = DER_Encoder().start_cons(Botan::SEQUENCE).raw_bytes(certs_info).raw_bytes(key_info).end_cons().get_contents();
    const std::string hash = options.legacy ? "SHA-1" : "SHA-256";
    const Bytes mac_salt = random_bytes(rng, 8);
    auto hmac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(" + hash + ")");
    hmac->set_key(kdf(hash, 3, ByteView(bmp_password(passphrase)), ByteView(mac_salt), options.iterations, hmac->output_length()));
    const SecretBytes digest = hmac->process(auth_safe);
    const char* hash_oid = options.legacy ? mac_hashes[0].oid : mac_hashes[2].oid;
    return Botan::unlock(DER_Encoder()
        .start_cons(Botan::SEQUENCE)
        .encode(size_t(3))
        .raw_bytes(data_content_info(ByteView(auth_safe)))
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE).encode(Botan::OID(hash_oid)).encode_null().end_cons()
        .encode(digest, Botan::OCTET_STRING)
        .end_cons()
        .encode(mac_salt, Botan::OCTET_STRING)
        .encode(options.iterations)
        .end_cons()
        .end_cons()
        .get_contents());
}

}  // namespace keypipe::pkcs12
