#include "der.h"
#include "error.h"
#include "fmt_pkcs12.h"
#include "fmt_pkcs8.h"
#include "kdf_limits.h"
#include "keyio.h"
#include "objects.h"
#include "ssh.h"
#include "test_util.h"

#include <botan/der_enc.h>
#include <botan/hash.h>
#include <botan/mac.h>
#include <botan/hex.h>
#include <botan/system_rng.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;

namespace {

std::string p12(const std::string& name) { return golden("pkcs12/" + name); }
ByteView view(const std::string& s) { return ByteView(std::string_view(s)); }
const std::string password = test::golden_line("pkcs12/password.txt");

// The DER of the first PEM block of a golden file.
SecretBytes pem_der(const std::string& name) { return read_objects(view(p12(name))).front().body; }

// The PKCS#8 DER of the key NAME.key, as keypipe writes it (OpenSSL's bytes).
SecretBytes original_key(const std::string& key) {
    NoPassphrase none;
    return pkcs8::write(read_private_key(view(p12(key + ".key")), none));
}

// Salts and IVs of an openssl-made PFX in the order they appear: the certificates'
// encryption parameters, the key's, then the MAC salt. Fed to pkcs12::write as its RNG,
// they make it write openssl's file again if it writes the same structure.
Bytes salts_and_ivs(ByteView pfx_der) {
    Bytes out;
    auto take_encryption = [&out](der::Reader& alg) {
        const std::string oid = alg.oid("alg");
        der::Reader params = alg.sequence("params");
        if (oid == "1.2.840.113549.1.5.13") {
            der::Reader kdf = params.sequence("kdf");
            kdf.oid("kdf");
            append(out, kdf.sequence("pbkdf2").octet_string("salt"));
            der::Reader scheme = params.sequence("scheme");
            scheme.oid("cipher");
            append(out, scheme.octet_string("iv"));
        } else {
            append(out, params.octet_string("salt"));
        }
    };
    der::Reader pfx(pfx_der, "pfx");
    pfx.small_integer("version");
    der::Reader auth = pfx.sequence("authSafe");
    auth.oid("type");
    const ByteView safe = der::Reader(auth.expect(der::tag_context(0), "content"), "c").octet_string("data");
    der::Reader safes(safe, "safes");
    der::Reader certs = safes.sequence("certs");
    certs.oid("type");
    der::Reader encrypted_data = der::Reader(certs.expect(der::tag_context(0), "c"), "c").sequence("EncryptedData");
    encrypted_data.small_integer("version");
    der::Reader eci = encrypted_data.sequence("eci");
    eci.oid("type");
    der::Reader cert_alg = eci.sequence("alg");
    take_encryption(cert_alg);
    der::Reader key = safes.sequence("key");
    key.oid("type");
    const ByteView bags = der::Reader(key.expect(der::tag_context(0), "c"), "c").octet_string("data");
    der::Reader bag = der::Reader(bags, "bags").sequence("bag");
    bag.oid("bagId");
    der::Reader key_alg = der::Reader(bag.expect(der::tag_context(0), "c"), "c").sequence("epki").sequence("alg");
    take_encryption(key_alg);
    der::Reader mac = pfx.sequence("mac");
    mac.sequence("digest");
    append(out, mac.octet_string("salt"));
    return out;
}

pkcs12::Entry first(const std::vector<pkcs12::Entry>& entries, pkcs12::Entry::Kind kind) {
    for (const auto& e : entries)
        if (e.kind == kind) return e;
    throw std::runtime_error("no such entry");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(test_fmt_pkcs12)

// Every peer-made file gives back the original key and, first, its certificate.
BOOST_AUTO_TEST_CASE(reads_every_peer_file) {
    const std::vector<std::string> makers = {"openssl-default", "openssl-legacy", "openssl-3des", "py-best",
                                             "py-3des",         "py-aes",         "certtool"};
    for (const std::string key : {"rsa", "p256", "ed25519"})
        for (const auto& maker : makers) {
            BOOST_TEST_CONTEXT(key << "." << maker) {
                FixedPassphrase pass(password);
                const auto entries = pkcs12::read(view(p12(key + "." + maker + ".p12")), pass);
                BOOST_TEST(first(entries, pkcs12::Entry::Kind::private_key).der == original_key(key));
                BOOST_TEST(first(entries, pkcs12::Entry::Kind::certificate).der == pem_der(key + ".pem"));
                const size_t certs = std::count_if(entries.begin(), entries.end(), [](const auto& e) {
                    return e.kind == pkcs12::Entry::Kind::certificate;
                });
                BOOST_TEST(certs == (maker == "certtool" ? 1u : 2u));
            }
        }
    for (const std::string variant : {"openssl-name", "openssl-sha512", "openssl-descert", "openssl-aes128-2des",
                                      "openssl-rc2-128", "openssl-iter100k", "openssl-unencrypted", "openssl-certfile",
                                      "certtool-3des", "openssl-default.p12.b64"}) {
        BOOST_TEST_CONTEXT(variant) {
            FixedPassphrase pass(password);
            const std::string file = variant.find(".b64") != std::string::npos ? "rsa." + variant : "rsa." + variant + ".p12";
            BOOST_TEST((pkcs12::read_private_key(view(p12(file)), pass).type == KeyType::rsa));
            const auto entries = pkcs12::read(view(p12(file)), pass);
            BOOST_TEST(first(entries, pkcs12::Entry::Kind::private_key).der == original_key("rsa"));
        }
    }
}

BOOST_AUTO_TEST_CASE(mac_with_sha512_256_and_sha512_224) {
    // openssl pkcs12 -export -macalg sha512-256 / sha512-224 (tests/golden/prf/make.sh).
    const std::string pass = test::golden_line("prf/passphrase.txt");
    FixedPassphrase p(pass);
    const PrivateKey key = pkcs12::read_private_key(view(golden("prf/key.mac-sha512-256.p12")), p);
    BOOST_TEST(ssh::authorized_keys_line(key.public_key(), "") == test::golden_line("prf/key.pub") + "\n");
    FixedPassphrase p2(pass);
    BOOST_TEST(error_of([&] { pkcs12::read(view(golden("prf/key.mac-sha512-224.p12")), p2); }) ==
               "unsupported PKCS#12 MAC digest SHA-512/224 (re-export with openssl pkcs12 -macalg sha256)");
}

BOOST_AUTO_TEST_CASE(attributes) {
    FixedPassphrase pass(password);
    const auto entries = pkcs12::read(view(p12("rsa.openssl-name.p12")), pass);
    const auto key = first(entries, pkcs12::Entry::Kind::private_key);
    const auto cert = first(entries, pkcs12::Entry::Kind::certificate);
    BOOST_TEST(key.friendly_name == "vm-rsa friendly");
    BOOST_TEST(cert.friendly_name == "vm-rsa friendly");
    BOOST_TEST(Botan::hex_encode(key.local_key_id) == Botan::hex_encode(Botan::HashFunction::create("SHA-1")->process(cert.der)));
}

// The empty password is tried as empty and as absent without asking; others are asked once.
BOOST_AUTO_TEST_CASE(password_encodings) {
    NoPassphrase none;
    BOOST_TEST((pkcs12::read_private_key(view(p12("rsa.empty-pass.p12")), none).type == KeyType::rsa));
    BOOST_TEST((pkcs12::read_private_key(view(p12("rsa.openssl-nomac.p12")), none).type == KeyType::rsa));
    FixedPassphrase utf8(test::golden_line("pkcs12/utf8-password.txt"));
    BOOST_TEST((pkcs12::read_private_key(view(p12("rsa.utf8-pass.p12")), utf8).type == KeyType::rsa));
    BOOST_TEST(error_of([&] { pkcs12::read(view(p12("rsa.openssl-default.p12")), none); }) ==
               "the PKCS#12 file is encrypted (use --passin SRC)");
    FixedPassphrase wrong("not-the-password");
    BOOST_TEST(error_of([&] { pkcs12::read(view(p12("rsa.openssl-default.p12")), wrong); }) == "wrong passphrase");
    BOOST_TEST(error_of([&] { pkcs12::read(view(p12("rsa.openssl-legacy.p12")), wrong); }) == "wrong passphrase");
}

BOOST_AUTO_TEST_CASE(bmp_password) {
    auto hex = [](const std::string& s) { return Botan::hex_encode(pkcs12::bmp_password(view(s))); };
    BOOST_TEST(hex("a\xc3\xa4\xe2\x82\xac") == "006100E420AC0000");  // UTF-8 a, U+00E4, U+20AC
    BOOST_TEST(hex("\xf0\x9f\x98\x80") == "D83DDE000000");             // U+1F600: a surrogate pair
    BOOST_TEST(hex("a\xff") == "006100FF0000");                          // not UTF-8: one byte, one character
    BOOST_TEST(hex("") == "0000");
}

// key2pfx's bytes, pinned: given openssl's salts and IVs, the writer gives openssl's file.
BOOST_AUTO_TEST_CASE(writes_openssl_bytes) {
    struct Case {
        std::string file, name;
        bool legacy;
    };
    for (const Case& c : {Case{"rsa.openssl-default.p12", "", false}, Case{"rsa.openssl-name.p12", "vm-rsa friendly", false},
                          Case{"rsa.openssl-3des.p12", "", true}, Case{"p256.openssl-default.p12", "", false},
                          Case{"ed25519.openssl-3des.p12", "", true}}) {
        BOOST_TEST_CONTEXT(c.file) {
            const std::string expected = p12(c.file);
            const std::string key = c.file.substr(0, c.file.find('.'));
            NoPassphrase none;
            const PrivateKey k = read_private_key(view(p12(key + ".key")), none);
            std::vector<Bytes> chain;
            for (const std::string& f : {key + ".pem", std::string("ca.pem")}) {
                const SecretBytes der = pem_der(f);
                chain.emplace_back(der.begin(), der.end());
            }
            pkcs12::WriteOptions options;
            options.legacy = c.legacy;
            options.friendly_name = c.name;
            test::FixedRng rng(salts_and_ivs(view(expected)));
            const Bytes written = pkcs12::write(k, chain, view(password), options, rng);
            BOOST_TEST(Botan::hex_encode(written) == Botan::hex_encode(view(expected).to_bytes()));
        }
    }
}

BOOST_AUTO_TEST_CASE(round_trip) {
    NoPassphrase none;
    const PrivateKey k = read_private_key(view(p12("p256.key")), none);
    const SecretBytes cert = pem_der("p256.pem");
    for (bool legacy : {false, true}) {
        pkcs12::WriteOptions options;
        options.legacy = legacy;
        options.iterations = 3;
        const Bytes pfx = pkcs12::write(k, {Bytes(cert.begin(), cert.end())}, view("pw"), options, Botan::system_rng());
        FixedPassphrase pass("pw");
        const auto entries = pkcs12::read(ByteView(pfx), pass);
        BOOST_TEST(entries.size() == 2u);
        BOOST_TEST(first(entries, pkcs12::Entry::Kind::private_key).der == pkcs8::write(k));
        BOOST_TEST(first(entries, pkcs12::Entry::Kind::certificate).der == cert);
    }
    BOOST_TEST(error_of([&] { pkcs12::write(k, {}, view("pw"), {}, Botan::system_rng()); }) ==
               "a PKCS#12 file needs the key's certificate");
}

// PKCS#8 keys encrypted with the PKCS#12 PBEs (openssl pkcs8 -v1, certtool 3des-pkcs12).
BOOST_AUTO_TEST_CASE(pkcs8_with_pkcs12_pbe) {
    for (const std::string f : {"rsa.p8-pbe-sha1-3des.pem", "p256.p8-pbe-sha1-2des.pem", "ed25519.p8-pbe-sha1-rc2-40.der",
                                "p256.p8-certtool-3des-pkcs12.pem"}) {
        BOOST_TEST_CONTEXT(f) {
            FixedPassphrase pass(password);
            const std::string key = f.substr(0, f.find('.'));
            BOOST_TEST(pkcs8::write(read_private_key(view(p12(f)), pass)) == original_key(key));
            FixedPassphrase wrong("nope");
            BOOST_TEST(error_of([&] { read_private_key(view(p12(f)), wrong); }) == "wrong passphrase");
        }
    }
}

BOOST_AUTO_TEST_CASE(sniff) {
    BOOST_TEST(pkcs12::sniff(view(p12("rsa.openssl-default.p12"))));
    BOOST_TEST(pkcs12::sniff(view(p12("rsa.openssl-default.p12.b64"))));
    BOOST_TEST(!pkcs12::sniff(view(p12("rsa.pem"))));
    BOOST_TEST(!pkcs12::sniff(ByteView(pem_der("rsa.pem"))));
    BOOST_TEST(!pkcs12::sniff(view("MI")));
    BOOST_TEST(!pkcs12::sniff({}));
}

namespace {
// A PFX around `auth_safe` (DER of the AuthenticatedSafe) with an HMAC-SHA1 MAC of
// one iteration under `password` (whatever `iterations` says), made with the reader's own
// KDF (tested above against openssl's files).
Bytes pfx_around(const SecretBytes& auth_safe, size_t iterations = 1, const std::string& password = "pw") {
    const Bytes salt{1, 2, 3, 4, 5, 6, 7, 8};
    auto hmac = Botan::MessageAuthenticationCode::create("HMAC(SHA-1)");
    hmac->set_key(pkcs12::kdf("SHA-1", 3, ByteView(pkcs12::bmp_password(view(password))), ByteView(salt), 1, 20));
    const auto tag = hmac->process(auth_safe);
    return Botan::unlock(Botan::DER_Encoder()
        .start_cons(Botan::SEQUENCE)
        .encode(size_t(3))
        .start_cons(Botan::SEQUENCE).encode(Botan::OID("1.2.840.113549.1.7.1"))
        .start_explicit(0).encode(auth_safe, Botan::OCTET_STRING).end_explicit().end_cons()
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE).start_cons(Botan::SEQUENCE).encode(Botan::OID("1.3.14.3.2.26")).encode_null().end_cons()
        .encode(tag, Botan::OCTET_STRING).end_cons()
        .encode(salt, Botan::OCTET_STRING).encode(iterations).end_cons()
        .end_cons()
        .get_contents());
}

// ContentInfo(data) holding SafeContents with `bags` copies of `bag`.
SecretBytes data_info(const SecretBytes& safe_contents) {
    return Botan::DER_Encoder()
        .start_cons(Botan::SEQUENCE).encode(Botan::OID("1.2.840.113549.1.7.1"))
        .start_explicit(0).encode(safe_contents, Botan::OCTET_STRING).end_explicit().end_cons()
        .get_contents();
}

SecretBytes sequence_of(const std::vector<SecretBytes>& items) {
    Botan::DER_Encoder enc;
    enc.start_cons(Botan::SEQUENCE);
    for (const auto& i : items) enc.raw_bytes(i);
    return enc.end_cons().get_contents();
}

SecretBytes nested_safe_contents_bag(size_t depth) {
    SecretBytes inner = sequence_of({});
    for (size_t i = 0; i < depth; ++i)
        inner = sequence_of({Botan::DER_Encoder()
                                 .start_cons(Botan::SEQUENCE)
                                 .encode(Botan::OID("1.2.840.113549.1.12.10.1.6"))
                                 .start_explicit(0).raw_bytes(inner).end_explicit()
                                 .end_cons()
                                 .get_contents()});
    return inner;
}

SecretBytes encrypted_info(const std::string& pbe_oid, size_t iterations) {
    const Bytes salt(8), ciphertext(16);
    return Botan::DER_Encoder()
        .start_cons(Botan::SEQUENCE).encode(Botan::OID("1.2.840.113549.1.7.6"))
        .start_explicit(0).start_cons(Botan::SEQUENCE).encode(size_t(0))
        .start_cons(Botan::SEQUENCE).encode(Botan::OID("1.2.840.113549.1.7.1"))
        .start_cons(Botan::SEQUENCE).encode(Botan::OID(pbe_oid))
        .start_cons(Botan::SEQUENCE).encode(salt, Botan::OCTET_STRING).encode(iterations).end_cons().end_cons()
        .add_object(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC, ciphertext)
        .end_cons().end_cons().end_explicit().end_cons()
        .get_contents();
}
}  // namespace

BOOST_AUTO_TEST_CASE(shrouded_key_with_pbkdf2_hmac_sha512_256) {
    // The PBES2 of a shrouded key bag is PKCS#8's: openssl pkcs8 -v2prf hmacWithSHA512-256's
    // EncryptedPrivateKeyInfo (tests/golden/prf) in a PFX reads like the PKCS#8 file.
    const std::string pass = test::golden_line("prf/passphrase.txt");
    const SecretBytes epki = read_objects(view(golden("prf/key.p8-hmacWithSHA512-256.pem"))).front().body;
    const SecretBytes bag = Botan::DER_Encoder()
                                .start_cons(Botan::SEQUENCE)
                                .encode(Botan::OID("1.2.840.113549.1.12.10.1.2"))
                                .start_explicit(0).raw_bytes(epki).end_explicit()
                                .end_cons()
                                .get_contents();
    const Bytes pfx = pfx_around(sequence_of({data_info(sequence_of({bag}))}), 1, pass);
    FixedPassphrase p(pass);
    const PrivateKey key = pkcs12::read_private_key(ByteView(pfx), p);
    BOOST_TEST(ssh::authorized_keys_line(key.public_key(), "") == test::golden_line("prf/key.pub") + "\n");
}

BOOST_AUTO_TEST_CASE(hostile) {
    FixedPassphrase pw("pw");
    const SecretBytes empty_safe = sequence_of({});
    BOOST_TEST(pkcs12::read(ByteView(pfx_around(empty_safe)), pw).empty());
    BOOST_TEST(error_of([&] { pkcs12::read_private_key(ByteView(pfx_around(empty_safe)), pw); }) ==
               "the PKCS#12 file holds no private key");
    BOOST_TEST(error_of([&] { pkcs12::read(ByteView(pfx_around(empty_safe, 1'000'000'000)), pw); }) ==
               "PKCS#12 MAC iteration count 1000000000 exceeds the limit of 10000000");
    BOOST_TEST(error_of([&] { pkcs12::read(ByteView(pfx_around(empty_safe, 0)), pw); }) ==
               "PKCS#12 file: MAC iteration count must be at least 1");
    Bytes tampered = pfx_around(sequence_of({data_info(sequence_of({}))}));
    tampered[tampered.size() - 30] ^= 1;  // inside the MAC
    BOOST_TEST(error_of([&] { pkcs12::read(ByteView(tampered), pw); }) == "wrong passphrase");
    BOOST_TEST(error_of([&] { pkcs12::read(ByteView(pfx_around(sequence_of({data_info(nested_safe_contents_bag(20))}))), pw); }) ==
               "PKCS#12 file: safe contents nested deeper than 8 levels");
    BOOST_TEST(pkcs12::read(ByteView(pfx_around(sequence_of({data_info(nested_safe_contents_bag(7))}))), pw).empty());
    BOOST_TEST(error_of([&] {
                   pkcs12::read(ByteView(pfx_around(sequence_of({encrypted_info("1.2.840.113549.1.12.1.1", 2048)}))), pw);
               }) == "unsupported encryption pbeWithSHAAnd128BitRC4 (RC4 is broken; re-export with AES or 3DES)");
    BOOST_TEST(error_of([&] {
                   pkcs12::read(ByteView(pfx_around(sequence_of({encrypted_info("1.2.840.113549.1.12.1.3", 1u << 30)}))), pw);
               }) == "PKCS#12 iteration count 1073741824 exceeds the limit of 10000000");
    BOOST_TEST(error_of([&] {
                   pkcs12::read(ByteView(pfx_around(sequence_of({encrypted_info("1.2.840.113549.1.12.1.3", 1)}))), pw);
               }) == "wrong passphrase");
    const std::string good = p12("rsa.openssl-default.p12");
    for (size_t cut : {size_t(0), size_t(1), size_t(10), good.size() / 2, good.size() - 1}) {
        BOOST_TEST_CONTEXT(cut) {
            FixedPassphrase pass(password);
            BOOST_TEST(error_of([&] { pkcs12::read(view(good.substr(0, cut)), pass); }) != "no error");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
