// The key model, once for every format: a key type, the Botan key that does the maths,
// and the comment that OpenSSH and PuTTY files carry.
#pragma once

#include "bytes.h"

#include <botan/bigint.h>
#include <botan/curve_gfp.h>
#include <botan/ec_group.h>
#include <botan/pk_keys.h>
#include <botan/point_gfp.h>
#include <botan/rsa.h>

#include <memory>
#include <mutex>
#include <type_traits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keypipe {

struct PublicKey;

enum class KeyType { rsa, ecdsa_p256, ecdsa_p384, ecdsa_p521, ed25519 };
enum class KeyFamily { rsa, ecdsa, ed25519 };

// The table of key types (the role of OpenSSH's keyimpls[] and PuTTY's all_keyalgs[]):
// every fact about a key type that a codec needs is in its row, and every curve name and
// OID keypipe knows is in key.cpp only. A new key type is a new enum value, a row, and
// its encoding in each fmt_*.cpp.
struct KeyTypeInfo {
    KeyType type;
    KeyFamily family;
    std::string_view ssh_name;     // "ecdsa-sha2-nistp256": SSH wire name
    std::string_view ssh_curve;    // "nistp256" (ECDSA only): the curve field of SSH blobs
    std::string_view display;      // "ECDSA": what ssh-keygen -l prints in parentheses
    std::string_view curve;        // "P-256" (ECDSA only): the name users and messages use
    std::string_view curve_oid;    // named curve in SPKI, PKCS#8 and SEC1 (ECDSA only)
    std::string_view botan_group;  // Botan's EC_Group name (ECDSA only)
    size_t bits;                   // ssh-keygen -l's size; 0 for RSA (the modulus decides)
};
// All rows, in KeyType order.
const std::vector<KeyTypeInfo>& key_types();
const KeyTypeInfo& key_type_info(KeyType t);

// "ssh-rsa", "ecdsa-sha2-nistp256", ..., "ssh-ed25519"
std::string_view ssh_name(KeyType t);
// "nistp256" for ECDSA types, "" otherwise
std::string_view ssh_curve_name(KeyType t);
// "RSA", "ECDSA", "ED25519": what ssh-keygen -l prints in parentheses
std::string_view display_name(KeyType t);
// The inverse of ssh_name; throws Error("unsupported key type: NAME").
KeyType key_type_from_ssh_name(std::string_view name);

// The key family of a SubjectPublicKeyInfo / PKCS#8 algorithm OID. Throws Error
// "unsupported key type: DSA" (Ed448, X25519, RSA-PSS, ...) or "unsupported key algorithm OID".
KeyFamily key_family_from_oid(const std::string& algorithm_oid);
// The algorithm OID of a family (rsaEncryption, id-ecPublicKey, id-Ed25519).
std::string_view algorithm_oid(KeyFamily family);
// The ECDSA key type of a named-curve OID. Throws Error "unsupported curve: NAME (P-256,
// P-384 and P-521 are supported)", NAME as secp256k1 or brainpoolP256r1, else the OID.
KeyType key_type_from_curve_oid(const std::string& curve_oid);
// The ECDSA key type of EC parameters (RFC 5480 ECParameters, SEC1 §C.2) as SPKI, PKCS#8,
// SEC1 [0] and EC PARAMETERS blocks hold them: a named-curve OID (key_type_from_curve_oid),
// or explicit prime-field parameters (openssl ec -param_enc explicit) whose p, a, b, G, n
// and h equal those of a supported curve, which they are then taken as (OpenSSH does the
// same). Throws Error "WHAT: ..." for malformed parameters, "unsupported curve: NAME
// (explicit parameters; ...)" for those of a curve keypipe knows by name but does not
// support, and "unsupported curve: explicit parameters matching no named curve (...)".
KeyType key_type_from_ec_parameters(ByteView der, const std::string& what);
// The ECDSA key type of a field size (256, 384, 521). Throws Error.
KeyType ecdsa_key_type(size_t bits);
// The curve of an ECDSA key type as a Botan group (built once, on first use: Botan
// precomputes base-point multiples for it, ~18 million instructions for P-256, which only
// signing and key generation need).
const Botan::EC_Group& ec_group(KeyType t);

// The same curve without the precomputation, for reading and checking keys: the field,
// the base point and the order (built once; cheap).
struct EcCurve {
    Botan::CurveGFp curve;
    Botan::PointGFp base;
    Botan::BigInt order;
};
const EcCurve& ec_curve(KeyType t);

// The one EC point decoder: SEC1 encoding (compressed points are expanded) of a point on
// the curve of `t` that is not the point at infinity. Throws Error "WHAT: EC point is the
// point at infinity" or "WHAT: EC point is not on the curve".
Botan::PointGFp decode_ec_point(KeyType t, ByteView encoded, const std::string& what);
// An ECDSA public key from its encoded point, decoded by decode_ec_point.
PublicKey make_ec_public_key(KeyType t, ByteView encoded, const std::string& what);

// Classifies a Botan key; throws Error naming what is unsupported (DSA, Ed448, a curve).
KeyType key_type_of(const Botan::Public_Key& key);
// Modulus size for RSA, field size for ECDSA, 256 for Ed25519 (as ssh-keygen -l prints).
size_t key_bits(const Botan::Public_Key& key);

constexpr size_t max_rsa_bits = 16384;
// The smallest modulus keypipe reads: keys of 512 bits and more exist in old files and
// convert (OpenSSH itself refuses below 1024 when it uses one); below that a "key" is
// damage or an attack, not something to carry into another format.
constexpr size_t min_rsa_bits = 512;

// The one RSA public-key check, on every path that reads n and e: n odd, at least
// min_rsa_bits and at most max_rsa_bits; e odd, 3 <= e < n. Throws Error
// "WHAT: invalid RSA key (WHY)", or "WHAT: RSA key of N bits is larger than the
// 16384-bit limit".
void check_rsa_public(const Botan::BigInt& n, const Botan::BigInt& e, const std::string& what);

// The numbers of an RSA key. Private keys have every CRT value, checked against the rest
// (make_rsa_private_key); public keys only n and e.
struct RsaNumbers {
    Botan::BigInt n, e, d, p, q, dp, dq, qinv;
    bool has_private = false;
};

// The numbers of an ECDSA key: its public point (SEC1, uncompressed) and, for a private
// key, its scalar.
struct EcNumbers {
    KeyType type{};
    Bytes point;
    Botan::BigInt d;
    bool has_private = false;
};

// A Botan key shared by copies of a key. A key a reader makes from its numbers is built in
// Botan only when something needs Botan's maths (signing, certificates, Botan's encoders):
// Botan's RSA constructors set up constant-time Montgomery and Barrett reduction for n, p
// and q (~8M instructions for RSA-2048), and an ECDSA key needs its EC_Group, whose
// base-point table costs ~18M for P-256; the SSH, PPK, PKCS#8 and SEC1 codecs, working from
// the numbers, need neither. Thread-safe.
class KeyState {
public:
    explicit KeyState(std::shared_ptr<const Botan::Public_Key> key) : key_(std::move(key)) {}
    explicit KeyState(RsaNumbers rsa) : rsa_(std::make_unique<const RsaNumbers>(std::move(rsa))) {}
    explicit KeyState(EcNumbers ec) : ec_(std::make_unique<const EcNumbers>(std::move(ec))) {}
    const Botan::Public_Key& get() const;
    const RsaNumbers* rsa() const { return rsa_.get(); }
    const EcNumbers* ec() const { return ec_.get(); }

private:
    mutable std::once_flag once_;
    mutable std::shared_ptr<const Botan::Public_Key> key_;
    std::unique_ptr<const RsaNumbers> rsa_;
    std::unique_ptr<const EcNumbers> ec_;
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
    // The numbers of an RSA or ECDSA key that was made from them, else nullptr.
    const RsaNumbers* rsa() const { return state_ ? state_->rsa() : nullptr; }
    const EcNumbers* ec() const { return state_ ? state_->ec() : nullptr; }
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
// The numbers of an ECDSA key (PrivateKey: with the scalar; PublicKey: the point), whether
// it was made from them or by Botan (genkeycert).
EcNumbers ec_numbers(const PrivateKey& key);
EcNumbers ec_numbers(const PublicKey& key);
// key_bits without building a Botan key.
size_t key_bits(const PublicKey& key);

// Wraps a decoded key: classifies it, enforces size limits and checks that its parts are
// consistent (check_rsa_public, RSA n = p*q and e*d = 1 mod p-1, q-1; EC scalar in range). Readers build
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
// `what`: check_rsa_public, n = p*q, e*d = 1 mod p-1 and mod q-1 ("d does not
// match e, p and q"), then each given CRT value against the correct one (`crt_mismatch`,
// e.g. "CRT values do not match p and q"). Missing CRT values are computed. The Botan key,
// when one is needed, is made with Botan's PKCS#1 constructor, which takes the CRT values
// as given instead of recomputing them in constant time (d mod p-1 and q-1 with
// ct_modulo, q^-1 mod p with inverse_mod).
PrivateKey make_rsa_private_key(const RsaParts& parts, const std::string& what,
                                const std::string& crt_mismatch = "CRT values do not match p and q");
// An RSA public key from its numbers, checked by check_rsa_public (Error named `what`).
PublicKey make_rsa_public_key(const Botan::BigInt& n, const Botan::BigInt& e, const std::string& what);

// Every reader builds ECDSA keys here, from the scalar: d must be in [1, n-1] ("WHAT: EC
// private scalar out of range"), and the public point is computed as d*G (a variable-time
// ladder: see make_rsa_private_key's reasoning in key.cpp). Readers compare a stored point
// with ec_numbers(key).point themselves, with their own message.
PrivateKey make_ec_private_key(KeyType t, const Botan::BigInt& d, const std::string& what);

}  // namespace keypipe
