// OpenSSH's own private key format, "openssh-key-v1" (formats.md §4; OpenSSH PROTOCOL.key
// and sshkey.c). One key per file, a public blob in clear, and a private section that is
// encrypted with a key and IV from bcrypt_pbkdf when a passphrase is set.
//
// The reader takes every cipher `ssh-keygen -Z` offers (§4.3) and checks all the format
// allows: check-ints (the only passphrase check there is for CTR/CBC), strict 1,2,3…
// padding of any length (as OpenSSH: puttygen pads to 16 bytes), nothing after the last
// field, and the stored public key against the one derived from the private part. The
// writer produces ssh-keygen 9.2's bytes: cipher "none" with 8-byte padding, or aes256-ctr
// with bcrypt (16 rounds, 16-byte salt) and 16-byte padding; base64 at 70 columns.
// Security-key (sk-*) and certificate key types, DSA and Ed448 are refused by name.
#include "fmt_openssh.h"

#include "bcrypt_pbkdf.h"
#include "cursor.h"
#include "error.h"
#include "kdf_limits.h"
#include "pem.h"
#include "ssh.h"

#include <botan/cipher_mode.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/mac.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <botan/stream_cipher.h>
#include <botan/system_rng.h>

namespace keypipe::openssh {
namespace {

constexpr std::string_view magic{"openssh-key-v1\0", 15};
constexpr const char* label = "OPENSSH PRIVATE KEY";
constexpr size_t bcrypt_salt_bytes = 16;
constexpr size_t tag_bytes = 16;

struct Cipher {
    std::string_view name;
    const char* botan;   // Botan Cipher_Mode name; "" for none and chacha20-poly1305
    size_t key_len, iv_len, block, tag;
};
constexpr Cipher ciphers[] = {
    {"none", "", 0, 0, 8, 0},
    {"aes128-ctr", "AES-128/CTR-BE", 16, 16, 16, 0},
    {"aes192-ctr", "AES-192/CTR-BE", 24, 16, 16, 0},
    {"aes256-ctr", "AES-256/CTR-BE", 32, 16, 16, 0},
    {"aes128-cbc", "AES-128/CBC/NoPadding", 16, 16, 16, 0},
    {"aes192-cbc", "AES-192/CBC/NoPadding", 24, 16, 16, 0},
    {"aes256-cbc", "AES-256/CBC/NoPadding", 32, 16, 16, 0},
    {"aes128-gcm@openssh.com", "AES-128/GCM", 16, 12, 16, tag_bytes},
    {"aes256-gcm@openssh.com", "AES-256/GCM", 32, 12, 16, tag_bytes},
    {"chacha20-poly1305@openssh.com", "", 64, 0, 8, tag_bytes},
    {"3des-cbc", "TripleDES/CBC/NoPadding", 24, 8, 8, 0},
};

const Cipher* find_cipher(std::string_view name) {
    for (const auto& c : ciphers)
        if (c.name == name) return &c;
    return nullptr;
}

// OpenSSH's chacha20-poly1305 with sequence number 0 (cipher-chachapoly.c): the first 32
// key bytes key ChaCha20 with a 64-bit nonce; block 0 gives the Poly1305 key, the payload
// is encrypted from block 1, and the tag covers the ciphertext. The second 32 bytes key
// the packet-length cipher, which a key file does not use.
SecretBytes chacha_poly_tag(ByteView key, ByteView ciphertext) {
    auto chacha = Botan::StreamCipher::create_or_throw("ChaCha(20)");
    chacha->set_key(key.data(), 32);
    const uint8_t nonce[8] = {};
    chacha->set_iv(nonce, sizeof nonce);
    SecretBytes poly_key(32, 0);
    chacha->cipher1(poly_key.data(), poly_key.size());
    auto poly = Botan::MessageAuthenticationCode::create_or_throw("Poly1305");
    poly->set_key(poly_key);
    poly->update(ciphertext.data(), ciphertext.size());
    return poly->final();
}

void chacha_crypt(ByteView key, SecretBytes& data) {
    auto chacha = Botan::StreamCipher::create_or_throw("ChaCha(20)");
    chacha->set_key(key.data(), 32);
    const uint8_t nonce[8] = {};
    chacha->set_iv(nonce, sizeof nonce);
    chacha->seek(64);
    chacha->cipher1(data.data(), data.size());
}

// Decrypts the private section in place; throws Error("wrong passphrase") on an AEAD tag
// mismatch (CTR and CBC have no tag: the check-ints tell).
void decrypt(const Cipher& c, ByteView key_iv, SecretBytes& data, ByteView tag) {
    if (c.name == "chacha20-poly1305@openssh.com") {
        const SecretBytes expect = chacha_poly_tag(key_iv, ByteView(data));
        if (!Botan::constant_time_compare(expect.data(), tag.data(), tag_bytes)) throw Error("wrong passphrase");
        chacha_crypt(key_iv, data);
        return;
    }
    auto mode = Botan::Cipher_Mode::create_or_throw(c.botan, Botan::DECRYPTION);
    mode->set_key(key_iv.data(), c.key_len);
    mode->start(key_iv.data() + c.key_len, c.iv_len);
    if (c.tag) data.insert(data.end(), tag.begin(), tag.end());
    try {
        mode->finish(data);
    } catch (const Botan::Invalid_Authentication_Tag&) {
        throw Error("wrong passphrase");
    }
}

PrivateKey read_private_fields(Cursor& c, const char* what) {
    const std::string type_name = c.name("key type");
    if (type_name.find("-cert-v01@openssh.com") != std::string::npos)
        throw Error(std::string(what) + ": certificate keys (" + type_name + ") are not supported");
    if (type_name.rfind("sk-", 0) == 0)
        throw Error("unsupported key type: " + type_name + " (security keys have no private key to convert)");
    const KeyType type = key_type_from_ssh_name(type_name);
    std::unique_ptr<Botan::Private_Key> key;
    if (type == KeyType::rsa) {
        const Botan::BigInt n = c.mpint("n"), e = c.mpint("e"), d = c.mpint("d"), iqmp = c.mpint("iqmp");
        const Botan::BigInt p = c.mpint("p"), q = c.mpint("q");
        PrivateKey rsa = make_rsa_private_key({n, e, d, p, q, std::nullopt, std::nullopt, iqmp}, what, "iqmp is not q^-1 mod p");
        rsa.comment = std::string(c.string("comment").as_string());
        return rsa;
    } else if (type == KeyType::ed25519) {
        const ByteView pk = c.string("public key");
        const ByteView sk = c.string("private key");
        if (pk.size() != 32 || sk.size() != 64) c.fail("private key", "Ed25519 keys are 32 and 64 bytes");
        auto ed = std::make_unique<Botan::Ed25519_PrivateKey>(sk.subspan(0, 32).to_secret());
        if (ByteView(ed->get_public_key()) != pk || sk.subspan(32) != pk)
            throw Error(std::string(what) + ": Ed25519 public key does not match the private key");
        key = std::move(ed);
    } else {
        if (c.name("curve name") != ssh_curve_name(type)) c.fail("curve name", "does not match the key type");
        const ByteView q = c.string("public point");
        const Botan::BigInt& order = ec_curve(type).order;
        const Botan::BigInt d = c.mpint("private scalar", order.bits());
        if (d < 1 || d >= order) c.fail("private scalar", "out of range");
        PrivateKey ec = make_ec_private_key(type, d, what);
        if (ByteView(ec.key.ec()->point) != q) throw Error(std::string(what) + ": EC public key does not match the private key");
        ec.comment = std::string(c.string("comment").as_string());
        return ec;
    }
    std::string comment(c.string("comment").as_string());
    return make_private_key(std::move(key), std::move(comment), what);
}

}  // namespace

PrivateKey read(ByteView input, PassphraseSource& pass, const KdfLimits& limits) {
    for (const auto& block : pem::decode_all(input))
        if (block.label == label) return read_binary(ByteView(block.body), pass, limits);
    throw Error("no OPENSSH PRIVATE KEY block");
}

PrivateKey read_binary(ByteView blob, PassphraseSource& pass, const KdfLimits& limits) {
    const char* what = "OpenSSH private key";
    Cursor c(blob, what);
    c.expect_magic(ByteView(magic), "magic");
    const std::string cipher_name = c.name("cipher name");
    const std::string kdf_name = c.name("kdf name");
    Cursor kdf_options = c.sub("kdf options");
    const uint32_t nkeys = c.u32("key count");
    if (nkeys != 1) c.fail("key count", std::to_string(nkeys) + " keys (exactly one is supported)");
    const ByteView public_blob = c.string("public key");
    const ByteView encrypted = c.string("private section");
    const Cipher* cipher = find_cipher(cipher_name);
    if (!cipher) throw Error("unsupported cipher: " + cipher_name);
    const ByteView tag = c.bytes(cipher->tag, "authentication tag");
    c.expect_end();

    if (kdf_name != "none" && kdf_name != "bcrypt") throw Error("unsupported kdf: " + kdf_name);
    if ((kdf_name == "none") != (cipher_name == "none"))
        throw Error(std::string(what) + ": cipher " + cipher_name + " with kdf " + kdf_name + " is inconsistent");
    if (encrypted.size() % cipher->block != 0)
        throw Error(std::string(what) + ": private section is not a multiple of the cipher block size");

    SecretBytes plain = encrypted.to_secret();
    if (kdf_name == "bcrypt") {
        const ByteView salt = kdf_options.string("salt");
        const uint32_t rounds = kdf_options.u32("rounds");
        kdf_options.expect_end();
        if (rounds == 0) throw Error(std::string(what) + ": bcrypt rounds is 0");
        if (rounds > limits.bcrypt_rounds)
            throw Error("bcrypt rounds " + std::to_string(rounds) + " exceed the limit of " +
                        std::to_string(limits.bcrypt_rounds) + limits.raise_hint);
        const SecretBytes passphrase = pass.get("the OpenSSH key");
        if (passphrase.empty()) throw Error("wrong passphrase");
        const SecretBytes key_iv = bcrypt_pbkdf(ByteView(passphrase), salt, rounds, cipher->key_len + cipher->iv_len);
        decrypt(*cipher, ByteView(key_iv), plain, tag);
    } else {
        kdf_options.expect_end();
    }

    Cursor p(ByteView(plain), "OpenSSH private section");
    const uint32_t check1 = p.u32("check-int"), check2 = p.u32("check-int");
    if (check1 != check2) {
        if (kdf_name == "none") throw Error(std::string(what) + ": check-ints differ (corrupted file)");
        throw Error("wrong passphrase");
    }
    PrivateKey key = read_private_fields(p, what);
    // OpenSSH's rule (sshkey.c private2_check_padding): the bytes after the comment run
    // 1, 2, 3, ... (modulo 256) with no bound on their number; only the section length must
    // be a multiple of the cipher block, checked above. Writers differ: ssh-keygen pads an
    // unencrypted key to 8 bytes, puttygen 0.78 to 16 (formats.md §4.5), so a bound of one
    // cipher block would refuse puttygen's exports. The input size cap bounds the loop.
    const ByteView padding = p.rest();
    for (size_t i = 0; i < padding.size(); ++i)
        if (padding[i] != static_cast<uint8_t>(i + 1)) p.fail("padding", "not 1, 2, 3, ...");
    if (ByteView(ssh::public_blob(key.public_key())) != public_blob)
        throw Error(std::string(what) + ": public key does not match the private key");
    key.has_comment = true;
    return key;
}

SecretBytes write(const PrivateKey& key, const WriteOptions& options, Botan::RandomNumberGenerator& rng) {
    const bool encrypt = !options.passphrase.empty();
    const Cipher& cipher = *find_cipher(encrypt ? "aes256-ctr" : "none");
    const Bytes public_blob = ssh::public_blob(key.public_key());

    SecretWriter priv;
    uint8_t check[4];
    rng.randomize(check, sizeof check);
    priv.raw(ByteView(check, 4));
    priv.raw(ByteView(check, 4));
    priv.string(ssh_name(key.type));
    if (key.type == KeyType::rsa) {
        const RsaNumbers rsa = rsa_numbers(key);
        priv.mpint(rsa.n);
        priv.mpint(rsa.e);
        priv.mpint(rsa.d);
        priv.mpint(rsa.qinv);
        priv.mpint(rsa.p);
        priv.mpint(rsa.q);
    } else if (key.type == KeyType::ed25519) {
        const auto& ed = dynamic_cast<const Botan::Ed25519_PrivateKey&>(*key.key);
        priv.string(ByteView(ed.get_public_key()));
        priv.string(ByteView(ed.get_private_key()));  // seed || public key
    } else {
        const EcNumbers ec = ec_numbers(key);
        priv.string(ssh_curve_name(key.type));
        priv.string(ByteView(ec.point));
        priv.mpint(ec.d);
    }
    priv.string(ByteView(ssh::clean_comment(key.comment)));  // becomes the .pub line's comment
    for (uint8_t pad = 1; priv.size() % cipher.block != 0; ++pad) priv.u8(pad);
    SecretBytes section = priv.take();

    SecretWriter kdf_options;
    if (encrypt) {
        uint8_t salt[bcrypt_salt_bytes];
        rng.randomize(salt, sizeof salt);
        kdf_options.string(ByteView(salt, sizeof salt));
        kdf_options.u32(options.rounds);
        const SecretBytes key_iv = bcrypt_pbkdf(ByteView(options.passphrase), ByteView(salt, sizeof salt), options.rounds,
                                                cipher.key_len + cipher.iv_len);
        auto mode = Botan::Cipher_Mode::create_or_throw(cipher.botan, Botan::ENCRYPTION);
        mode->set_key(key_iv.data(), cipher.key_len);
        mode->start(key_iv.data() + cipher.key_len, cipher.iv_len);
        mode->finish(section);
    }

    SecretWriter out;
    out.raw(ByteView(magic));
    out.string(cipher.name);
    out.string(encrypt ? std::string_view("bcrypt") : std::string_view("none"));
    out.string(ByteView(kdf_options.data()));
    out.u32(1);
    out.string(ByteView(public_blob));
    out.string(ByteView(section));
    return pem::encode_secret(label, ByteView(out.data()), {}, options.width);
}

}  // namespace keypipe::openssh
