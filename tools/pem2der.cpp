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
    Tool tool("pem2der", "Write the DER payload of a PEM block: the first CERTIFICATE, else the first block.");
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
    tool.validate([](const Args& a) {
        if (a.has("allow-costly-kdf")) relax_kdf_limits();
    });
    return tool.run(argc, argv, [&tool](const Args& args, Input& in, Sink& out) {
        std::vector<Object> objects = read_objects(in.bytes(), tool.passphrase(args, "passin"));
        std::vector<const Object*> chosen;
        for (const auto& o : objects) {
            if (args.has("all") || (args.has("label") ? o.label == args.str("label") : o.label == "CERTIFICATE")) {
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
            if (const std::string why = why_not_der(*o); !why.empty()) throw Error(why);
            der::check_block_payload(ByteView(o->body), o->label);
            const bool is_cert = o->label == "CERTIFICATE";
            out.put(ByteView(o->body), holds_private_key(*o) ? Sensitivity::private_key : Sensitivity::public_data,
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
