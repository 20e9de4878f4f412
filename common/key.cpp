#include "key.h"

#include "error.h"

#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/numthry.h>
#include <botan/oids.h>
#include <botan/rsa.h>

namespace keypipe {
namespace {

struct TypeInfo {
    KeyType type;
    std::string_view ssh, curve, display, oid;
};

constexpr TypeInfo types[] = {
    {KeyType::rsa, "ssh-rsa", "", "RSA", ""},
    {KeyType::ecdsa_p256, "ecdsa-sha2-nistp256", "nistp256", "ECDSA", "1.2.840.10045.3.1.7"},
    {KeyType::ecdsa_p384, "ecdsa-sha2-nistp384", "nistp384", "ECDSA", "1.3.132.0.34"},
    {KeyType::ecdsa_p521, "ecdsa-sha2-nistp521", "nistp521", "ECDSA", "1.3.132.0.35"},
    {KeyType::ed25519, "ssh-ed25519", "", "ED25519", ""},
};

const TypeInfo& info(KeyType t) { return types[static_cast<size_t>(t)]; }

std::string curve_display(const Botan::OID& oid) {
    const std::string name = Botan::OIDS::oid2str_or_empty(oid);
    return name.empty() ? oid.to_string() : name;
}

void check_rsa(const Botan::RSA_PrivateKey& k, const std::string& what) {
    const size_t bits = k.get_n().bits();
    if (bits > max_rsa_bits)
        throw Error(what + ": RSA key of " + std::to_string(bits) + " bits is larger than the " +
                    std::to_string(max_rsa_bits) + "-bit limit");
    const Botan::BigInt& p = k.get_p();
    const Botan::BigInt& q = k.get_q();
    const Botan::BigInt& e = k.get_e();
    if (p < 2 || q < 2 || p * q != k.get_n()) throw Error(what + ": inconsistent RSA key (n is not p*q)");
    if (e < 3 || e.is_even()) throw Error(what + ": inconsistent RSA key (bad public exponent)");
    // e*d = 1 modulo p-1 and q-1, so d decrypts what e encrypts. Readers build keys with
    // make_rsa_private_key, which has checked this and the CRT values already; this covers
    // keys from anywhere else.
    const Botan::BigInt& d = k.get_d();
    if ((e * d) % (p - 1) != 1 || (e * d) % (q - 1) != 1)
        throw Error(what + ": inconsistent RSA key (d does not match e, p and q)");
}

// Every reader builds EC keys from the scalar (Botan derives the public point) and
// compares a stored point with the derived one, so only the range is left to check.
void check_ecdsa(const Botan::ECDSA_PrivateKey& k, const std::string& what) {
    const Botan::BigInt& d = k.private_value();
    if (d < 1 || d >= k.domain().get_order()) throw Error(what + ": EC private scalar out of range");
}

}  // namespace

std::string_view ssh_name(KeyType t) { return info(t).ssh; }
std::string_view ssh_curve_name(KeyType t) { return info(t).curve; }
std::string_view display_name(KeyType t) { return info(t).display; }

KeyType key_type_from_ssh_name(std::string_view name) {
    for (const auto& t : types)
        if (t.ssh == name) return t.type;
    if (name == "ssh-dss") throw Error("unsupported key type: DSA");
    if (name == "ssh-ed448") throw Error("unsupported key type: Ed448");
    throw Error("unsupported key type: " + std::string(name));
}

KeyType key_type_of(const Botan::Public_Key& key) {
    const std::string algo = key.algo_name();
    if (algo == "RSA") return KeyType::rsa;
    if (algo == "Ed25519") return KeyType::ed25519;
    if (algo == "ECDSA") {
        const auto& ec = dynamic_cast<const Botan::EC_PublicKey&>(key);
        const Botan::OID oid = ec.domain().get_curve_oid();
        for (const auto& t : types)
            if (!t.oid.empty() && oid == Botan::OID(std::string(t.oid))) return t.type;
        throw Error("unsupported curve: " + curve_display(oid) + " (P-256, P-384 and P-521 are supported)");
    }
    throw Error("unsupported key type: " + algo);
}

size_t key_bits(const Botan::Public_Key& key) {
    if (key.algo_name() == "Ed25519") return 256;
    return key.key_length();
}

PrivateKey make_private_key(std::unique_ptr<Botan::Private_Key> key, std::string comment, const std::string& what) {
    const KeyType type = key_type_of(*key);
    if (type == KeyType::rsa) {
        check_rsa(dynamic_cast<const Botan::RSA_PrivateKey&>(*key), what);
    } else if (type != KeyType::ed25519) {
        check_ecdsa(dynamic_cast<const Botan::ECDSA_PrivateKey&>(*key), what);
    }
    return PrivateKey{type, std::shared_ptr<const Botan::Private_Key>(std::move(key)), std::move(comment)};
}

PrivateKey make_rsa_private_key(const RsaParts& k, const std::string& what, const std::string& crt_mismatch) {
    const size_t bits = k.n.bits();
    if (bits > max_rsa_bits)
        throw Error(what + ": RSA key of " + std::to_string(bits) + " bits is larger than the " +
                    std::to_string(max_rsa_bits) + "-bit limit");
    if (k.p < 2 || k.q < 2 || k.p * k.q != k.n) throw Error(what + ": inconsistent RSA key (n is not p*q)");
    if (k.e < 3 || k.e.is_even()) throw Error(what + ": inconsistent RSA key (bad public exponent)");
    // Variable-time arithmetic (operator%, not ct_modulo) on the secret d, p and q: this runs
    // once per key load, in a tool that only converts the key, with no attacker-chosen input
    // mixed in and no way to repeat it on demand, and the e*d check has always been
    // variable-time. Operations with the key (signing in genkeycert) keep Botan's blinded,
    // constant-time code whatever way the CRT values arrived.
    const Botan::BigInt p1 = k.p - 1, q1 = k.q - 1;
    const Botan::BigInt ed = k.e * k.d;
    if (k.d < 1 || ed % p1 != 1 || ed % q1 != 1) throw Error(what + ": inconsistent RSA key (d does not match e, p and q)");
    RsaNumbers r{k.n, k.e, k.d, k.p, k.q, k.d % p1, k.d % q1, {}, true};
    if ((k.dp && *k.dp != r.dp) || (k.dq && *k.dq != r.dq)) throw Error(what + ": inconsistent RSA key (" + crt_mismatch + ")");
    if (k.qinv) {  // checked by multiplying back: no inversion needed
        if (k.qinv->is_negative() || *k.qinv >= k.p || (*k.qinv * k.q) % k.p != 1)
            throw Error(what + ": inconsistent RSA key (" + crt_mismatch + ")");
        r.qinv = *k.qinv;
    } else {
        r.qinv = Botan::inverse_mod(k.q, k.p);
        if (r.qinv.is_zero()) throw Error(what + ": inconsistent RSA key (q has no inverse mod p)");
    }
    return PrivateKey{KeyType::rsa, KeyRef<Botan::Private_Key>(std::make_shared<const KeyState>(std::move(r))), ""};
}

PublicKey make_rsa_public_key(const Botan::BigInt& n, const Botan::BigInt& e, const std::string& invalid) {
    // What Botan's RSA_PublicKey refuses (its Montgomery setup needs an odd n >= 3), checked
    // now rather than when the key is built.
    if (n.is_negative() || n < 3 || n.is_even() || e.is_negative() || e.is_even()) throw Error(invalid);
    if (n.bits() > max_rsa_bits)
        throw Error("RSA key of " + std::to_string(n.bits()) + " bits is larger than the " +
                    std::to_string(max_rsa_bits) + "-bit limit");
    RsaNumbers r;
    r.n = n;
    r.e = e;
    return PublicKey{KeyType::rsa, KeyRef<Botan::Public_Key>(std::make_shared<const KeyState>(std::move(r))), ""};
}

const Botan::Public_Key& KeyState::get() const {
    std::call_once(once_, [this] {
        if (key_) return;
        const RsaNumbers& r = *rsa_;
        if (!r.has_private) {
            key_ = std::make_shared<const Botan::RSA_PublicKey>(r.n, r.e);
            return;
        }
        const Botan::secure_vector<uint8_t> pkcs1 = Botan::DER_Encoder()
                                                        .start_cons(Botan::SEQUENCE)
                                                        .encode(size_t(0))
                                                        .encode(r.n)
                                                        .encode(r.e)
                                                        .encode(r.d)
                                                        .encode(r.p)
                                                        .encode(r.q)
                                                        .encode(r.dp)
                                                        .encode(r.dq)
                                                        .encode(r.qinv)
                                                        .end_cons()
                                                        .get_contents();
        key_ = translate_errors("invalid RSA key",
                                [&] { return std::make_shared<const Botan::RSA_PrivateKey>(Botan::AlgorithmIdentifier(), pkcs1); });
    });
    return *key_;
}

RsaNumbers rsa_numbers(const PrivateKey& key) {
    if (const RsaNumbers* r = key.key.rsa()) return *r;
    const auto& k = dynamic_cast<const Botan::RSA_PrivateKey&>(*key.key);
    return RsaNumbers{k.get_n(), k.get_e(), k.get_d(), k.get_p(), k.get_q(), k.get_d1(), k.get_d2(), k.get_c(), true};
}

RsaNumbers rsa_numbers(const PublicKey& key) {
    RsaNumbers r;
    if (const RsaNumbers* lazy = key.key.rsa()) {
        r.n = lazy->n;
        r.e = lazy->e;
    } else {
        const auto& k = dynamic_cast<const Botan::RSA_PublicKey&>(*key.key);
        r.n = k.get_n();
        r.e = k.get_e();
    }
    return r;
}

size_t key_bits(const PublicKey& key) {
    if (const RsaNumbers* r = key.key.rsa()) return r->n.bits();
    return key_bits(*key.key);
}

PublicKey make_public_key(std::unique_ptr<Botan::Public_Key> key, std::string comment) {
    const KeyType type = key_type_of(*key);
    if (type == KeyType::rsa && key->key_length() > max_rsa_bits)
        throw Error("RSA key of " + std::to_string(key->key_length()) + " bits is larger than the " +
                    std::to_string(max_rsa_bits) + "-bit limit");
    return PublicKey{type, std::shared_ptr<const Botan::Public_Key>(std::move(key)), std::move(comment)};
}

}  // namespace keypipe
