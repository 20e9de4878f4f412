// genkeycert: a new key and a self-signed certificate for it, replacing
// `openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout K -out C` and `chmod 600 K`.
#include "cert.h"
#include "cli.h"
#include "error.h"
#include "formats.h"
#include "keyio.h"
#include "pem.h"
#include "platform.h"
#include "ssh.h"

#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <future>

#include <unistd.h>

using namespace keypipe;

namespace {

PrivateKey generate(const std::string& type, size_t bits, Botan::RandomNumberGenerator& rng) {
    std::unique_ptr<Botan::Private_Key> key;
    if (type == "rsa") {
        // Botan's RSA_PrivateKey(rng, bits) finds p and q one after the other. They are
        // independent, so two threads halve the wait (the dominant cost of genkeycert).
        // Same loop as Botan's: retry until n has exactly `bits` bits. p > q as OpenSSL.
        const Botan::BigInt e(65537);
        const size_t p_bits = (bits + 1) / 2;
        Botan::BigInt p, q;
        do {
            auto other = std::async(std::launch::async, [&] { return Botan::generate_rsa_prime(rng, rng, p_bits, e); });
            q = Botan::generate_rsa_prime(rng, rng, bits - p_bits, e);
            p = other.get();
        } while (p == q || (p * q).bits() != bits);
        if (p < q) std::swap(p, q);
        key = std::make_unique<Botan::RSA_PrivateKey>(p, q, e);
    } else if (type == "ecdsa") {
        key = std::make_unique<Botan::ECDSA_PrivateKey>(rng, ec_group(ecdsa_key_type(bits)));
    } else {
        key = std::make_unique<Botan::Ed25519_PrivateKey>(rng);
    }
    return make_private_key(std::move(key), "", "generated key");
}

// The default subject: CN = the key's comment when it makes a sensible CN (ub-common-name is
// 64 characters; openssl refuses longer), else the host name.
cert::Subject default_subject(const std::string& comment) {
    const std::string cn = ssh::clean_comment(comment);
    if (!cn.empty() && cn.size() <= 64 && cn.find_first_not_of(' ') != std::string::npos) return {{"2.5.4.3", cn}};
    return cert::parse_subject("CN=" + platform::host_name());
}

}  // namespace

int main(int argc, char** argv) {
    Tool tool("genkeycert", "Generate a private key and a self-signed X.509 certificate for it, or (--key) make the certificate\n"
                            "for a key you already have, in any format keypipe reads (OpenSSH, PPK, PKCS#8, ...).\n"
                            "Without --keyout and --out, the key and then the certificate go to stdout as one PEM stream.");
    tool.no_inputs();
    tool.options()
        ("type,t", po::value<std::string>()->value_name("rsa|ecdsa|ed25519")->default_value("rsa"), "key type")
        ("bits,b", po::value<size_t>()->value_name("N"), "rsa: 2048 (default) to 16384; ecdsa: 256 (default), 384, 521")
        ("days", po::value<uint32_t>()->value_name("N")->default_value(365), "validity in days")
        ("subject", po::value<std::string>()->value_name("DN"), "\"CN=vm1,O=Example,C=US\" or \"/CN=vm1/O=Example\" (default CN=host name)")
        ("san", po::value<std::string>()->value_name("LIST"), "subjectAltName entries: DNS:name,IP:1.2.3.4,email:a@b,URI:u")
        ("keyout", po::value<std::string>()->value_name("FILE"), "write the private key to FILE (mode 0600)")
        ("out", po::value<std::string>()->value_name("FILE"), "write the certificate to FILE")
        ("output,o", po::value<std::string>()->value_name("FILE"), "same as --out (-o/--output as in every keypipe tool)")
        ("der", "write the certificate as DER (.cer) instead of PEM")
        ("key-format", po::value<std::string>()->value_name("openssh|pkcs8|pkcs1"),
         "private key format (default openssh, read by ssh, ssh-keygen and puttygen for every type), pkcs8, or pkcs1 "
         "(also spelt traditional or pem); any case")
        ("passout", po::value<std::string>()->value_name("SRC"), "encrypt the key; SRC is pass:, env:, file:, fd: or prompt")
        ("key", po::value<std::string>()->value_name("FILE"),
         "make the certificate for the private key in FILE instead of a new key (no key is written; "
         "the subject defaults to CN=the key's comment, else the host name)")
        ("passin", po::value<std::string>()->value_name("SRC"), "passphrase of --key FILE: pass:, env:, file:, fd: or prompt")
        ("csr", po::value<std::string>()->value_name("FILE"), "also write a PKCS#10 certificate request for the same subject and SAN");
    tool.examples({"genkeycert --keyout myPrivateKey.key --out myCert.pem",
                   "    # openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout myPrivateKey.key -out myCert.pem; chmod 600 ...",
                   "genkeycert --type ed25519 --subject CN=vm1 --keyout vm1.key --der --out vm1.cer",
                   "genkeycert --type ecdsa --bits 384 --san DNS:vm1.example.com,IP:10.0.0.4 --keyout k --out c.pem",
                   "genkeycert --keyout k --passout file:pw.txt --out c.pem",
                   "genkeycert --type ed25519 | sshpubfromcert",
                   "genkeycert --key ~/.ssh/id_rsa --out myCert.pem    # openssl req -x509 -key, for an OpenSSH or PPK key too",
                   "genkeycert --key id.ppk --passin env:PW --csr vm.csr --san DNS:vm1,IP:2001:db8::1 --out vm.pem"});
    tool.output_names({"the key in --keyout FILE (mode 0600), the certificate in --out/-o FILE;",
                       "without them, both on stdout (the key first); with --key, the certificate only"});
    const KeyFormat* format = nullptr;
    cert::SelfSignOptions options;
    tool.validate([&format, &options](const Args& a) {
        const std::string type = a.str("type"), format_name = key_format_option(a);
        if (type != "rsa" && type != "ecdsa" && type != "ed25519") throw UsageError("--type takes rsa, ecdsa or ed25519");
        if (a.has("out") && a.has("output")) throw UsageError("--out and -o/--output are the same option: give one");
        format = find_format(format_name);
        if (type == "ed25519" && !format->writes_ed25519)
            throw UsageError("Ed25519 keys have no " + format_name + " form (use openssh or pkcs8)");
        if (a.has("bits")) {
            const size_t bits = a.get<size_t>("bits");
            if (type == "rsa" && (bits < 2048 || bits > max_rsa_bits || bits % 8))
                throw UsageError("--bits for rsa: 2048 to 16384, a multiple of 8");
            if (type == "ecdsa" && bits != 256 && bits != 384 && bits != 521) throw UsageError("--bits for ecdsa: 256, 384 or 521");
            if (type == "ed25519" && bits != 256) throw UsageError("--bits does not apply to ed25519");
        }
        const uint32_t days = a.get<uint32_t>("days");
        if (days < 1 || days > cert::max_days) throw UsageError("--days takes 1 to " + std::to_string(cert::max_days));
        if (a.has("key")) {
            if (a.str("key") == "-") refuse_passphrase_from_stdin(a, {"passin"});
            for (const char* o : {"type", "bits", "keyout", "passout", "key-format"})
                if (a.has(o)) throw UsageError(std::string("--") + o + " does not apply to --key (no key is made or written)");
        } else if (a.has("passin")) {
            throw UsageError("--passin needs --key FILE");
        }
        if (a.has("der") && !a.has("out") && !a.has("output") && !a.has("keyout") && !a.has("key"))
            throw UsageError("--der needs --out FILE or --keyout FILE (a DER certificate cannot share stdout with the key)");
        if (a.has("subject")) options.subject = parse_option("--subject", [&] { return cert::parse_subject(a.str("subject")); });
        if (a.has("san")) options.san = parse_option("--san", [&] { return cert::parse_san(a.str("san")); });
        options.days = days;
    });
    return tool.run(argc, argv, [&tool, &format, &options](const Args& args, Input&, Sink&) {
        Botan::RandomNumberGenerator& rng = Botan::system_rng();
        const std::string type = args.str("type");
        const size_t bits = args.has("bits") ? args.get<size_t>("bits") : type == "rsa" ? 2048 : 256;
        const bool existing = args.has("key");
        PrivateKey key;
        if (existing) {
            Input file(args.str("key"));
            try {
                key = read_private_key(file.bytes(), tool.passphrase(args, "passin"));
            } catch (const Error& e) {
                throw Error(args.str("key"), e.what());
            }
        }
        if (!args.has("subject")) options.subject = default_subject(existing ? key.comment : "");
        const bool force = args.has("force");
        // Everything that can fail before the key exists is checked first.
        const bool key_to_file = args.has("keyout"), cert_to_file = args.has("out") || args.has("output"), csr_to_file = args.has("csr");
        const std::string cert_path = args.has("out") ? args.str("out") : args.str("output");
        if (key_to_file && cert_to_file && same_file(args.str("keyout"), cert_path))
            throw UsageError("--keyout and --out name the same file");
        if (csr_to_file && ((cert_to_file && same_file(args.str("csr"), cert_path)) ||
                            (key_to_file && same_file(args.str("csr"), args.str("keyout")))))
            throw UsageError("--csr names the same file as --out or --keyout");
        if (key_to_file) check_target(args.str("keyout"), Sensitivity::private_key, force);
        else if (!existing && platform::is_terminal(STDOUT_FILENO))
            throw Error("refusing to write a private key to a terminal (use --keyout FILE or redirect stdout)");
        if (cert_to_file) check_target(cert_path, Sensitivity::public_data, force);
        if (csr_to_file) check_target(args.str("csr"), Sensitivity::public_data, force);
        WriteOptions key_options;
        if (args.has("passout")) key_options.passphrase = Passphrase(args.str("passout"), "--passout").get_new("the new key");

        if (!existing) key = generate(type, bits, rng);
        const Bytes der = cert::make_self_signed(key, options, rng);
        if (!existing) key.comment = cert::read_certificate(ByteView(der)).common_name;  // what the PPK and ssh-keygen -l show
        const Bytes csr = csr_to_file ? cert::make_request(key, options, rng) : Bytes();
        const SecretBytes key_text = existing ? SecretBytes() : format->write(key, key_options, rng);
        const std::string cert_pem = pem::encode("CERTIFICATE", ByteView(der));
        const ByteView cert_bytes = args.has("der") ? ByteView(der) : ByteView(cert_pem);

        // Written here rather than through the Sink, as one group: every file is staged
        // before any is put in place, so a failure leaves the old key and certificate.
        const std::string csr_pem = csr_to_file ? pem::encode("CERTIFICATE REQUEST", ByteView(csr)) : "";
        FileGroup files(force);
        if (!existing) files.add(key_to_file ? args.str("keyout") : "-", ByteView(key_text), Sensitivity::private_key);
        files.add(cert_to_file ? cert_path : "-", cert_bytes, Sensitivity::public_data);
        if (csr_to_file) files.add(args.str("csr"), ByteView(csr_pem), Sensitivity::public_data);
        files.commit();
    });
}
