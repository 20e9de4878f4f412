// OpenSSH public key lines and RFC 4716 blocks against files made by ssh-keygen 9.2 and
// puttygen 0.78 (tests/golden/sshpub/make.sh).
#include "fmt_sshpub.h"
#include "ssh.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

#include <sstream>

using namespace keypipe;
using keypipe::test::error_of;
using keypipe::test::golden;

namespace {

const char* const names[] = {"rsa2048", "ecdsa256", "ecdsa384", "ecdsa521", "ed25519"};

std::vector<sshpub::Entry> read_golden(const std::string& name) {
    const std::string text = golden("sshpub/" + name);
    return sshpub::read(ByteView(std::string_view(text)));
}

std::vector<sshpub::Entry> read_text(const std::string& text) { return sshpub::read(ByteView(std::string_view(text))); }

std::string fingerprint(const sshpub::Entry& e) { return ssh::fingerprint_line(e.key, sshpub::display_comment(e), false); }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line + "\n");
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(test_fmt_sshpub)

BOOST_AUTO_TEST_CASE(pub_files_give_ssh_keygen_fingerprints_and_lines) {
    size_t read = 0;
    for (const std::string name : names) {
        const auto entries = read_golden(name + ".pub");
        BOOST_TEST_REQUIRE(entries.size() == 1u);
        BOOST_TEST(entries[0].format == "OpenSSH public key");
        BOOST_TEST(entries[0].key.comment == name + "@keypipe");
        BOOST_TEST(fingerprint(entries[0]) == golden("sshpub/" + name + ".fp-sha256"));
        BOOST_TEST(ssh::fingerprint_line(entries[0].key, entries[0].key.comment, true) == golden("sshpub/" + name + ".fp-md5"));
        BOOST_TEST(ssh::authorized_keys_line(entries[0].key, entries[0].key.comment) == golden("sshpub/" + name + ".pub"));
        ++read;
    }
    BOOST_TEST(read == 5u);
}

BOOST_AUTO_TEST_CASE(rfc4716_from_ssh_keygen_and_puttygen_is_the_same_key) {
    for (const std::string name : names) {
        const auto pub = read_golden(name + ".pub");
        const auto keygen = read_golden(name + ".rfc4716");
        const auto putty = read_golden(name + ".putty.rfc4716");
        BOOST_TEST_REQUIRE(keygen.size() == 1u);
        BOOST_TEST_REQUIRE(putty.size() == 1u);
        BOOST_TEST(keygen[0].format == "RFC 4716");
        BOOST_TEST(ssh::public_blob(keygen[0].key) == ssh::public_blob(pub[0].key));
        BOOST_TEST(ssh::public_blob(putty[0].key) == ssh::public_blob(pub[0].key));
        BOOST_TEST(putty[0].key.comment == name + "@keypipe");  // puttygen writes the key's comment
        BOOST_TEST(keygen[0].key.comment.find("converted by") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(writes_rfc4716_as_puttygen_with_ssh_keygen_width) {
    // puttygen's header line, ssh-keygen's 70 columns: equal to puttygen's file re-wrapped.
    for (const std::string name : names) {
        const auto pub = read_golden(name + ".pub");
        const std::string ours = sshpub::write_rfc4716(pub[0].key, pub[0].key.comment);
        const auto putty_lines = lines_of(golden("sshpub/" + name + ".putty.rfc4716"));
        const auto our_lines = lines_of(ours);
        BOOST_TEST(our_lines.at(1) == putty_lines.at(1));  // Comment: "..."
        const auto keygen_lines = lines_of(golden("sshpub/" + name + ".rfc4716"));
        BOOST_TEST(std::vector<std::string>(our_lines.begin() + 2, our_lines.end()) ==
                   std::vector<std::string>(keygen_lines.begin() + 2, keygen_lines.end()));
    }
}

BOOST_AUTO_TEST_CASE(comment_with_quotes_and_backslash_round_trips_like_puttygen) {
    const auto putty = read_golden("quoted.putty.rfc4716");
    BOOST_TEST(putty[0].key.comment == "say \"hi\" \\ bye");
    BOOST_TEST(sshpub::write_rfc4716(putty[0].key, putty[0].key.comment) ==
               sshpub::write_rfc4716(read_golden("quoted.pub")[0].key, "say \"hi\" \\ bye"));
    BOOST_TEST(lines_of(sshpub::write_rfc4716(putty[0].key, putty[0].key.comment)).at(1) ==
               lines_of(golden("sshpub/quoted.putty.rfc4716")).at(1));
}

BOOST_AUTO_TEST_CASE(authorized_keys_with_options_and_crlf_as_ssh_keygen_reads_it) {
    const auto entries = read_golden("authorized_keys");
    const auto expected = lines_of(golden("sshpub/authorized_keys.fp"));
    BOOST_TEST_REQUIRE(entries.size() == expected.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        std::string want = expected[i];  // ssh-keygen 9.2 keeps a CRLF line's CR in the comment;
        if (i == 3) want.erase(want.find('\r'), 1);  // keypipe reads it as the line end
        BOOST_TEST(fingerprint(entries[i]) == want);
    }
    BOOST_TEST(entries[0].format == "OpenSSH public key");
    BOOST_TEST(entries[1].format == "authorized_keys");
    BOOST_TEST(entries[1].prefix == "from=\"10.0.0.0/8,192.168.1.1\",command=\"echo a b\",no-pty");
    BOOST_TEST(entries[1].key.comment == "bob with spaces");
    BOOST_TEST(entries[2].format == "authorized_keys");  // "restrict" and no comment
    BOOST_TEST(entries[3].key.comment == "crlf@host");  // the CR is the line end
    BOOST_TEST(entries[1].line == 3u);
}

BOOST_AUTO_TEST_CASE(known_hosts_plain_hashed_and_marked) {
    for (const std::string name : {"known_hosts", "known_hosts.hashed"}) {
        auto entries = read_golden(name);
        const auto expected = lines_of(golden("sshpub/" + name + ".fp"));
        if (name == "known_hosts") {  // the @cert-authority line ssh-keygen -l skips
            BOOST_TEST_REQUIRE(entries.size() == expected.size() + 1);
            BOOST_TEST(entries.back().marker == "@cert-authority");
            BOOST_TEST(entries.back().prefix == "*.example.com");
            BOOST_TEST(entries.back().format == "known_hosts");
            entries.pop_back();
        }
        BOOST_TEST_REQUIRE(entries.size() == expected.size());
        for (size_t i = 0; i < entries.size(); ++i) {
            BOOST_TEST(fingerprint(entries[i]) == expected[i]);
            BOOST_TEST(entries[i].format == "known_hosts");
        }
    }
}

BOOST_AUTO_TEST_CASE(sniffs_public_keys_and_nothing_else) {
    for (const std::string name : {"ed25519.pub", "authorized_keys", "known_hosts.hashed", "rsa2048.rfc4716"})
        BOOST_TEST(sshpub::sniff(ByteView(std::string_view(golden("sshpub/" + name)))), name);
    for (const std::string text : {"-----BEGIN PUBLIC KEY-----\n", "", "# only a comment\n", "Host *\n  User me\n",
                                   "ssh-ed25519 AAAAC3NzaC1yc2EAAAADAQAB\n", "PuTTY-User-Key-File-3: ssh-ed25519\n"})
        BOOST_TEST(!sshpub::sniff(ByteView(std::string_view(text))), text);
}

BOOST_AUTO_TEST_CASE(errors_name_the_line) {
    const std::string ed = golden("sshpub/ed25519.pub");
    BOOST_TEST(error_of([&] { read_text(ed + "Host *\n"); }) == "line 2: not an OpenSSH public key line");
    BOOST_TEST(error_of([&] { read_text("# c\n" + ed + "ssh-dss AAAAB3NzaC1kc3MAAAAA\n"); }) ==
               "line 3: unsupported key type: DSA");
    BOOST_TEST(error_of([&] { read_text("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n"); }) ==
               "line 1: \"---- BEGIN SSH2 PUBLIC KEY ----\" without its END line");
    BOOST_TEST(error_of([&] { read_text("---- BEGIN SSH2 PUBLIC KEY ----\nA*AA\n---- END SSH2 PUBLIC KEY ----\n"); }) ==
               "line 1: bad base64 in the SSH2 PUBLIC KEY block");
    BOOST_TEST(error_of([&] { read_text("\n\n"); }) == "no public key found");
    BOOST_TEST(error_of([&] { read_text("@bogus host " + ed); }) == "line 1: not an OpenSSH public key line");
}

BOOST_AUTO_TEST_CASE(rfc4716_continued_headers_and_unquoted_comment) {
    const std::string b64 = golden("sshpub/ed25519.pub").substr(12, 68);
    const auto e = read_text("---- BEGIN SSH2 PUBLIC KEY ----\r\nx-Note: a long \\\r\n value\r\ncomment: plain text\r\n" + b64.substr(0, 30) +
                             "\r\n" + b64.substr(30) + "\r\n---- END SSH2 PUBLIC KEY ----\r\n");
    BOOST_TEST_REQUIRE(e.size() == 1u);
    BOOST_TEST(e[0].key.comment == "plain text");
    BOOST_TEST(ssh::public_blob(e[0].key) == ssh::public_blob(read_golden("ed25519.pub")[0].key));
}

BOOST_AUTO_TEST_CASE(a_comment_only_of_blanks_is_no_comment) {
    const std::string key = golden("sshpub/ed25519.pub").substr(0, 80);
    BOOST_TEST(read_text(key + "   \n")[0].key.comment == "");
    BOOST_TEST(read_text(key + "  lead\n")[0].key.comment == "lead");
    BOOST_TEST(read_text(key + " a\tb  \n")[0].key.comment == "a\tb  ");  // as ssh-keygen -l prints it
}

BOOST_AUTO_TEST_SUITE_END()
