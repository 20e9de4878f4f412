// The key model, once for every format: a key type, the Botan key that does the maths,
// and the comment that OpenSSH and PuTTY files carry.
#pragma once

#include "bytes.h"

#include <botan/bigint.h>
#include <botan/pk_keys.h>
#include <botan/rsa.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace keypipe {

enum class KeyType { rsa, ecdsa_p256, ecdsa_p384, ecdsa_p521, ed25519 };

// "ssh-rsa", "ecdsa-sha2-nistp256", ..., "ssh-ed25519"
std::string_view ssh_name(KeyType t);
// "nistp256" for ECDSA types, "" otherwise
std::string_view ssh_curve_name(KeyType t);
// "RSA", "ECDSA", "ED25519": what ssh-keygen -l prints in parentheses
std::string_view display_name(KeyType t);
// The inverse of ssh_name; throws Error("unsupported key type: NAME").
KeyType key_type_from_ssh_name(std::string_view name);

// Classifies a Botan key; throws Error naming what is unsupported (DSA, Ed448, a curve).
KeyType key_type_of(const Botan::Public_Key& key);
// Modulus size for RSA, field size for ECDSA, 256 for Ed25519 (as ssh-keygen -l prints).
size_t key_bits(const Botan::Public_Key& key);

constexpr size_t max_rsa_bits = 16384;
constexpr size_t min_rsa_bits = 1024;  // OpenSSH refuses smaller keys

struct PublicKey {
    KeyType type{};
    std::shared_ptr<const Botan::Public_Key> key;
    std::string comment;
};

struct PrivateKey {
    KeyType type{};
    std::shared_ptr<const Botan::Private_Key> key;
    std::string comment;
    bool has_comment = false;  // the format carries a comment (OpenSSH, PPK), even an empty one

    PublicKey public_key() const { return {type, key, comment}; }
};

// Wraps a decoded key: classifies it, enforces size limits and checks that its parts are
// consistent (RSA n = p*q and e*d = 1 mod p-1, q-1; EC scalar in range). Readers build
// keys from the private parts and compare stored public parts and CRT values themselves.
// Throws Error on any mismatch, naming `what` (e.g. "PKCS#1 key").
PrivateKey make_private_key(std::unique_ptr<Botan::Private_Key> key, std::string comment,
                            const std::string& what);
PublicKey make_public_key(std::unique_ptr<Botan::Public_Key> key, std::string comment);

// An RSA private key as a file stores it. The CRT values are optional: PKCS#1 has all
// three, OpenSSH only qinv (its iqmp), PPK none that counts (PuTTY ignores its iqmp).
struct RsaParts {
    Botan::BigInt n, e, d, p, q;
    std::optional<Botan::BigInt> dp, dq, qinv;  // d mod (p-1), d mod (q-1), q^-1 mod p
};

// Every reader builds RSA keys here. Checks, in this order, throwing Error named after
// `what`: the size limit, n = p*q, e odd and >= 3, e*d = 1 mod p-1 and mod q-1 ("d does not
// match e, p and q"), then each given CRT value against the correct one (`crt_mismatch`,
// e.g. "CRT values do not match p and q"). Missing CRT values are computed. The key is then
// made with Botan's PKCS#1 constructor, which takes the CRT values as given instead of
// recomputing them in constant time (d mod p-1 and q-1 with ct_modulo, q^-1 mod p with
// inverse_mod: ~40% of key2ppk's instructions for an RSA-2048 key).
std::unique_ptr<Botan::RSA_PrivateKey> make_rsa_private_key(
    const RsaParts& parts, const std::string& what, const std::string& crt_mismatch = "CRT values do not match p and q");

}  // namespace keypipe
