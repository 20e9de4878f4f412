// The table of formats (common/formats.cpp): names, labels, and writers that give the
// final bytes every reader in the table reads back.
#include "error.h"
#include "formats.h"
#include "keyio.h"
#include "test_util.h"

#include <botan/ed25519.h>
#include <botan/system_rng.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;

BOOST_AUTO_TEST_SUITE(test_formats)

BOOST_AUTO_TEST_CASE(names_aliases_and_labels_find_one_row) {
    BOOST_TEST(find_format("openssh")->name == "openssh");
    BOOST_TEST(find_format("pkcs1") == find_format("traditional"));
    BOOST_TEST(find_format("sec1") == find_format("traditional"));
    BOOST_TEST(find_format("pem") == nullptr);
    BOOST_TEST(format_for_label("ENCRYPTED PRIVATE KEY") == find_format("pkcs8"));
    BOOST_TEST(format_for_label("EC PRIVATE KEY") == find_format("traditional"));
    BOOST_TEST(format_for_label("CERTIFICATE") == nullptr);
    for (const KeyFormat& f : key_formats()) {
        BOOST_TEST((f.sniff != nullptr) == (f.read_input != nullptr));   // whole-file formats sniff
        BOOST_TEST((f.read_object != nullptr) == !f.labels.empty());    // label formats have labels
        for (std::string_view label : f.labels) BOOST_TEST(format_for_label(label) == &f);  // no label twice
    }
}

BOOST_AUTO_TEST_CASE(every_writer_round_trips_through_the_reader) {
    const PrivateKey key = read_private_key(ByteView(golden("keys/ecdsa256.p8.pem")), *std::make_unique<NoPassphrase>());
    FixedPassphrase pass("pw");
    for (const KeyFormat& f : key_formats()) {
        if (!f.write) continue;  // read-only (PKCS#12: key2pfx writes it with its certificates)
        for (const bool der : {false, true}) {
            for (const bool encrypt : {false, true}) {
                if (der && (!f.writes_der || (encrypt && !f.encrypts_der))) continue;
                WriteOptions options;
                options.der = der;
                if (encrypt) options.passphrase = SecretBytes{'p', 'w'};
                options.ppk.passes = 1;
                options.ppk.memory_kib = 64;
                const SecretBytes bytes = f.write(key, options, Botan::system_rng());
                const PrivateKey back = read_private_key(ByteView(bytes), pass);
                BOOST_TEST(back.key->private_key_bits() == key.key->private_key_bits(), f.name << " der=" << der << " enc=" << encrypt);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(writers_refuse_what_their_format_cannot_hold) {
    const PrivateKey ed = make_private_key(std::make_unique<Botan::Ed25519_PrivateKey>(Botan::system_rng()), "", "t");
    BOOST_TEST(!find_format("traditional")->writes_ed25519);
    BOOST_CHECK_THROW(find_format("traditional")->write(ed, WriteOptions(), Botan::system_rng()), Error);
    const PrivateKey ec = read_private_key(ByteView(golden("keys/ecdsa256.p8.pem")), *std::make_unique<NoPassphrase>());
    WriteOptions encrypted_der;
    encrypted_der.der = true;
    encrypted_der.passphrase = SecretBytes{'p', 'w'};
    BOOST_TEST(error_of([&] { find_format("traditional")->write(ec, encrypted_der, Botan::system_rng()); }) ==
               "traditional DER cannot be encrypted (use pkcs8)");
}

BOOST_AUTO_TEST_SUITE_END()
