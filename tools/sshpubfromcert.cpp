// sshpubfromcert: the authorized_keys line for each certificate's public key, as a cloud
// agent writes it from an uploaded certificate.
#include "cert.h"
#include "classify.h"
#include "cli.h"
#include "describe.h"
#include "error.h"
#include "kdf_limits.h"
#include "objects.h"
#include "ssh.h"

using namespace keypipe;

int main(int argc, char** argv) {
    Tool tool("sshpubfromcert", "Print an authorized_keys line for every certificate (and PUBLIC KEY) in the input.\n"
                                "The comment is the subject's CN, or the whole subject when it has no CN.");
    tool.options()
        ("comment", po::value<std::string>()->value_name("TEXT"), "use TEXT as the comment")
        ("fingerprint", "print the key's fingerprint line, as ssh-keygen -l does")
        ("hash", po::value<std::string>()->value_name("sha256|md5")->default_value("sha256"), "fingerprint hash")
        ("thumbprint", "print each certificate's thumbprint (uppercase hex SHA-1 of the DER, as Azure shows it)")
        ("passin", po::value<std::string>()->value_name("SRC"), "password of a PKCS#12 (.pfx) input: pass:, env:, file:, fd: or prompt")
        ("allow-costly-kdf", "accept input KDF costs up to 16 times the normal limits");
    tool.examples({"sshpubfromcert myCert.cer >> ~/.ssh/authorized_keys",
                   "sshpubfromcert --fingerprint myCert.pem       # ssh-keygen -l -f <(sshpubfromcert myCert.pem)",
                   "sshpubfromcert --thumbprint myCert.cer        # openssl x509 -noout -fingerprint -sha1, without colons",
                   "genkeycert --type ed25519 | sshpubfromcert",
                   "sshpubfromcert -d pub/ certs/*.pem            # one .pub per certificate file",
                   "sshpubfromcert --passin env:PFXPASS vm.pfx    # the certificates of a PKCS#12 file"});
    tool.output_names({"STEM.pub (every line of the input's certificates)"});
    tool.classify(why_not_certificate);
    tool.validate([](const Args& a) {
        const std::string hash = a.str("hash");
        if (hash != "sha256" && hash != "md5") throw UsageError("--hash takes sha256 or md5");
        if (a.has("fingerprint") && a.has("thumbprint")) throw UsageError("--fingerprint and --thumbprint cannot be combined");
        if (a.has("comment")) ssh::check_comment_option(a.str("comment"));
        if (a.has("allow-costly-kdf")) relax_kdf_limits();
    });
    return tool.run(argc, argv, [&tool](const Args& args, Input& in, Sink& out) {
        std::string text;
        std::vector<std::string> skipped;
        for (const Object& o : read_objects(in.bytes(), tool.passphrase(args, "passin"))) {
            const std::optional<cert::Certificate> certificate = object_certificate(o);
            std::optional<PublicKey> bare = certificate ? std::nullopt : object_bare_public_key(o);
            if (!certificate && !bare) {
                skipped.push_back(o.label);
                continue;
            }
            const PublicKey key = certificate ? certificate->key : *bare;
            std::string comment;
            if (certificate) comment = certificate->common_name.empty() ? certificate->subject : certificate->common_name;
            if (!out.note()) out.note_key(key, false);  // --json: the first key
            if (args.has("comment")) comment = args.str("comment");
            if (args.has("thumbprint")) {
                if (certificate) text += cert::thumbprint(ByteView(certificate->der)) + "\n";
            } else if (args.has("fingerprint")) {
                text += ssh::fingerprint_line(key, comment, args.str("hash") == "md5");
            } else {
                text += ssh::authorized_keys_line(key, comment);
            }
        }
        if (text.empty()) {
            if (args.has("thumbprint")) throw Error("no certificate found (a public key has no thumbprint)");
            if (!skipped.empty() && is_private_label(skipped.front()))
                throw Error("no certificate or public key found (only a private key; use ppk2key -y for its public key)");
            throw Error("no certificate or public key found");
        }
        out.text(text, ".pub");
    });
}
