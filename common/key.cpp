#include "key.h"

#include "der.h"
#include "error.h"

#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/mem_ops.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <iterator>
#include <mutex>
#include <optional>

namespace keypipe {
namespace {

const std::vector<KeyTypeInfo> types = {
    // type                family              ssh_name               ssh_curve   display   curve    curve_oid              botan_group  bits
    {KeyType::rsa,        KeyFamily::rsa,     "ssh-rsa",             "",         "RSA",     "",      "",                    "",          0},
    {KeyType::ecdsa_p256, KeyFamily::ecdsa,   "ecdsa-sha2-nistp256", "nistp256", "ECDSA",   "P-256", "1.2.840.10045.3.1.7", "secp256r1", 256},
    {KeyType::ecdsa_p384, KeyFamily::ecdsa,   "ecdsa-sha2-nistp384", "nistp384", "ECDSA",   "P-384", "1.3.132.0.34",        "secp384r1", 384},
    {KeyType::ecdsa_p521, KeyFamily::ecdsa,   "ecdsa-sha2-nistp521", "nistp521", "ECDSA",   "P-521", "1.3.132.0.35",        "secp521r1", 521},
    {KeyType::ed25519,    KeyFamily::ed25519, "ssh-ed25519",         "",         "ED25519", "",      "",                    "",          256},
};

struct NamedOid {
    std::string_view oid, name;
};
// SubjectPublicKeyInfo / PKCS#8 algorithms, in KeyFamily order.
constexpr NamedOid algorithms[] = {
    {"1.2.840.113549.1.1.1", "RSA"}, {"1.2.840.10045.2.1", "ECDSA"}, {"1.3.101.112", "Ed25519"}};
// Algorithms that peers write and keypipe refuses by name.
constexpr NamedOid unsupported_algorithms[] = {
    {"1.2.840.10040.4.1", "DSA"},         {"1.3.101.113", "Ed448"},  {"1.3.101.110", "X25519"},
    {"1.3.101.111", "X448"},              {"1.2.840.113549.1.1.10", "RSA-PSS"},
    {"1.2.840.113549.1.3.1", "DH"},       {"1.2.156.10197.1.301", "SM2"},
};
// Curves that openssl and python-cryptography make and SSH has no name for.
constexpr NamedOid unsupported_curves[] = {
    {"1.3.132.0.10", "secp256k1"},
    {"1.2.840.10045.3.1.1", "prime192v1"},
    {"1.3.132.0.33", "secp224r1"},
    {"1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"},
    {"1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"},
    {"1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"},
    {"1.2.156.10197.1.301", "SM2"},
};
// The curves' parameters (SEC 2 / FIPS 186-4 D.1.2), for ec_curve(): p, a, b, G and n in
// hex. tests/unit/test_key.cpp holds them equal to Botan's own groups.
struct CurveParams {
    KeyType type;
    const char *p, *a, *b, *gx, *gy, *n;
};
constexpr CurveParams curve_params[] = {
    {KeyType::ecdsa_p256,
     "0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
     "0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC",
     "0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B",
     "0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
     "0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
     "0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"},
    {KeyType::ecdsa_p384,
     "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF",
     "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC",
     "0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF",
     "0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7",
     "0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F",
     "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973"},
    {KeyType::ecdsa_p521,
     "0x01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
     "0x01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC",
     "0x0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00",
     "0x00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66",
     "0x011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650",
     "0x01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409"},
};

// A cache of one object per key type, built on first use, thread-safe. Botan's secure-memory
// pool is unmapped by a static destructor at exit; a BigInt destroyed after it wipes
// unmapped pages (a crash at exit, with the pool on: always on Windows,
// BOTAN_MLOCK_POOL_SIZE on POSIX). Statics die in reverse order of construction, so the
// allocator is made first: Botan's own EC group cache does the same.
template <typename T>
class PerType {
public:
    template <typename Make>
    const T& get(KeyType t, Make&& make) {
        Slot& slot = slots_[static_cast<size_t>(t)];
        std::call_once(slot.once, [&] { slot.value.emplace(make()); });
        return *slot.value;
    }

private:
    struct Slot {
        std::once_flag once;
        std::optional<T> value;
    };
    Botan::Allocator_Initializer allocator_first_;
    std::vector<Slot> slots_ = std::vector<Slot>(types.size());
};

// Ed25519 keys have no curve field; Botan names its algorithm "Ed25519".
constexpr std::string_view botan_ed25519 = "Ed25519";

void check_rsa(const Botan::RSA_PrivateKey& k, const std::string& what) {
    check_rsa_public(k.get_n(), k.get_e(), what);
    const Botan::BigInt& p = k.get_p();
    const Botan::BigInt& q = k.get_q();
    const Botan::BigInt& e = k.get_e();
    if (p < 2 || q < 2 || p * q != k.get_n()) throw Error(what + ": inconsistent RSA key (n is not p*q)");
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

std::string supported_curves() {
    std::string out;
    std::vector<std::string_view> names;
    for (const auto& t : types)
        if (!t.curve.empty()) names.push_back(t.curve);
    for (size_t i = 0; i < names.size(); ++i)
        out += std::string(i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + std::string(names[i]);
    return out;
}

}  // namespace

const std::vector<KeyTypeInfo>& key_types() { return types; }
const KeyTypeInfo& key_type_info(KeyType t) { return types[static_cast<size_t>(t)]; }
std::string_view ssh_name(KeyType t) { return key_type_info(t).ssh_name; }
std::string_view ssh_curve_name(KeyType t) { return key_type_info(t).ssh_curve; }
std::string_view display_name(KeyType t) { return key_type_info(t).display; }

KeyType key_type_from_ssh_name(std::string_view name) {
    for (const auto& t : types)
        if (t.ssh_name == name) return t.type;
    if (name == "ssh-dss") throw Error("unsupported key type: DSA");
    if (name == "ssh-ed448") throw Error("unsupported key type: Ed448");
    throw Error("unsupported key type: " + std::string(name));
}

KeyFamily key_family_from_oid(const std::string& oid) {
    for (size_t i = 0; i < std::size(algorithms); ++i)
        if (oid == algorithms[i].oid) return static_cast<KeyFamily>(i);
    for (const auto& a : unsupported_algorithms)
        if (oid == a.oid) throw Error("unsupported key type: " + std::string(a.name));
    throw Error("unsupported key algorithm " + oid);
}

std::string_view algorithm_oid(KeyFamily family) { return algorithms[static_cast<size_t>(family)].oid; }

KeyType key_type_from_curve_oid(const std::string& oid) {
    for (const auto& t : types)
        if (!t.curve_oid.empty() && oid == t.curve_oid) return t.type;
    std::string name = oid;
    for (const auto& c : unsupported_curves)
        if (oid == c.oid) name = c.name;
    throw Error("unsupported curve: " + name + " (" + supported_curves() + " are supported)");
}

namespace {

constexpr std::string_view oid_prime_field = "1.2.840.10045.1.1";
constexpr std::string_view oid_binary_field = "1.2.840.10045.1.2";
// Bounds on explicit parameters before Botan decodes them (it tests p and n for primality):
// the largest supported curve, P-521, has a 521-bit p and n, and a 133-byte point.
constexpr size_t max_explicit_field_bits = 521;
constexpr size_t max_explicit_point_bytes = 1 + 2 * 66;

bool same_curve(const Botan::EC_Group& a, const Botan::EC_Group& b) {
    // EC_Group's == compares p, a, b and G; n and h are compared too, so that parameters
    // with a named curve's equation and generator but another order are not taken for it.
    return a == b && a.get_order() == b.get_order() && a.get_cofactor() == b.get_cofactor();
}

// The curve given by explicit parameters (SEC1 §C.2 ECParameters), checked against the
// supported curves, then against the curves known by name only.
KeyType key_type_from_explicit(ByteView der, const std::string& what) {
    const std::string ctx = what + ": explicit EC parameters";
    der::Reader r(der, ctx);
    const long version = r.small_integer("version");
    if (version < 1 || version > 3) r.fail("version", "must be 1, 2 or 3");
    der::Reader field = r.sequence("fieldID");
    const std::string field_type = field.oid("fieldType");
    if (field_type == oid_binary_field)
        throw Error("unsupported curve: explicit parameters over a binary field (" + supported_curves() + " are supported)");
    if (field_type != oid_prime_field) field.fail("fieldType", "unknown field type " + field_type);
    const std::string no_match =
        "unsupported curve: explicit parameters matching no named curve (" + supported_curves() + " are supported)";
    // Anything larger than the largest supported curve matches none: refuse it before any
    // arithmetic on numbers the file chose.
    const Botan::BigInt p = field.integer("prime-p");
    field.expect_end("FieldID");
    der::Reader curve = r.sequence("curve");
    const ByteView a = curve.octet_string("a"), b = curve.octet_string("b");
    if (curve.next_is(der::tag_bit_string)) curve.bit_string("seed");
    curve.expect_end("Curve");
    const ByteView base = r.octet_string("base");
    const Botan::BigInt order = r.integer("order");
    if (!r.at_end()) r.integer("cofactor", 64);
    r.expect_end("ECParameters");
    const size_t field_bytes = (max_explicit_field_bits + 7) / 8;
    if (p.bits() > max_explicit_field_bits || order.bits() > max_explicit_field_bits + 1 || a.size() > field_bytes ||
        b.size() > field_bytes || base.size() > max_explicit_point_bytes)
        throw Error(no_match);
    const Botan::EC_Group group =
        translate_errors(ctx + ": invalid parameters", [&] { return Botan::EC_Group(der.data(), der.size()); });
    for (const auto& t : types)
        if (t.family == KeyFamily::ecdsa && same_curve(group, ec_group(t.type))) return t.type;
    for (const auto& c : unsupported_curves) {
        try {
            if (same_curve(group, Botan::EC_Group(Botan::OID(std::string(c.oid)))))
                throw Error("unsupported curve: " + std::string(c.name) + " (explicit parameters; " + supported_curves() +
                            " are supported)");
        } catch (const Botan::Exception&) {  // a curve this Botan does not know
        }
    }
    throw Error(no_match);
}

}  // namespace

KeyType key_type_from_ec_parameters(ByteView der, const std::string& what) {
    const der::Element e = der::read_element(der, what);
    if (e.whole.size() != der.size()) throw Error(what + ": bytes after the EC parameters");
    if (e.tag == der::tag_oid) return key_type_from_curve_oid(der::oid_string(e.value));
    if (e.tag == der::tag_sequence) return key_type_from_explicit(der, what);
    if (e.tag == der::tag_null) throw Error(what + ": EC parameters are implicitlyCA (NULL), which names no curve");
    throw Error(what + ": EC parameters are neither a named curve nor explicit parameters");
}

KeyType ecdsa_key_type(size_t bits) {
    for (const auto& t : types)
        if (t.family == KeyFamily::ecdsa && t.bits == bits) return t.type;
    throw Error("no ECDSA curve of " + std::to_string(bits) + " bits");
}

const Botan::EC_Group& ec_group(KeyType t) {
    // One curve at a time: a conversion of one P-256 key should not pay for P-384 and P-521.
    static PerType<Botan::EC_Group> groups;
    const KeyTypeInfo& row = key_type_info(t);
    if (row.family != KeyFamily::ecdsa) throw Error("not an ECDSA key type");
    return groups.get(t, [&] { return Botan::EC_Group(std::string(row.botan_group)); });
}

const EcCurve& ec_curve(KeyType t) {
    static PerType<EcCurve> curves;
    for (const CurveParams& c : curve_params)
        if (c.type == t)
            return curves.get(t, [&] {
                const Botan::CurveGFp curve(Botan::BigInt(c.p), Botan::BigInt(c.a), Botan::BigInt(c.b));
                return EcCurve{curve, Botan::PointGFp(curve, Botan::BigInt(c.gx), Botan::BigInt(c.gy)), Botan::BigInt(c.n)};
            });
    throw Error("not an ECDSA key type");
}

Botan::PointGFp decode_ec_point(KeyType t, ByteView encoded, const std::string& what) {
    const EcCurve& c = ec_curve(t);
    // OS2ECP checks that the point is on the curve; "\x00" decodes to the point at infinity,
    // which is on every curve and is no public key.
    Botan::PointGFp point = translate_errors(what + ": EC point is not on the curve",
                                             [&] { return Botan::OS2ECP(encoded.data(), encoded.size(), c.curve); });
    if (point.is_zero()) throw Error(what + ": EC point is the point at infinity");
    if (!point.on_the_curve()) throw Error(what + ": EC point is not on the curve");
    return point;
}

PublicKey make_ec_public_key(KeyType t, ByteView encoded, const std::string& what) {
    EcNumbers ec{t, decode_ec_point(t, encoded, what).encode(Botan::PointGFp::UNCOMPRESSED), {}, false};
    return PublicKey{t, KeyRef<Botan::Public_Key>(std::make_shared<const KeyState>(std::move(ec))), ""};
}

PrivateKey make_ec_private_key(KeyType t, const Botan::BigInt& d, const std::string& what) {
    const EcCurve& c = ec_curve(t);
    if (d < 1 || d >= c.order) throw Error(what + ": EC private scalar out of range");
    // Variable-time (Botan's plain ladder, no blinding), as make_rsa_private_key's checks:
    // once per key load, in a tool that only converts the key. Signing with the key goes
    // through Botan's ECDSA_PrivateKey and its blinded, constant-time code.
    const Botan::PointGFp q = d * c.base;
    EcNumbers ec{t, q.encode(Botan::PointGFp::UNCOMPRESSED), d, true};
    return PrivateKey{t, KeyRef<Botan::Private_Key>(std::make_shared<const KeyState>(std::move(ec))), ""};
}

void check_rsa_public(const Botan::BigInt& n, const Botan::BigInt& e, const std::string& what) {
    const size_t bits = n.bits();
    if (bits > max_rsa_bits)
        throw Error(what + ": RSA key of " + std::to_string(bits) + " bits is larger than the " +
                    std::to_string(max_rsa_bits) + "-bit limit");
    std::string why;
    if (n.is_negative() || n.is_even()) why = "even modulus";
    else if (bits < min_rsa_bits) why = "modulus of " + std::to_string(bits) + " bits, below the " + std::to_string(min_rsa_bits) + "-bit minimum";
    else if (e.is_negative() || e < 3) why = "public exponent below 3";
    else if (e.is_even()) why = "even public exponent";
    else if (e >= n) why = "public exponent not below the modulus";
    if (!why.empty()) throw Error(what + ": invalid RSA key (" + why + ")");
}

KeyType key_type_of(const Botan::Public_Key& key) {
    const std::string algo = key.algo_name();
    if (algo == "RSA") return KeyType::rsa;
    if (algo == botan_ed25519) return KeyType::ed25519;
    if (algo == "ECDSA")
        return key_type_from_curve_oid(dynamic_cast<const Botan::EC_PublicKey&>(key).domain().get_curve_oid().to_string());
    throw Error("unsupported key type: " + algo);
}

size_t key_bits(const Botan::Public_Key& key) {
    if (key.algo_name() == botan_ed25519) return 256;
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
    check_rsa_public(k.n, k.e, what);
    if (k.p < 2 || k.q < 2 || k.p * k.q != k.n) throw Error(what + ": inconsistent RSA key (n is not p*q)");
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

PublicKey make_rsa_public_key(const Botan::BigInt& n, const Botan::BigInt& e, const std::string& what) {
    check_rsa_public(n, e, what);
    RsaNumbers r;
    r.n = n;
    r.e = e;
    return PublicKey{KeyType::rsa, KeyRef<Botan::Public_Key>(std::make_shared<const KeyState>(std::move(r))), ""};
}

const Botan::Public_Key& KeyState::get() const {
    std::call_once(once_, [this] {
        if (key_) return;
        if (ec_) {
            const Botan::EC_Group& group = ec_group(ec_->type);
            if (ec_->has_private)  // Botan derives the point again, with its blinded multiplication
                key_ = std::make_shared<const Botan::ECDSA_PrivateKey>(Botan::system_rng(), group, ec_->d);
            else
                key_ = std::make_shared<const Botan::ECDSA_PublicKey>(group, group.OS2ECP(ec_->point.data(), ec_->point.size()));
            return;
        }
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

EcNumbers ec_numbers(const PrivateKey& key) {
    if (const EcNumbers* e = key.key.ec()) return *e;
    const auto& k = dynamic_cast<const Botan::ECDSA_PrivateKey&>(*key.key);
    return EcNumbers{key.type, k.public_point().encode(Botan::PointGFp::UNCOMPRESSED), k.private_value(), true};
}

EcNumbers ec_numbers(const PublicKey& key) {
    if (const EcNumbers* e = key.key.ec()) return EcNumbers{e->type, e->point, {}, false};
    const auto& k = dynamic_cast<const Botan::EC_PublicKey&>(*key.key);
    return EcNumbers{key.type, k.public_point().encode(Botan::PointGFp::UNCOMPRESSED), {}, false};
}

size_t key_bits(const PublicKey& key) {
    if (const RsaNumbers* r = key.key.rsa()) return r->n.bits();
    if (key.key.ec()) return key_type_info(key.type).bits;
    return key_bits(*key.key);
}

PublicKey make_public_key(std::unique_ptr<Botan::Public_Key> key, std::string comment) {
    const KeyType type = key_type_of(*key);
    if (type == KeyType::rsa) {
        const auto& rsa = dynamic_cast<const Botan::RSA_PublicKey&>(*key);
        check_rsa_public(rsa.get_n(), rsa.get_e(), "RSA public key");
    }
    return PublicKey{type, std::shared_ptr<const Botan::Public_Key>(std::move(key)), std::move(comment)};
}

}  // namespace keypipe
