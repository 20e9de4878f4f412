// key2pfx: a private key, its certificate and the chain into one PKCS#12 (.pfx) file, as
// Azure, Windows and Java import it.
#include "cli.h"
#include "describe.h"
#include "error.h"
#include "fmt_pkcs12.h"
#include "fmt_pkcs8.h"
#include "fmt_ppk.h"
#include "kdf_limits.h"
#include "keyio.h"
#include "objects.h"
#include "ssh.h"

#include <botan/system_rng.h>

#include <optional>

using namespace keypipe;

namespace {

// What one or more inputs hold: at most one private key, and certificates in order.
struct Gathered {
    std::optional<PrivateKey> key;
    std::string key_input;
    bool encrypted = false;
    std::vector<Bytes> certificates;
};

void gather(Input& in, PassphraseSource& passin, const KdfLimits& limits, Gathered& g) {
    const ByteView bytes = in.bytes();
    TrackingPassphrase pass(passin);
    std::optional<PrivateKey> key;
    if (pkcs12::sniff(bytes)) {
        for (const auto& e : pkcs12::read(bytes, pass, limits)) {
            if (e.kind == pkcs12::Entry::Kind::certificate) g.certificates.emplace_back(e.der.begin(), e.der.end());
            else if (!key) key = pkcs8::read(ByteView(e.der));
        }
    } else if (ppk::sniff(bytes)) {
        key = read_private_key(bytes, pass, limits);
    } else {
        bool has_key = false;
        for (const Object& o : read_objects(bytes)) {
            if (const auto c = object_certificate(o)) g.certificates.push_back(c->der);
            has_key = has_key || holds_private_key(o);
        }
        if (has_key) key = read_private_key(bytes, pass, limits);
    }
    if (!key) return;
    if (g.key) throw Error("a second private key (the first is in " + g.key_input + "); give one key");
    g.key = std::move(key);
    g.key_input = in.display_name();
    g.encrypted = pass.asked();
}

// The PFX for what was gathered: the certificate matching the key first, then the rest in order.
void write_pfx(const Args& args, Tool& tool, Gathered& g, Sink& out) {
    if (!g.key) throw Error("no private key found (key2pfx needs a key and its certificate)");
    const PublicKey pub = g.key->public_key();
    const Bytes blob = ssh::public_blob(pub);
    auto matches = [&](const Bytes& der) { return ssh::public_blob(cert::read_certificate(ByteView(der)).key) == blob; };
    const auto leaf = std::find_if(g.certificates.begin(), g.certificates.end(), matches);
    if (leaf == g.certificates.end())
        throw Error(std::string(g.certificates.empty() ? "no certificate" : "no certificate matches the private key") + " (key " +
                    ssh::fingerprint_sha256(ByteView(blob)) + ")");
    std::vector<Bytes> chain{*leaf};
    for (const Bytes& c : g.certificates)
        if (c != *leaf) chain.push_back(c);
    out.note_key(pub, g.encrypted);
    pkcs12::WriteOptions options;
    options.legacy = args.has("legacy");
    if (args.has("iter")) options.iterations = args.get<size_t>("iter");
    options.friendly_name = args.str("name");
    const SecretBytes pass = tool.passphrase(args, "passout").get_new("the PFX file");
    out.put(ByteView(pkcs12::write(*g.key, chain, ByteView(pass), options, Botan::system_rng())), Sensitivity::private_key, ".pfx");
}

}  // namespace

int main(int argc, char** argv) {
    Tool tool("key2pfx", "Put a private key, its certificate and the chain into a PKCS#12 (.pfx) file for Azure, Windows\n"
                         "and Java. The key (any format keypipe reads) and the certificates come from all the inputs;\n"
                         "the certificate matching the key goes first, the others follow in their order.");
    tool.options()
        ("passout", po::value<std::string>()->value_name("SRC"), "password of the .pfx (required): pass:, env:, file:, fd: or prompt")
        ("passin", po::value<std::string>()->value_name("SRC"), "passphrase of an encrypted input: pass:, env:, file:, fd: or prompt")
        ("name", po::value<std::string>()->value_name("TEXT"), "friendly name, which Windows and Azure show")
        ("legacy", "3DES and an HMAC-SHA1 MAC, for Windows Server 2016, Windows 7 and old Java (default: AES-256 and SHA-256, as OpenSSL 3)")
        ("iter", po::value<size_t>()->value_name("N"), "iteration count of encryption and MAC (default 2048, as openssl)")
        ("allow-costly-kdf", "accept input KDF costs up to 16 times the normal limits");
    tool.examples({"key2pfx --passout env:PFXPASS vm.key vm.pem -o vm.pfx   # openssl pkcs12 -export -inkey vm.key -in vm.pem",
                   "genkeycert --type ed25519 | key2pfx --passout env:PFXPASS -o vm.pfx",
                   "key2pfx --passout file:pw.txt --name site key.pem cert.pem chain.pem -o site.pfx",
                   "key2pfx --legacy --passout prompt id_rsa.ppk cert.cer -o old-windows.pfx",
                   "key2pfx --passout file:pw.txt -d pfx/ *.pem                 # each file holds a key and its certificate"});
    tool.output_names({"STEM.pfx (with -d: one per input, each input holding a key and its certificate)"});
    tool.output_extension(".pfx");
    KdfLimits limits;
    tool.validate([&limits](const Args& a) {
        if (!a.has("passout")) throw UsageError("--passout is required (many importers refuse a PFX without a password)");
        if (a.has("iter") && (a.get<size_t>("iter") < 1 || a.get<size_t>("iter") > pkcs12::max_write_iterations))
            throw UsageError("--iter takes 1 to " + std::to_string(pkcs12::max_write_iterations));
        limits = kdf_limits_from(a);
    });
    return tool.run(
        argc, argv,
        [&tool, &limits](const Args& args, Input& in, Sink& out) {  // -d: each input holds a key and its certificate
            Gathered g;
            gather(in, tool.passphrase(args, "passin"), limits, g);
            write_pfx(args, tool, g, out);
        },
        [&tool, &limits](const Args& args, std::vector<Input>& inputs, Sink& out) {
            Gathered g;
            for (Input& in : inputs) {
                try {
                    gather(in, tool.passphrase(args, "passin"), limits, g);
                } catch (const Error& e) {
                    if (!e.subject().empty()) throw;
                    throw Error(in.display_name(), e.what());
                }
            }
            write_pfx(args, tool, g, out);
        });
}
