// The key model, once for every format: a key type, the Botan key that does the maths,
// and the comment that OpenSSH and PuTTY files carry.
#pragma once

#include "bytes.h"

#include <botan/bigint.h>
#include <botan/pk_keys.h>
#include <botan/rsa.h>

#include <memory>
#include <mutex>
#include <type_traits>
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

// The numbers of an RSA key. Private keys have every CRT value, checked against the rest
// (make_rsa_private_key); public keys only n and e.
struct RsaNumbers {
    Botan::BigInt n, e, d, p, q, dp, dq, qinv;
    bool has_private = false;
};

// A Botan key shared by copies of a key. An RSA key a reader makes from its numbers is
// built in Botan only when something needs Botan's maths (signing, PKCS#8 encoding,
// certificates): Botan's RSA constructors set up constant-time Montgomery and Barrett
// reduction for n, p and q, ~8M instructions for RSA-2048 and three quarters of
// converting such a key to PPK, which the SSH and PPK codecs, working from the numbers,
// never need. Thread-safe.
class KeyState {
public:
    explicit KeyState(std::shared_ptr<const Botan::Public_Key> key) : key_(std::move(key)) {}
    explicit KeyState(RsaNumbers rsa) : rsa_(std::make_unique<const RsaNumbers>(std::move(rsa))) {}
    const Botan::Public_Key& get() const;
    const RsaNumbers* rsa() const { return rsa_.get(); }

private:
    mutable std::once_flag once_;
    mutable std::shared_ptr<const Botan::Public_Key> key_;
    std::unique_ptr<const RsaNumbers> rsa_;
};

// Points at a Botan key like a shared_ptr (*key, key->), built on first use.
template <class T>
class KeyRef {
public:
    KeyRef() = default;
    template <class U, class = std::enable_if_t<std::is_convertible_v<U*, const T*>>>
    KeyRef(std::shared_ptr<U> key)
        : state_(key ? std::make_shared<const KeyState>(std::shared_ptr<const Botan::Public_Key>(std::move(key))) : nullptr) {}
    explicit KeyRef(std::shared_ptr<const KeyState> state) : state_(std::move(state)) {}
    const T& operator*() const { return dynamic_cast<const T&>(state_->get()); }
    const T* operator->() const { return &**this; }
    // The numbers of an RSA key that was made from them, else nullptr.
    const RsaNumbers* rsa() const { return state_ ? state_->rsa() : nullptr; }
    const std::shared_ptr<const KeyState>& state() const { return state_; }

private:
    std::shared_ptr<const KeyState> state_;
};

struct PublicKey {
    KeyType type{};
    KeyRef<Botan::Public_Key> key;
    std::string comment;
};

struct PrivateKey {
    KeyType type{};
    KeyRef<Botan::Private_Key> key;
    std::string comment;
    bool has_comment = false;  // the format carries a comment (OpenSSH, PPK), even an empty one

    PublicKey public_key() const { return {type, KeyRef<Botan::Public_Key>(key.state()), comment}; }
};

// The numbers of an RSA key (PrivateKey: all of them; PublicKey: n and e), whether it was
// made from them or by Botan (genkeycert).
RsaNumbers rsa_numbers(const PrivateKey& key);
RsaNumbers rsa_numbers(const PublicKey& key);
// key_bits without building a Botan key.
size_t key_bits(const PublicKey& key);

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
// e.g. "CRT values do not match p and q"). Missing CRT values are computed. The Botan key,
// when one is needed, is made with Botan's PKCS#1 constructor, which takes the CRT values
// as given instead of recomputing them in constant time (d mod p-1 and q-1 with
// ct_modulo, q^-1 mod p with inverse_mod).
PrivateKey make_rsa_private_key(const RsaParts& parts, const std::string& what,
                                const std::string& crt_mismatch = "CRT values do not match p and q");
// An RSA public key from its numbers; throws Error(invalid) for numbers Botan refuses,
// and the size limit's Error.
PublicKey make_rsa_public_key(const Botan::BigInt& n, const Botan::BigInt& e, const std::string& invalid);

}  // namespace keypipe
