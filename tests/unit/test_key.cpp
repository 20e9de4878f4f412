// The key model (common/key.cpp): building RSA keys from the parts files store.
#include "key.h"
#include "test_util.h"

#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;

namespace {

const Botan::RSA_PrivateKey& reference() {
    static const Botan::RSA_PrivateKey key(Botan::system_rng(), 1024);
    return key;
}

RsaParts all_parts() {
    const auto& k = reference();
    return RsaParts{k.get_n(), k.get_e(), k.get_d(), k.get_p(), k.get_q(), k.get_d1(), k.get_d2(), k.get_c()};
}

std::string error(const RsaParts& parts) {
    return error_of([&] { make_rsa_private_key(parts, "t"); });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(test_key)

BOOST_AUTO_TEST_CASE(rsa_key_from_parts_equals_botans) {
    const auto& ref = reference();
    RsaParts none = all_parts();
    none.dp.reset();
    none.dq.reset();
    none.qinv.reset();
    RsaParts only_qinv = all_parts();  // what OpenSSH stores
    only_qinv.dp.reset();
    only_qinv.dq.reset();
    for (const RsaParts& parts : {all_parts(), none, only_qinv}) {
        const auto key = make_rsa_private_key(parts, "t");
        BOOST_TEST(key.key.rsa() != nullptr);  // no Botan key built yet
        BOOST_TEST(key.key->private_key_bits() == ref.private_key_bits());  // every CRT value as Botan computes it
        BOOST_TEST(rsa_numbers(key).qinv == ref.get_c());
    }
    // p < q: q^-1 mod p for that order, computed or given.
    RsaParts swapped = none;
    std::swap(swapped.p, swapped.q);
    const PrivateKey computed = make_rsa_private_key(swapped, "t");
    const auto& c = dynamic_cast<const Botan::RSA_PrivateKey&>(*computed.key);
    BOOST_TEST(c.get_c() * c.get_q() % c.get_p() == 1);
    swapped.qinv = c.get_c();
    BOOST_TEST(make_rsa_private_key(swapped, "t").key->private_key_bits() == c.private_key_bits());
}

BOOST_AUTO_TEST_CASE(rsa_inconsistencies_are_named) {
    const auto& ref = reference();
    RsaParts p = all_parts();
    p.n += 2;
    BOOST_TEST(error(p) == "t: inconsistent RSA key (n is not p*q)");
    p = all_parts();
    p.e = 4;
    BOOST_TEST(error(p) == "t: invalid RSA key (even public exponent)");
    p = all_parts();
    p.e = 1;
    BOOST_TEST(error(p) == "t: invalid RSA key (public exponent below 3)");
    p = all_parts();
    p.d += 2;
    BOOST_TEST(error(p) == "t: inconsistent RSA key (d does not match e, p and q)");
    // Given CRT values must be the reduced, correct ones, not merely congruent.
    const std::string crt = "t: inconsistent RSA key (CRT values do not match p and q)";
    p = all_parts();
    *p.dp += ref.get_p() - 1;
    BOOST_TEST(error(p) == crt);
    p = all_parts();
    *p.dq += 2;
    BOOST_TEST(error(p) == crt);
    p = all_parts();
    *p.qinv += 1;
    BOOST_TEST(error(p) == crt);
    p = all_parts();
    *p.qinv += ref.get_p();
    BOOST_TEST(error(p) == crt);
    p = all_parts();
    p.qinv = -*p.qinv;
    BOOST_TEST(error(p) == crt);
    p = all_parts();
    p.qinv = ref.get_c() + 1;
    BOOST_TEST(error_of([&] { make_rsa_private_key(p, "OpenSSH private key", "iqmp is not q^-1 mod p"); }) ==
               "OpenSSH private key: inconsistent RSA key (iqmp is not q^-1 mod p)");
}

BOOST_AUTO_TEST_CASE(key_type_table_is_in_enum_order_and_round_trips) {
    for (size_t i = 0; i < key_types().size(); ++i) {
        const KeyTypeInfo& row = key_types()[i];
        BOOST_TEST((static_cast<size_t>(row.type) == i));
        BOOST_TEST((key_type_from_ssh_name(row.ssh_name) == row.type));
        if (row.family != KeyFamily::ecdsa) continue;
        BOOST_TEST((key_type_from_curve_oid(std::string(row.curve_oid)) == row.type));
        BOOST_TEST(ec_group(row.type).get_curve_oid().to_string() == row.curve_oid);
        BOOST_TEST((ecdsa_key_type(row.bits) == row.type));
        BOOST_TEST(ssh_name(row.type) == "ecdsa-sha2-" + std::string(row.ssh_curve));
    }
    for (KeyFamily f : {KeyFamily::rsa, KeyFamily::ecdsa, KeyFamily::ed25519})
        BOOST_TEST(static_cast<int>(key_family_from_oid(std::string(algorithm_oid(f)))) == static_cast<int>(f));
}

BOOST_AUTO_TEST_CASE(unsupported_curves_and_algorithms_are_named_once) {
    const std::string tail = " (P-256, P-384 and P-521 are supported)";
    BOOST_TEST(error_of([] { key_type_from_curve_oid("1.3.132.0.10"); }) == "unsupported curve: secp256k1" + tail);
    BOOST_TEST(error_of([] { key_type_from_curve_oid("1.3.36.3.3.2.8.1.1.7"); }) == "unsupported curve: brainpoolP256r1" + tail);
    BOOST_TEST(error_of([] { key_type_from_curve_oid("1.2.3.4"); }) == "unsupported curve: 1.2.3.4" + tail);
    BOOST_TEST(error_of([] { key_family_from_oid("1.2.840.10040.4.1"); }) == "unsupported key type: DSA");
    BOOST_TEST(error_of([] { key_family_from_oid("1.3.101.113"); }) == "unsupported key type: Ed448");
    BOOST_TEST(error_of([] { key_family_from_oid("1.2.3.4"); }) == "unsupported key algorithm 1.2.3.4");
    BOOST_TEST(error_of([] { key_type_from_ssh_name("ssh-dss"); }) == "unsupported key type: DSA");
    // A Botan key on such a curve gets the same words.
    const Botan::ECDSA_PrivateKey k1(Botan::system_rng(), Botan::EC_Group("secp256k1"));
    BOOST_TEST(error_of([&] { key_type_of(k1); }) == "unsupported curve: secp256k1" + tail);
}

BOOST_AUTO_TEST_CASE(explicit_ec_parameters_equal_to_a_named_curve_are_that_curve) {
    for (const KeyTypeInfo& row : key_types()) {
        if (row.family != KeyFamily::ecdsa) continue;
        const auto named = ec_group(row.type).DER_encode(Botan::EC_DOMPAR_ENC_OID);
        const auto explicit_params = ec_group(row.type).DER_encode(Botan::EC_DOMPAR_ENC_EXPLICIT);
        BOOST_TEST((key_type_from_ec_parameters(ByteView(named), "t") == row.type));
        BOOST_TEST((key_type_from_ec_parameters(ByteView(explicit_params), "t") == row.type));
    }
    // What openssl ecparam -param_enc explicit writes (with the curve's seed).
    BOOST_TEST((key_type_from_ec_parameters(ByteView(golden("ecexplicit/p256.params.der")), "t") == KeyType::ecdsa_p256));
    BOOST_TEST((key_type_from_ec_parameters(ByteView(golden("ecexplicit/p384.params.der")), "t") == KeyType::ecdsa_p384));
    BOOST_TEST((key_type_from_ec_parameters(ByteView(golden("ecexplicit/p521.params.der")), "t") == KeyType::ecdsa_p521));
}

BOOST_AUTO_TEST_CASE(explicit_ec_parameters_of_no_supported_curve_are_named) {
    const std::string tail = "P-256, P-384 and P-521 are supported)";
    const std::string no_match = "unsupported curve: explicit parameters matching no named curve (" + tail;
    auto error = [](const std::vector<uint8_t>& der) { return error_of([&] { key_type_from_ec_parameters(ByteView(der), "t"); }); };
    // Curves Botan knows by name and SSH does not.
    BOOST_TEST(error(Botan::EC_Group(Botan::OID("1.3.36.3.3.2.8.1.1.7")).DER_encode(Botan::EC_DOMPAR_ENC_EXPLICIT)) ==
               "unsupported curve: brainpoolP256r1 (explicit parameters; " + tail);
    BOOST_TEST(error(Botan::EC_Group("secp256k1").DER_encode(Botan::EC_DOMPAR_ENC_EXPLICIT)) ==
               "unsupported curve: secp256k1 (explicit parameters; " + tail);
    // P-256's equation with another generator (2G), or another order: no curve at all.
    const Botan::EC_Group& p256 = ec_group(KeyType::ecdsa_p256);
    const Botan::PointGFp g2 = p256.get_base_point() * 2;
    const Botan::EC_Group other_g(p256.get_p(), p256.get_a(), p256.get_b(), g2.get_affine_x(), g2.get_affine_y(),
                                  p256.get_order(), p256.get_cofactor());
    BOOST_TEST(error(other_g.DER_encode(Botan::EC_DOMPAR_ENC_EXPLICIT)) == no_match);
    // A field far larger than any supported curve's is refused before Botan tests it;
    // binary fields are named.
    auto params = [](const char* field_type, const Botan::BigInt& p) {
        std::vector<uint8_t> out;
        Botan::DER_Encoder(out)
            .start_cons(Botan::SEQUENCE)
            .encode(size_t(1))
            .start_cons(Botan::SEQUENCE).encode(Botan::OID(field_type)).encode(p).end_cons()
            .start_cons(Botan::SEQUENCE)
            .encode(std::vector<uint8_t>(1, 1), Botan::OCTET_STRING)
            .encode(std::vector<uint8_t>(1, 1), Botan::OCTET_STRING)
            .end_cons()
            .encode(std::vector<uint8_t>(1, 0), Botan::OCTET_STRING)
            .encode(Botan::BigInt(7))
            .end_cons();
        return out;
    };
    BOOST_TEST(error(params("1.2.840.10045.1.1", Botan::BigInt::power_of_2(8000) + 1)) == no_match);
    BOOST_TEST(error(params("1.2.840.10045.1.2", Botan::BigInt(7))) ==
               "unsupported curve: explicit parameters over a binary field (" + tail);
    BOOST_TEST(error({0x05, 0x00}) == "t: EC parameters are implicitlyCA (NULL), which names no curve");
    BOOST_TEST(error({0x02, 0x01, 0x01}) == "t: EC parameters are neither a named curve nor explicit parameters");
}

// ec_curve() carries each curve's parameters as text; they must be Botan's.
BOOST_AUTO_TEST_CASE(ec_curve_parameters_equal_botans_groups) {
    for (const KeyTypeInfo& row : key_types()) {
        if (row.family != KeyFamily::ecdsa) continue;
        BOOST_TEST_CONTEXT(row.curve) {
            const Botan::EC_Group& group = ec_group(row.type);
            const EcCurve& c = ec_curve(row.type);
            BOOST_TEST(c.curve.get_p() == group.get_p());
            BOOST_TEST(c.curve.get_a() == group.get_a());
            BOOST_TEST(c.curve.get_b() == group.get_b());
            BOOST_TEST(c.base.get_affine_x() == group.get_g_x());
            BOOST_TEST(c.base.get_affine_y() == group.get_g_y());
            BOOST_TEST(c.order.to_hex_string() == group.get_order().to_hex_string());
        }
    }
}

// Keys read from their numbers hold d and d*G, the same as Botan's key for d; a Botan key
// is built only when asked for, and is that key.
BOOST_AUTO_TEST_CASE(ec_key_from_scalar_equals_botans) {
    for (const KeyTypeInfo& row : key_types()) {
        if (row.family != KeyFamily::ecdsa) continue;
        BOOST_TEST_CONTEXT(row.curve) {
            const Botan::ECDSA_PrivateKey ref(Botan::system_rng(), ec_group(row.type));
            const PrivateKey key = make_ec_private_key(row.type, ref.private_value(), "t");
            BOOST_TEST_REQUIRE(key.key.ec() != nullptr);
            const EcNumbers ec = ec_numbers(key);
            BOOST_TEST(ec.d == ref.private_value());
            BOOST_TEST((ec.point == ref.public_point().encode(Botan::PointGFp::UNCOMPRESSED)));
            BOOST_TEST(ec_numbers(key.public_key()).point == ec.point);
            BOOST_TEST(key_bits(key.public_key()) == row.bits);
            const auto& built = dynamic_cast<const Botan::ECDSA_PrivateKey&>(*key.key);
            BOOST_TEST(built.private_value() == ref.private_value());
            BOOST_TEST((built.public_point() == ref.public_point()));
            BOOST_TEST(error_of([&] { make_ec_private_key(row.type, Botan::BigInt(0), "t"); }) == "t: EC private scalar out of range");
            BOOST_TEST(error_of([&] { make_ec_private_key(row.type, ec_curve(row.type).order, "t"); }) ==
                       "t: EC private scalar out of range");
        }
    }
}

BOOST_AUTO_TEST_CASE(ec_point_decoder_refuses_infinity_and_off_curve_points) {
    for (const KeyTypeInfo& row : key_types()) {
        if (row.family != KeyFamily::ecdsa) continue;
        const Botan::ECDSA_PrivateKey key(Botan::system_rng(), ec_group(row.type));
        const auto good = key.public_point().encode(Botan::PointGFp::UNCOMPRESSED);
        BOOST_TEST((decode_ec_point(row.type, ByteView(good), "t") == key.public_point()));
        const auto compressed = key.public_point().encode(Botan::PointGFp::COMPRESSED);
        BOOST_TEST((decode_ec_point(row.type, ByteView(compressed), "t") == key.public_point()));
        const uint8_t zero = 0;
        BOOST_TEST(error_of([&] { decode_ec_point(row.type, ByteView(&zero, 1), "t"); }) == "t: EC point is the point at infinity");
        auto off = good;
        off.back() ^= 1;
        BOOST_TEST(error_of([&] { decode_ec_point(row.type, ByteView(off), "t"); }) == "t: EC point is not on the curve");
        BOOST_TEST(error_of([&] { decode_ec_point(row.type, ByteView(good).subspan(1), "t"); }) == "t: EC point is not on the curve");
    }
}

BOOST_AUTO_TEST_CASE(one_rsa_public_check) {
    const auto& ref = reference();
    const Botan::BigInt& n = ref.get_n();
    auto check = [&](const Botan::BigInt& nn, const Botan::BigInt& e) { return error_of([&] { check_rsa_public(nn, e, "t"); }); };
    BOOST_TEST(check(n, 65537) == "no error");
    BOOST_TEST(check(n, 3) == "no error");
    BOOST_TEST(check(n, 1) == "t: invalid RSA key (public exponent below 3)");
    BOOST_TEST(check(n, 0) == "t: invalid RSA key (public exponent below 3)");
    BOOST_TEST(check(n, 65538) == "t: invalid RSA key (even public exponent)");
    BOOST_TEST(check(n, n) == "t: invalid RSA key (public exponent not below the modulus)");
    BOOST_TEST(check(n + 1, 65537) == "t: invalid RSA key (even modulus)");
    BOOST_TEST(check(Botan::BigInt(3233), 17) == "t: invalid RSA key (modulus of 12 bits, below the 512-bit minimum)");
    BOOST_TEST(check(Botan::BigInt::power_of_2(16400) + 1, 65537) == "t: RSA key of 16401 bits is larger than the 16384-bit limit");
    // Every path that makes a key from n and e applies it.
    BOOST_TEST(error_of([&] { make_rsa_public_key(n, 1, "t"); }) == "t: invalid RSA key (public exponent below 3)");
    RsaParts parts = all_parts();
    parts.e = parts.n + 2;
    BOOST_TEST(error(parts) == "t: invalid RSA key (public exponent not below the modulus)");
}

BOOST_AUTO_TEST_SUITE_END()
