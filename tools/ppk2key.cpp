// ppk2key: any private key (PPK, OpenSSH, PKCS#8, PKCS#1, SEC1) to what OpenSSH and openssl
// read; by default OpenSSH's own format, which `ssh -i` reads for every key type.
#include "classify.h"
#include "cli.h"
#include "error.h"
#include "formats.h"
#include "keyio.h"
#include "ssh.h"

#include <botan/system_rng.h>

using namespace keypipe;

int main(int argc, char** argv) {
    Tool tool("ppk2key", "Convert a private key (PuTTY .ppk, or any format below) to OpenSSH, PKCS#8 or traditional PEM.");
    tool.options()
        ("key-format", po::value<std::string>()->value_name("openssh|pkcs8|pkcs1"),
         "output format (default openssh): openssh (ssh -i, ssh-keygen), pkcs8, or pkcs1 (traditional: PKCS#1 RSA / "
         "SEC1 EC; also spelt traditional or pem); any case")
        ("format", po::value<std::string>()->value_name("FORMAT"), "same as --key-format")
        ("der", "write pkcs8 or traditional as DER instead of PEM")
        ("public,y", "print the public key as an authorized_keys line instead (a PPK needs no passphrase for it)")
        ("comment,C", po::value<std::string>()->value_name("TEXT"), "comment for openssh output and -y (default: the key's own)")
        ("passin", po::value<std::vector<std::string>>()->value_name("SRC"),
         "passphrase of encrypted inputs: pass:, env:, file:, fd: or prompt; repeat to try several")
        ("passout", po::value<std::string>()->value_name("SRC"),
         "encrypt the output (openssh: aes256-ctr + bcrypt; pkcs8: AES-256-CBC + PBKDF2) with this passphrase; SRC as "
         "--passin (default: an encrypted input's own passphrase)")
        ("no-encrypt", "write an encrypted input's key unencrypted")
        ("allow-costly-kdf", "accept input KDF costs up to 16 times the normal limits");
    tool.examples({"ppk2key key.ppk -o id_ed25519          # puttygen key.ppk -O private-openssh-new -o id_ed25519",
                   "ppk2key -y key.ppk >> ~/.ssh/authorized_keys   # puttygen key.ppk -O public-openssh",
                   "ppk2key --key-format pkcs8 key.ppk -o key.pem",
                   "ppk2key --passin file:old.txt --passout file:new.txt key.ppk -o id_rsa",
                   "ppk2key myPrivateKey.key -o id_ed25519  # an Ed25519 PKCS#8 key that OpenSSH cannot read",
                   "ppk2key -d ssh/ -r putty-keys/"});
    tool.output_names({"STEM.key; with --der, STEM.der; with -y, STEM.pub"});
    tool.classify(why_not_private_key);
    tool.private_output_when([](const Args& a) { return !a.has("public"); });
    tool.binary_output_when([](const Args& a) { return a.has("der"); });
    const KeyFormat* format = nullptr;
    KdfLimits limits;
    tool.validate([&format, &limits](const Args& a) {
        const std::string f = key_format_option(a);
        format = find_format(f);
        if (a.has("der") && !format->writes_der) throw UsageError("--der applies to pkcs8 and pkcs1");
        if (a.has("passout") && a.has("no-encrypt")) throw UsageError("--passout and --no-encrypt cannot be combined");
        if (a.has("public") && (a.has("passout") || a.has("der"))) throw UsageError("-y prints a public key: no --passout or --der");
        if (a.has("der") && a.has("passout") && !format->encrypts_der)
            throw UsageError(f + " DER cannot be encrypted (use --key-format pkcs8)");
        check_comment_option(a);
        limits = kdf_limits_from(a);
    });
    return tool.run(argc, argv, [&tool, &format, &limits](const Args& args, Input& in, Sink& out) {
        PassphraseRing& passin = tool.passphrases(args, "passin");
        PassphraseRing::Opened opened;
        if (args.has("public")) {  // a PPK's public part is in clear: no passphrase asked
            const PublicKeyRead pub = passin.open<PublicKeyRead>(
                in.display_name(), [&](PassphraseSource& p) { return read_public_key(in.bytes(), p, limits); }, opened);
            out.note_key(pub.key, pub.encrypted);
            out.text(ssh::authorized_keys_line(pub.key, args.has("comment") ? args.str("comment") : pub.key.comment), ".pub");
            return;
        }
        PrivateKey key = passin.open<PrivateKey>(
            in.display_name(), [&](PassphraseSource& p) { return read_private_key(in.bytes(), p, limits); }, opened);
        if (args.has("comment")) key.comment = args.str("comment");
        out.note_key(key.public_key(), opened.asked);
        WriteOptions options;
        if (args.has("passout")) options.passphrase = tool.passphrase(args, "passout").get_new("the new key");
        else if (!args.has("no-encrypt")) options.passphrase = opened.used;  // as puttygen: an encrypted key stays encrypted
        options.der = args.has("der");
        if (!options.passphrase.empty() && options.der && !format->encrypts_der)
            throw Error("an encrypted key has no " + key_format_option(args) + " DER form (use --key-format pkcs8, or --no-encrypt)");
        out.note_output_encrypted(!options.passphrase.empty());
        out.put(ByteView(format->write(key, options, Botan::system_rng())), Sensitivity::private_key, options.der ? ".der" : ".key");
    });
}
