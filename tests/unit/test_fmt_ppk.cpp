// The PPK codec against formats.md §8.3/§8.4 and files made by puttygen 0.78.
#include "fmt_pkcs8.h"
#include "fmt_ppk.h"
#include "keyio.h"
#include "ssh.h"
#include "test_util.h"

#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;

namespace {

const std::string example_v3 =
    "PuTTY-User-Key-File-3: ssh-ed25519\n"
    "Encryption: aes256-cbc\n"
    "Comment: keypipe-example\n"
    "Public-Lines: 2\n"
    "AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQS\n"
    "VTG4\n"
    "Key-Derivation: Argon2id\n"
    "Argon2-Memory: 8192\n"
    "Argon2-Passes: 8\n"
    "Argon2-Parallelism: 1\n"
    "Argon2-Salt: 000102030405060708090a0b0c0d0e0f\n"
    "Private-Lines: 1\n"
    "kJ8xiosSSlgJn1SmS7M+Mv47Ew0NBVkU0yBw8m4f9xGo6qoDbH+G12Z5vpCtaPIX\n"
    "Private-MAC: 2d9c1cd99ffcc7fa9b44278c8bc05430e46cc94f09c73de461c9c76ba7b003be\n";
const std::string example_v2 =
    "PuTTY-User-Key-File-2: ssh-ed25519\n"
    "Encryption: aes256-cbc\n"
    "Comment: keypipe-example\n"
    "Public-Lines: 2\n"
    "AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQS\n"
    "VTG4\n"
    "Private-Lines: 1\n"
    "69R+3OSExy0ECikKgVEOBhvKFjAXuMQ+A4QJTcuX9na69hrRNu69x2NiJDVxYkSx\n"
    "Private-MAC: 44358cc6109ba54fc980b561dc9e0f41f1ef011d\n";
const std::string example_v3_plain =
    "PuTTY-User-Key-File-3: ssh-ed25519\n"
    "Encryption: none\n"
    "Comment: keypipe-example\n"
    "Public-Lines: 2\n"
    "AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQS\n"
    "VTG4\n"
    "Private-Lines: 1\n"
    "AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f\n"
    "Private-MAC: 5d0eba1bf9d134a5aa38aa791d1fce08f97e923e0b88bc1e324b456fdc0e7f56\n";

PrivateKey example_key() {
    const auto der = Botan::hex_decode("302e020100300506032b657004220420000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    return pkcs8::read(ByteView(der));
}
std::string as_string(const SecretBytes& s) { return std::string(s.begin(), s.end()); }
ByteView view(const std::string& s) { return ByteView(std::string_view(s)); }
const ByteView passphrase(std::string_view("keypipe"));

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    BOOST_REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

const char* golden_keys[] = {"rsa2048", "rsa-pq-swapped", "ecdsa256", "ecdsa384", "ecdsa521", "ed25519"};

}  // namespace

BOOST_AUTO_TEST_SUITE(test_fmt_ppk)

BOOST_AUTO_TEST_CASE(worked_example_v3_encrypted_is_byte_exact) {
    ppk::Params params;
    params.passes = 8;
    test::FixedRng salt(Bytes{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
    BOOST_TEST(as_string(ppk::write(example_key(), "keypipe-example", params, passphrase, salt)) == example_v3);
    FixedPassphrase pass("keypipe");
    const PrivateKey back = ppk::read(view(example_v3), pass);
    BOOST_TEST(back.comment == "keypipe-example");
    BOOST_TEST(ssh::public_blob(back.public_key()) == ssh::public_blob(example_key().public_key()));
}

// puttygen's time rule costs ~2.6 hashes; a process measures once per cost setting and
// later writes reuse the count, so a batch of encrypted keys pays one hash per key.
BOOST_AUTO_TEST_CASE(time_rule_measures_once_per_process) {
    ppk::Params params;
    params.memory_kib = 72;  // no other test writes with this cost: nothing measured yet
    params.time_ms = 3;
    BOOST_TEST(!ppk::timed_passes(params).has_value());
    test::FixedRng salts(Bytes(32, 7));
    auto passes_of = [](const std::string& ppk_text) {
        const size_t at = ppk_text.find("Argon2-Passes: ");
        BOOST_REQUIRE(at != std::string::npos);
        return static_cast<uint32_t>(std::stoul(ppk_text.substr(at + 15)));
    };
    const uint32_t measured = passes_of(as_string(ppk::write(example_key(), "c", params, passphrase, salts)));
    BOOST_TEST(measured > 1u);  // 3 ms is many 72 KiB passes: the rule ran
    BOOST_TEST(ppk::timed_passes(params).value_or(0) == measured);
    BOOST_TEST(passes_of(as_string(ppk::write(example_key(), "c", params, passphrase, salts))) == measured);

    ppk::Params other = params;  // another cost setting is measured on its own
    other.memory_kib = 80;
    BOOST_TEST(!ppk::timed_passes(other).has_value());
    other = params;
    other.kdf = "Argon2d";
    BOOST_TEST(!ppk::timed_passes(other).has_value());
    KdfLimits tight;  // a count beyond a later write's limits is not reused
    tight.argon2_passes = measured - 1;
    BOOST_TEST(!ppk::timed_passes(params, tight).has_value());
}

BOOST_AUTO_TEST_CASE(worked_example_v2_and_unencrypted_are_byte_exact) {
    ppk::Params v2;
    v2.version = 2;
    test::FixedRng no_bytes(Bytes{});
    BOOST_TEST(as_string(ppk::write(example_key(), "keypipe-example", v2, passphrase, no_bytes)) == example_v2);
    BOOST_TEST(as_string(ppk::write(example_key(), "keypipe-example", ppk::Params{}, ByteView(), no_bytes)) == example_v3_plain);
    NoPassphrase none;
    BOOST_TEST(ppk::read(view(example_v3_plain), none).comment == "keypipe-example");
    FixedPassphrase pass("keypipe");
    BOOST_TEST(ppk::read(view(example_v2), pass).comment == "keypipe-example");
}

BOOST_AUTO_TEST_CASE(every_puttygen_file_reads_to_its_public_key) {
    FixedPassphrase pass(test::golden_line("ppk/passphrase.txt"));
    size_t read = 0;  // files found: a loop over missing files must not pass
    for (const char* name : golden_keys) {
        const std::string expect = golden(std::string("ppk/") + name + ".pub");
        for (const char* variant : {"v2", "v3", "v2enc", "v3enc-argon2id", "v3enc-argon2i", "v3enc-argon2d"}) {
            const std::string file = std::string("ppk/") + name + "." + variant + ".ppk";
            std::string text;
            try {
                text = golden(file);
            } catch (const std::runtime_error&) {
                continue;
            }
            ++read;
            BOOST_TEST_CONTEXT(file) {
                const PrivateKey key = ppk::read(view(text), pass);
                BOOST_TEST(ssh::authorized_keys_line(key.public_key(), key.comment) == expect);
            }
        }
    }
    BOOST_TEST(read == 26u);
}

BOOST_AUTO_TEST_CASE(unencrypted_output_equals_puttygen_for_every_source) {
    NoPassphrase none;
    test::FixedRng no_bytes(Bytes{});
    for (const char* name : golden_keys) {
        const PrivateKey key = read_private_key(view(golden(std::string("ppk/") + name + ".src")), none);
        const std::string comment = key.has_comment ? key.comment : ppk::imported_comment;
        for (int version : {2, 3}) {
            ppk::Params params;
            params.version = version;
            BOOST_TEST_CONTEXT(name << " v" << version) {
                BOOST_TEST(as_string(ppk::write(key, comment, params, ByteView(), no_bytes)) ==
                           golden(std::string("ppk/") + name + ".v" + std::to_string(version) + ".ppk"));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(wrong_passphrase_and_corruption) {
    FixedPassphrase wrong("nope");
    BOOST_TEST(error_of([&] { ppk::read(view(example_v3), wrong); }) == "wrong passphrase or corrupted file (MAC check failed)");
    BOOST_TEST(error_of([&] { ppk::read(view(example_v2), wrong); }) == "wrong passphrase or corrupted file (MAC check failed)");
    NoPassphrase none;
    BOOST_TEST(error_of([&] { ppk::read(view(example_v3), none); }) == "the PPK key is encrypted (use --passin SRC)");
    const std::string bad_comment = replace(example_v3_plain, "Comment: keypipe-example", "Comment: keypipe-examplf");
    BOOST_TEST(error_of([&] { ppk::read(view(bad_comment), none); }) == "corrupted file (MAC check failed)");
    const std::string upper_mac = replace(example_v3_plain, "5d0eba1bf9", "5D0EBA1BF9");
    BOOST_TEST(error_of([&] { ppk::read(view(upper_mac), none); }) == "corrupted file (MAC check failed)");
}

BOOST_AUTO_TEST_CASE(argon2_costs_are_capped_before_hashing) {
    FixedPassphrase pass("keypipe");
    BOOST_TEST(error_of([&] { ppk::read(view(replace(example_v3, "Argon2-Memory: 8192", "Argon2-Memory: 4194304000")), pass); }) ==
               "PPK: Argon2-Memory 4194304000 exceeds the limit of 1048576");
    BOOST_TEST(error_of([&] { ppk::read(view(replace(example_v3, "Argon2-Passes: 8", "Argon2-Passes: 4294967295")), pass); }) ==
               "PPK: Argon2-Passes 4294967295 exceeds the limit of 10000");
    BOOST_TEST(error_of([&] { ppk::read(view(replace(example_v3, "Argon2-Parallelism: 1", "Argon2-Parallelism: 100000")), pass); }) ==
               "PPK: Argon2-Parallelism 100000 exceeds the limit of 64");
}

BOOST_AUTO_TEST_CASE(argon2_total_work_is_capped_before_hashing) {
    // NoPassphrase: a file that passes every cap asks for the passphrase, one that does not
    // is refused before that (and before any hashing).
    NoPassphrase none;
    auto error = [&](const std::string& memory, const std::string& passes) {
        const std::string text = replace(replace(example_v3, "Argon2-Memory: 8192", "Argon2-Memory: " + memory),
                                         "Argon2-Passes: 8", "Argon2-Passes: " + passes);
        return error_of([&] { ppk::read(view(text), none); });
    };
    const std::string asks = "the PPK key is encrypted (use --passin SRC)";
    BOOST_TEST(error("8192", "34") == asks);        // puttygen's default on the reference machine
    BOOST_TEST(error("1048576", "10") == asks);     // 1 GiB x 10: exactly the limit
    // Each value at its own limit; together hours of hashing.
    BOOST_TEST(error("1048576", "10000") ==
               "PPK: Argon2 work of 1048576 KiB x 10000 passes exceeds the limit of 10485760 KiB-passes");
    BOOST_TEST(error("1048576", "11") ==
               "PPK: Argon2 work of 1048576 KiB x 11 passes exceeds the limit of 10485760 KiB-passes");
    BOOST_TEST(error("8192", "10000") ==
               "PPK: Argon2 work of 8192 KiB x 10000 passes exceeds the limit of 10485760 KiB-passes");
    // key2ppk writes nothing it would refuse to read.
    BOOST_CHECK_NO_THROW(ppk::parse_params("memory=1048576,passes=10"));
    BOOST_CHECK_THROW(ppk::parse_params("memory=1048576,passes=11"), Error);
}

BOOST_AUTO_TEST_CASE(public_part_needs_no_passphrase) {
    const std::string want = ssh::authorized_keys_line(example_key().public_key(), "keypipe-example");
    for (const std::string* text : {&example_v3, &example_v2, &example_v3_plain}) {
        const ppk::PublicPart part = ppk::read_public(view(*text));
        BOOST_TEST(ssh::authorized_keys_line(part.key, part.key.comment) == want);
        BOOST_TEST(part.encrypted == (text != &example_v3_plain));
    }
    // Through keyio, as ppk2key -y does: the passphrase source is never asked, and KDF
    // costs beyond every limit do not matter because nothing is derived.
    NoPassphrase none;
    const std::string costly = replace(example_v3, "Argon2-Passes: 8", "Argon2-Passes: 4294967295");
    const PublicKeyRead read = read_public_key(view(costly), none);
    BOOST_TEST(ssh::authorized_keys_line(read.key, read.key.comment) == want);
    BOOST_TEST(read.encrypted);
    // Still validated: the blob is parsed and must be of the type the first line names.
    BOOST_TEST(error_of([&] { ppk::read_public(view(replace(example_v3, "File-3: ssh-ed25519", "File-3: ssh-rsa"))); }) ==
               "PPK: key type \"ssh-rsa\" does not match the public key");
    BOOST_TEST(error_of([&] { ppk::read_public(view(replace(example_v3, "VTG4\n", "VT*4\n"))); }).find("PPK: bad base64") == 0u);
    BOOST_TEST(error_of([&] { ppk::read_public(view(replace(example_v3, "VTG4\n", "\n"))); }) ==
               "SSH public key: public key at byte 19: 32 bytes needed, 29 left");
    BOOST_TEST(error_of([&] { ppk::read_public(view(replace(example_v3, "Public-Lines: 2", "Public-Lines: 2000"))); }) ==
               "PPK: Public-Lines 2000 exceeds the limit of 1024");
    BOOST_TEST(error_of([&] { ppk::read_public(view(replace(example_v3, "Encryption: aes256-cbc", "Encryption: aes128-cbc"))); }) ==
               "unsupported PPK encryption: aes128-cbc");
}

BOOST_AUTO_TEST_CASE(versions_and_headers) {
    NoPassphrase none;
    BOOST_TEST(error_of([&] { ppk::read(view(replace(example_v3_plain, "File-3", "File-4")), none); }) == "unsupported PPK version 4");
    BOOST_TEST(error_of([&] { ppk::read(view(replace(example_v3_plain, "File-3", "File-1")), none); }) ==
               "PPK version 1 is not supported (re-save the key with PuTTYgen 0.52 or later)");
    BOOST_TEST(error_of([&] { ppk::read(view(replace(example_v3_plain, "Comment: ", "Comment:")), none); }) ==
               "PPK line 3: expected \"Comment: \"");
    BOOST_TEST(error_of([&] { ppk::read(view(replace(example_v3_plain, "Encryption: none", "Encryption: aes128-cbc")), none); }) ==
               "unsupported PPK encryption: aes128-cbc");
    BOOST_TEST(error_of([&] { ppk::read(view(replace(example_v3_plain, "File-3: ssh-ed25519", "File-3: ssh-rsa")), none); }) ==
               "PPK: key type \"ssh-rsa\" does not match the public key");
    BOOST_TEST(error_of([&] { ppk::read(view(replace(example_v3_plain, "Public-Lines: 2", "Public-Lines: 1000000")), none); }) ==
               "PPK: Public-Lines 1000000 exceeds the limit of 1024");
    // CRLF line ends are read like LF.
    std::string crlf;
    for (char c : example_v3_plain) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    BOOST_TEST(ppk::read(view(crlf), none).comment == "keypipe-example");
}

BOOST_AUTO_TEST_CASE(every_truncation_is_a_clean_error) {
    FixedPassphrase pass("keypipe");
    for (size_t n = 0; n + 1 < example_v2.size(); ++n)
        BOOST_CHECK_THROW(ppk::read(ByteView(reinterpret_cast<const uint8_t*>(example_v2.data()), n), pass), Error);
}

BOOST_AUTO_TEST_CASE(params_follow_puttygen_syntax) {
    const ppk::Params p = ppk::parse_params("version=2,kdf=Argon2i,mem=0x800,passes=8,parallel=2");
    BOOST_TEST(p.version == 2);
    BOOST_TEST(p.kdf == "Argon2i");
    BOOST_TEST(p.memory_kib == 2048u);
    BOOST_TEST(*p.passes == 8u);
    BOOST_TEST(p.parallelism == 2u);
    BOOST_TEST(!ppk::parse_params("time=50").passes.has_value());
    BOOST_CHECK_THROW(ppk::parse_params("version=4"), Error);
    BOOST_CHECK_THROW(ppk::parse_params("colour=blue"), Error);
    BOOST_CHECK_THROW(ppk::parse_params("memory=4194304000"), Error);
    BOOST_CHECK_THROW(ppk::parse_params("passes=x"), Error);
}

BOOST_AUTO_TEST_SUITE_END()
