// sshpubfromcert: the authorized_keys line for each certificate's public key, as a cloud
// agent writes it from an uploaded certificate, and every other public key a user holds
// (public-key files of every form, PKCS#7 bundles, the public part of PPK and OpenSSH keys)
// in the forms ssh-keygen -e writes.
#include "cert.h"
#include "classify.h"
#include "cli.h"
#include "error.h"
#include "fmt_pkcs12.h"
#include "fmt_sshpub.h"
#include "inspect.h"
#include "objects.h"
#include "pem.h"
#include "ssh.h"

#include <botan/x509_key.h>

using namespace keypipe;

namespace {

// Certificates, public keys, and private keys whose public part is kept in the clear (PPK,
// OpenSSH: no passphrase, no key derivation).
bool has_public_key(const inspect::Item& item) {
    return item.certificate || item.kind == "public key" ||
           (item.kind == "private key" && (item.format.rfind("PPK", 0) == 0 || item.format == "OpenSSH"));
}

// For batches: why an input gives no line (it is skipped, not failed), or nullopt.
std::optional<std::string> why_no_public_key(ByteView input) {
    if (pkcs12::sniff(input)) return std::nullopt;  // its certificates, once decrypted
    try {
        const std::vector<inspect::Item> items = inspect::describe(input);
        for (const auto& item : items)
            if (has_public_key(item)) return std::nullopt;
        return items.empty() ? std::string("not a key") : items.front().kind;
    } catch (const Error&) {
        return why_not_pem_or_der(input);  // damaged PEM or DER fails with its error
    }
}

// What the input holds; a PKCS#12 file's certificates, decrypted with --passin (its keys are
// described as the private keys they are, so they are skipped like any other).
std::vector<inspect::Item> describe(ByteView input, const Args& args, Tool& tool, const KdfLimits& limits) {
    if (!pkcs12::sniff(input)) return inspect::describe(input);
    std::vector<inspect::Item> items;
    for (const Object& o : read_objects(input, tool.passphrase(args, "passin"), limits)) {
        std::vector<inspect::Item> part = inspect::describe(ByteView(o.body));
        std::move(part.begin(), part.end(), std::back_inserter(items));
    }
    return items;
}

// The public key as ssh-keygen -e -m PKCS8|PEM writes it: SPKI "PUBLIC KEY", or for RSA
// with `pem` the PKCS#1 "RSA PUBLIC KEY" (ssh-keygen writes SPKI for other types).
std::string pem_of(const PublicKey& key, bool pkcs1) {
    if (pkcs1 && key.type == KeyType::rsa) return pem::encode("RSA PUBLIC KEY", ByteView(key.key->public_key_bits()));
    return pem::encode("PUBLIC KEY", ByteView(Botan::X509::BER_encode(*key.key)));
}

// What ssh-keygen -l shows as the comment: leading blanks are not part of it, and blanks
// only are no comment.
std::string fingerprint_comment(std::string comment) {
    comment.erase(0, std::min(comment.find_first_not_of(" \t"), comment.size()));
    return comment;
}

}  // namespace

int main(int argc, char** argv) {
    Tool tool("sshpubfromcert", "Print an authorized_keys line for every certificate and public key in the input.\n"
                                "Reads certificates (PEM, DER, bundles, PKCS#7 .p7b), PUBLIC KEY and RSA PUBLIC KEY, OpenSSH\n"
                                "public keys (.pub, authorized_keys, known_hosts lines), RFC 4716, and the public part of\n"
                                "PPK and OpenSSH private keys (no passphrase needed).\n"
                                "A certificate's comment is the subject's CN, or the whole subject when it has no CN.");
    tool.options()
        ("comment", po::value<std::string>()->value_name("TEXT"), "use TEXT as the comment")
        ("format", po::value<std::string>()->value_name("FORMAT")->default_value("openssh"),
         "openssh (authorized_keys line), rfc4716 (as puttygen, read by ssh-keygen -i), pkcs8 (PUBLIC KEY PEM) "
         "or pem (RSA PUBLIC KEY PEM for RSA): the forms of ssh-keygen -e -m RFC4716|PKCS8|PEM")
        ("fingerprint", "print the key's fingerprint line, as ssh-keygen -l does")
        ("hash", po::value<std::string>()->value_name("sha256|md5")->default_value("sha256"), "fingerprint hash")
        ("thumbprint", "print each certificate's thumbprint (uppercase hex SHA-1 of the DER, as Azure shows it)")
        ("passin", po::value<std::string>()->value_name("SRC"), "password of a PKCS#12 (.pfx) input: pass:, env:, file:, fd: or prompt")
        ("allow-costly-kdf", "accept input KDF costs up to 16 times the normal limits");
    tool.examples({"sshpubfromcert myCert.cer >> ~/.ssh/authorized_keys",
                   "sshpubfromcert --fingerprint myCert.pem       # ssh-keygen -l -f <(sshpubfromcert myCert.pem)",
                   "sshpubfromcert --fingerprint ~/.ssh/known_hosts",
                   "sshpubfromcert --format pkcs8 id_rsa.pub      # ssh-keygen -e -m PKCS8 -f id_rsa.pub",
                   "sshpubfromcert --format rfc4716 key.ppk       # for an SSH server that wants RFC 4716",
                   "sshpubfromcert --thumbprint myCert.cer        # openssl x509 -noout -fingerprint -sha1, without colons",
                   "genkeycert --type ed25519 | sshpubfromcert",
                   "sshpubfromcert -d pub/ certs/*.pem            # one .pub per certificate file",
                   "sshpubfromcert --passin env:PFXPASS vm.pfx    # the certificates of a PKCS#12 file"});
    tool.output_names({"STEM.pub (every line of the input's certificates)"});
    tool.classify(why_no_public_key);
    KdfLimits limits;
    tool.validate([&limits](const Args& a) {
        const std::string hash = a.str("hash"), format = a.str("format");
        if (hash != "sha256" && hash != "md5") throw UsageError("--hash takes sha256 or md5");
        if (format != "openssh" && format != "rfc4716" && format != "pkcs8" && format != "pem")
            throw UsageError("--format takes openssh, rfc4716, pkcs8 or pem");
        if (a.has("fingerprint") && a.has("thumbprint")) throw UsageError("--fingerprint and --thumbprint cannot be combined");
        if (a.has("format") && (a.has("fingerprint") || a.has("thumbprint")))
            throw UsageError("--format cannot be combined with --fingerprint or --thumbprint");
        check_comment_option(a);
        limits = kdf_limits_from(a);
    });
    return tool.run(argc, argv, [&tool, &limits](const Args& args, Input& in, Sink& out) {
        const std::string format = args.str("format");
        std::string text;
        bool only_private = true;
        for (const inspect::Item& item : describe(in.bytes(), args, tool, limits)) {
            const bool certificate = item.certificate.has_value();
            const bool wanted = has_public_key(item);
            only_private = only_private && item.kind == "private key";
            if (!wanted || item.kind == "PKCS#7") continue;
            if (!item.key) throw Error(item.key_problem);
            const PublicKey& key = *item.key;
            std::string comment = item.comment;
            if (certificate && comment.empty()) comment = item.certificate->subject.compact;
            if (!out.note()) out.note_key(key, item.encrypted);  // --json: the first key
            if (args.has("comment")) comment = args.str("comment");
            if (args.has("thumbprint")) {
                if (certificate) text += cert::thumbprint(ByteView(item.certificate->der)) + "\n";
            } else if (args.has("fingerprint")) {
                if (comment.empty() && !args.has("comment")) comment = item.options;  // known_hosts: the hosts
                text += ssh::fingerprint_line(key, fingerprint_comment(comment), args.str("hash") == "md5");
            } else if (format == "rfc4716") {
                text += sshpub::write_rfc4716(key, comment);
            } else if (format == "pkcs8" || format == "pem") {
                text += pem_of(key, format == "pem");
            } else {
                text += ssh::authorized_keys_line(key, comment);
            }
        }
        if (text.empty()) {
            if (args.has("thumbprint")) throw Error("no certificate found (a public key has no thumbprint)");
            if (only_private)
                throw Error("no certificate or public key found (only a private key; use ppk2key -y for its public key)");
            throw Error("no certificate or public key found");
        }
        out.text(text, format == "pkcs8" || format == "pem" ? ".pem" : ".pub");
    });
}
