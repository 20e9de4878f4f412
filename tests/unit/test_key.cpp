// The key model (common/key.cpp): building RSA keys from the parts files store.
#include "key.h"
#include "test_util.h"

#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;

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
    BOOST_TEST(error(p) == "t: inconsistent RSA key (bad public exponent)");
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

BOOST_AUTO_TEST_SUITE_END()
