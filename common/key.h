// The key model, once for every format: a key type, the Botan key that does the maths,
// and the comment that OpenSSH and PuTTY files carry.
#pragma once

#include "bytes.h"

#include <botan/pk_keys.h>

#include <memory>
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

}  // namespace keypipe
