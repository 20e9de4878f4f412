// The OpenSSH key codec against formats.md §8.2 and files made by ssh-keygen 9.2.
#include "cursor.h"
#include "fmt_openssh.h"
#include "fmt_pkcs8.h"
#include "pem.h"
#include "ssh.h"
#include "test_util.h"

#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;

namespace {

const char* example_encrypted =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABAAAQIDBA\n"
    "UGBwgJCgsMDQ4PAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDd\n"
    "GOdLwJln5NYwm6UNXx3chmQSVTG4AAAAoIZRAKWOVkqsUkhZmAckLqgYAItbQ+6aTdanmf\n"
    "AzF+F+0D7Ib+AAfh+V3GzD+rlEdtCvX4ja/y+DIoYuGdfwjmdqFRPOOGkQe8jfuOyuzhNa\n"
    "qLk1cEn+/HDHNDi2VnpogerIuBhnjW1ta+7K/irzYkTPclfJlYVzrCiGMxiffeMqghmjGO\n"
    "8ycN/NEDAW2USgg+P06uSxp75GfZpG/P7Ra74=\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
const char* example_plain =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACADoQe/884Qvh1w3RjnS8CZZ+TWMJulDV8d3IZkElUxuAAAAJgBAgMEAQID\n"
    "BAAAAAtzc2gtZWQyNTUxOQAAACADoQe/884Qvh1w3RjnS8CZZ+TWMJulDV8d3IZkElUxuA\n"
    "AAAEAAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHwOhB7/zzhC+HXDdGOdLwJln\n"
    "5NYwm6UNXx3chmQSVTG4AAAAD2tleXBpcGUtZXhhbXBsZQECAwQFBg==\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

PrivateKey example_key() {
    const auto der = Botan::hex_decode("302e020100300506032b657004220420000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    PrivateKey key = pkcs8::read(ByteView(der));
    key.comment = "keypipe-example";
    return key;
}

Bytes check_int_then_salt() {
    Bytes b = {1, 2, 3, 4};
    for (uint8_t i = 0; i < 16; ++i) b.push_back(i);
    return b;
}

std::string as_string(const SecretBytes& s) { return std::string(s.begin(), s.end()); }

SecretBytes body(const std::string& text) { return pem::decode_all(ByteView(text)).at(0).body; }

// Offset of the first check-int in an unencrypted key's binary form.
size_t check_int_offset(ByteView blob) {
    Cursor c(blob, "t");
    c.bytes(15, "magic");
    c.string("cipher");
    c.string("kdf");
    c.string("kdf options");
    c.u32("n");
    c.string("public");
    c.u32("length");
    return c.offset();
}

const char* key_names[] = {"rsa2048", "ecdsa256", "ecdsa384", "ecdsa521", "ed25519"};
const char* ed25519_ciphers[] = {"none", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-cbc", "aes192-cbc", "aes256-cbc",
                                 "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com",
                                 "3des-cbc", "rounds100"};

}  // namespace

BOOST_AUTO_TEST_SUITE(test_fmt_openssh)

BOOST_AUTO_TEST_CASE(worked_example_encrypted_is_byte_exact) {
    openssh::WriteOptions options;
    options.passphrase = SecretBytes{'k', 'e', 'y', 'p', 'i', 'p', 'e'};
    test::FixedRng rng(check_int_then_salt());
    BOOST_TEST(as_string(openssh::write(example_key(), options, rng)) == example_encrypted);
    FixedPassphrase pass("keypipe");
    const PrivateKey back = openssh::read(ByteView(std::string_view(example_encrypted)), pass);
    BOOST_TEST(back.comment == "keypipe-example");
    BOOST_TEST(ssh::public_blob(back.public_key()) == ssh::public_blob(example_key().public_key()));
}

BOOST_AUTO_TEST_CASE(worked_example_unencrypted_is_byte_exact) {
    test::FixedRng rng(Bytes{1, 2, 3, 4});
    BOOST_TEST(as_string(openssh::write(example_key(), {}, rng)) == example_plain);
    NoPassphrase none;  // an unencrypted key never asks
    BOOST_TEST(openssh::read(ByteView(std::string_view(example_plain)), none).comment == "keypipe-example");
}

BOOST_AUTO_TEST_CASE(every_ssh_keygen_file_reads_to_its_public_key) {
    FixedPassphrase pass(test::golden_line("openssh/passphrase.txt"));
    size_t read = 0;  // files found: a loop over missing files must not pass
    for (const char* name : key_names) {
        const std::string expect = golden(std::string("openssh/") + name + ".pub");
        for (const char* cipher : ed25519_ciphers) {
            std::string file = std::string("openssh/") + name + "." + cipher;
            std::string text;
            try {
                text = golden(file);
            } catch (const std::runtime_error&) {
                continue;  // not every key type is made with every cipher
            }
            ++read;
            BOOST_TEST_CONTEXT(file) {
                const PrivateKey key = openssh::read(ByteView(text), pass);
                BOOST_TEST(ssh::authorized_keys_line(key.public_key(), key.comment) == expect);
            }
        }
    }
    BOOST_TEST(read == 28u);
}

BOOST_AUTO_TEST_CASE(unencrypted_rewrite_equals_ssh_keygen_output) {
    NoPassphrase none;
    for (const char* name : key_names) {
        const std::string text = golden(std::string("openssh/") + name + ".none");
        const SecretBytes blob = body(text);
        const size_t at = check_int_offset(ByteView(blob));
        test::FixedRng rng(Bytes(blob.begin() + static_cast<long>(at), blob.begin() + static_cast<long>(at + 4)));
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(as_string(openssh::write(openssh::read(ByteView(text), none), {}, rng)) == text);
        }
    }
}

BOOST_AUTO_TEST_CASE(wrong_or_missing_passphrase) {
    FixedPassphrase wrong("not it"), empty("");
    NoPassphrase none;
    for (const char* cipher : {"aes256-ctr", "aes256-cbc", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "3des-cbc"}) {
        const std::string text = golden(std::string("openssh/ed25519.") + cipher);
        BOOST_TEST_CONTEXT(cipher) {
            BOOST_TEST(error_of([&] { openssh::read(ByteView(text), wrong); }) == "wrong passphrase");
            BOOST_TEST(error_of([&] { openssh::read(ByteView(text), empty); }) == "wrong passphrase");
            BOOST_TEST(error_of([&] { openssh::read(ByteView(text), none); }) == "the OpenSSH key is encrypted (use --passin SRC)");
        }
    }
}

BOOST_AUTO_TEST_CASE(every_truncation_is_a_clean_error) {
    NoPassphrase none;
    const SecretBytes blob = body(golden("openssh/ecdsa384.none"));
    for (size_t n = 0; n < blob.size(); ++n)
        BOOST_CHECK_THROW(openssh::read_binary(ByteView(blob.data(), n), none), Error);
}

BOOST_AUTO_TEST_CASE(every_bit_flip_is_caught_or_harmless) {
    // A flipped bit must never crash, and must never yield a key other than the original.
    FixedPassphrase pass("x");
    const SecretBytes blob = body(golden("openssh/ed25519.none"));
    const Bytes expect = ssh::public_blob(openssh::read_binary(ByteView(blob), pass).public_key());
    for (size_t i = 0; i < blob.size(); ++i) {
        SecretBytes changed = blob;
        changed[i] ^= 0x01;
        try {
            const PrivateKey key = openssh::read_binary(ByteView(changed), pass);
            BOOST_TEST(ssh::public_blob(key.public_key()) == expect);  // e.g. a comment byte
        } catch (const Error&) {
        }
    }
}

BOOST_AUTO_TEST_CASE(structural_errors_are_named) {
    NoPassphrase none;
    SecretBytes blob = body(std::string(example_plain));
    SecretBytes trailing = blob;
    trailing.push_back(0);
    BOOST_TEST(error_of([&] { openssh::read_binary(ByteView(trailing), none); }) ==
               "OpenSSH private key: end at byte 250: 1 unexpected bytes");
    SecretBytes bad_padding = blob;
    bad_padding.back() = 9;
    BOOST_TEST(error_of([&] { openssh::read_binary(ByteView(bad_padding), none); }) ==
               "OpenSSH private section: padding at byte 146: not 1, 2, 3, ...");
    SecretBytes other_public = blob;
    other_public[62] ^= 1;  // inside the outer public key
    BOOST_TEST(error_of([&] { openssh::read_binary(ByteView(other_public), none); }) ==
               "OpenSSH private key: public key does not match the private key");
    SecretBytes bad_magic = blob;
    bad_magic[0] = 'O';
    BOOST_TEST(error_of([&] { openssh::read_binary(ByteView(bad_magic), none); }) ==
               "OpenSSH private key: magic at byte 0: wrong magic");
}

// example_plain with its 6 pad bytes replaced by `pad` (the private section's length
// prefix adjusted), as another writer would have padded it.
SecretBytes repadded(const Bytes& pad) {
    SecretBytes blob = body(std::string(example_plain));
    const size_t start = check_int_offset(ByteView(blob));
    SecretBytes section(blob.begin() + static_cast<long>(start), blob.end() - 6);
    section.insert(section.end(), pad.begin(), pad.end());
    blob.resize(start - 4);
    SecretWriter w;
    w.raw(ByteView(blob));
    w.string(ByteView(section));
    return w.take();
}

Bytes counting(size_t n) {
    Bytes b;
    for (size_t i = 1; i <= n; ++i) b.push_back(static_cast<uint8_t>(i));
    return b;
}

BOOST_AUTO_TEST_CASE(padding_is_checked_as_openssh_does) {
    NoPassphrase none;
    const std::string want = "keypipe-example";
    // puttygen 0.78 pads an unencrypted key to 16 bytes: 14 here, more than the 8 of "none".
    BOOST_TEST(openssh::read_binary(ByteView(repadded(counting(14))), none).comment == want);
    // OpenSSH sets no bound and counts modulo 256.
    BOOST_TEST(openssh::read_binary(ByteView(repadded(counting(262))), none).comment == want);
    Bytes restarted = counting(6);
    for (uint8_t i = 1; i <= 8; ++i) restarted.push_back(i);
    BOOST_TEST(error_of([&] { openssh::read_binary(ByteView(repadded(restarted)), none); }) ==
               "OpenSSH private section: padding at byte 146: not 1, 2, 3, ...");
    Bytes last_wrong = counting(14);
    last_wrong.back() = 0;
    BOOST_TEST(error_of([&] { openssh::read_binary(ByteView(repadded(last_wrong)), none); }) ==
               "OpenSSH private section: padding at byte 146: not 1, 2, 3, ...");
    BOOST_TEST(error_of([&] { openssh::read_binary(ByteView(repadded(counting(13))), none); }) ==
               "OpenSSH private key: private section is not a multiple of the cipher block size");
}

BOOST_AUTO_TEST_CASE(bcrypt_rounds_are_capped_before_hashing) {
    SecretBytes blob = body(std::string(example_encrypted));
    // kdf options: string(salt 16) then uint32 rounds at offset 15+14+10+4+4+16 = 63
    blob[63] = 0x00;
    blob[64] = 0x10;
    blob[65] = 0x00;
    blob[66] = 0x00;
    FixedPassphrase pass("keypipe");
    BOOST_TEST(error_of([&] { openssh::read_binary(ByteView(blob), pass); }) ==
               "bcrypt rounds 1048576 exceed the limit of 1024");
}

BOOST_AUTO_TEST_SUITE_END()
