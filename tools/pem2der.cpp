// pem2der: the DER payload of a PEM block, byte for byte (never a re-encoding).
#include "classify.h"
#include "cli.h"
#include "der.h"
#include "describe.h"
#include "error.h"
#include "kdf_limits.h"
#include "objects.h"

using namespace keypipe;

int main(int argc, char** argv) {
    Tool tool("pem2der", "Write the DER payload of a PEM block: the first CERTIFICATE, else the first block.\n"
                         "A TRUSTED CERTIFICATE gives the certificate alone, as openssl x509 -outform der\n"
                         "(--label \"TRUSTED CERTIFICATE\" gives its whole payload, trust data included).");
    tool.options()
        ("label", po::value<std::string>()->value_name("LABEL"), "take the first block with this label (e.g. \"PRIVATE KEY\")")
        ("all", "write every block (with -d, one file per block; a .pfx: each certificate and the key)")
        ("passin", po::value<std::string>()->value_name("SRC"), "password of a PKCS#12 (.pfx) input: pass:, env:, file:, fd: or prompt")
        ("allow-costly-kdf", "accept input KDF costs up to 16 times the normal limits");
    tool.examples({"pem2der myCert.pem -o myCert.cer          # openssl x509 -outform der -in myCert.pem -out myCert.cer",
                   "pem2der --label 'PRIVATE KEY' key.pem -o key.der",
                   "pem2der --all bundle.pem -d certs/",
                   "genkeycert --keyout vm.key | pem2der > vm.cer",
                   "pem2der --passin env:PFXPASS site.pfx -o site.cer   # the key's certificate of a PKCS#12 file"});
    tool.output_names({"STEM.cer for a certificate, STEM.der for any other block;",
                       "with --all and several blocks: STEM-1.cer, STEM-2.der, ... in block order"});
    tool.numbered_outputs_with("all");
    tool.classify(why_not_pem_or_der);
    tool.binary_output_when([](const Args&) { return true; });
    tool.private_output_when([](const Args& a) { return a.has("label") && is_private_label(a.str("label")); });
    KdfLimits limits;
    tool.validate([&limits](const Args& a) { limits = kdf_limits_from(a); });
    return tool.run(argc, argv, [&tool, &limits](const Args& args, Input& in, Sink& out) {
        auto is_certificate = [](const Object& o) { return o.label == "CERTIFICATE" || o.label == "TRUSTED CERTIFICATE"; };
        std::vector<Object> objects = read_objects(in.bytes(), tool.passphrase(args, "passin"), limits);
        std::vector<const Object*> chosen;
        for (const auto& o : objects) {
            if (args.has("all") || (args.has("label") ? o.label == args.str("label") : is_certificate(o))) {
                chosen.push_back(&o);
                if (!args.has("all")) break;
            }
        }
        if (chosen.empty()) {
            if (args.has("label")) throw Error("no \"" + args.str("label") + "\" block");
            chosen.push_back(&objects.front());
        }
        size_t index = 0;
        for (const Object* o : chosen) {
            if (const std::string why = why_not_der(*o); !why.empty())
                throw Error(why + (o->label == "OPENSSH PRIVATE KEY" ? " (use ppk2key to convert it)"
                                                                    : " (use ppk2key --format pkcs8 --der, with --passout to keep it encrypted)"));
            der::check_block_payload(ByteView(o->body), o->label);
            const bool is_cert = o->label == "CERTIFICATE" || (o->label == "TRUSTED CERTIFICATE" && args.str("label") != o->label);
            // A TRUSTED CERTIFICATE (openssl x509 -trustout) is the certificate, then OpenSSL's
            // trust data, which python and certtool reject in a .cer: the certificate alone, as
            // openssl x509 -outform der writes it. --label "TRUSTED CERTIFICATE" asks for the
            // whole payload (what der2pem turns back into the same block).
            ByteView body(o->body);
            const bool whole_payload = args.str("label") == "TRUSTED CERTIFICATE";
            if (o->label == "TRUSTED CERTIFICATE" && !whole_payload) body = body.subspan(0, der::read_element(body).whole.size());
            out.put(body, holds_private_key(*o) ? Sensitivity::private_key : Sensitivity::public_data,
                    is_cert ? ".cer" : ".der", chosen.size() > 1 ? "-" + std::to_string(++index) : "");
        }
        if (args.has("json"))  // the key of the first object that has one readable
            for (const Object* o : chosen)
                if (const auto key = object_public_key(*o)) {
                    out.note_key(*key, false);
                    break;
                }
    });
}
