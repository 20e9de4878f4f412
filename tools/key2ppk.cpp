// key2ppk: any private key to a PuTTY .ppk file, byte-identical to puttygen's.
#include "classify.h"
#include "cli.h"
#include "error.h"
#include "formats.h"
#include "keyio.h"

#include <botan/system_rng.h>

using namespace keypipe;

int main(int argc, char** argv) {
    Tool tool("key2ppk", "Convert a private key to a PuTTY .ppk file (PPK v3 unless --ppk-param version=2).\n"
                         "Reads PKCS#8 (plain or encrypted), PKCS#1, SEC1, legacy encrypted PEM, OpenSSH and PPK keys.\n"
                         "EC keys with explicit curve parameters (openssl -param_enc explicit) are read as the\n"
                         "named curve they equal (P-256, P-384, P-521), as ssh-keygen does.");
    tool.options()
        ("ppk-param", po::value<std::string>()->value_name("PARAMS"),
         "puttygen's PPK parameters, KEY=VALUE,...: version (3), kdf (argon2id), memory (8192 KiB), "
         "time (100 ms: passes chosen to take that long, measured once per run), passes, parallelism (1)")
        ("ppk-params", po::value<std::string>()->value_name("PARAMS"), "same as --ppk-param")
        ("comment,C", po::value<std::string>()->value_name("TEXT"),
         "key comment (default: the key's own, else imported-openssh-key as puttygen writes)")
        ("passin", po::value<std::vector<std::string>>()->value_name("SRC"),
         "passphrase of encrypted inputs: pass:, env:, file:, fd: or prompt; repeat to try several")
        ("passout", po::value<std::string>()->value_name("SRC"),
         "encrypt the .ppk (aes256-cbc + Argon2id) with this passphrase; SRC as --passin "
         "(default: an encrypted input's own passphrase)")
        ("no-encrypt", "write an encrypted input's key unencrypted")
        ("allow-costly-kdf", "accept input KDF costs up to 16 times the normal limits");
    tool.examples({"key2ppk myPrivateKey.key -o myPrivateKey.ppk      # puttygen myPrivateKey.key -o myPrivateKey.ppk",
                   "key2ppk --passout file:pw.txt id_ed25519 -o id_ed25519.ppk",
                   "key2ppk --ppk-param version=2 key.pem -o key.ppk   # for PuTTY before 0.75",
                   "key2ppk --passin env:KEYPASS encrypted-pkcs8.pem -o key.ppk",
                   "key2ppk -r ~/keys -d ppk/                          # a whole folder, in parallel"});
    tool.output_names({"STEM.ppk"});
    tool.output_extension(".ppk");
    tool.classify(why_not_private_key);
    tool.private_output_when([](const Args&) { return true; });
    const KeyFormat& ppk = *find_format("ppk");
    WriteOptions write_options;  // all but the passphrase: the same for every input
    tool.validate([&write_options](const Args& a) {
        if (a.has("ppk-param") && a.has("ppk-params")) throw UsageError("give --ppk-param once");
        if (a.has("passout") && a.has("no-encrypt")) throw UsageError("--passout and --no-encrypt cannot be combined");
        check_comment_option(a);
        write_options.limits = kdf_limits_from(a);
        write_options.ppk = parse_option("--ppk-param", [&] {
            return ppk::parse_params(a.str("ppk-param", a.str("ppk-params")), write_options.limits);
        });
    });
    return tool.run(argc, argv, [&tool, &ppk, &write_options](const Args& args, Input& in, Sink& out) {
        PassphraseRing::Opened opened;
        PrivateKey key = tool.passphrases(args, "passin").open<PrivateKey>(
            in.display_name(), [&](PassphraseSource& p) { return read_private_key(in.bytes(), p, write_options.limits); }, opened);
        out.note_key(key.public_key(), opened.asked);
        if (args.has("comment")) {
            key.comment = args.str("comment");
            key.has_comment = true;
        }
        WriteOptions options = write_options;
        if (args.has("passout")) options.passphrase = tool.passphrase(args, "passout").get_new("the .ppk file");
        else if (!args.has("no-encrypt")) options.passphrase = opened.used;  // as puttygen: an encrypted key stays encrypted
        out.note_output_encrypted(!options.passphrase.empty());
        out.put(ByteView(ppk.write(key, options, Botan::system_rng())), Sensitivity::private_key, ".ppk");
    });
}
