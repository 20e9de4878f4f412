// der2pem: PEM armor for a DER object, with the label its structure calls for.
#include "classify.h"
#include "cli.h"
#include "der.h"
#include "describe.h"
#include "error.h"
#include "kdf_limits.h"
#include "objects.h"

using namespace keypipe;

int main(int argc, char** argv) {
    Tool tool("der2pem", "Armor DER as PEM, with the label detected from the structure (64-column lines, as openssl).");
    tool.options()
        ("label", po::value<std::string>()->value_name("LABEL"), "use this label instead of the detected one")
        ("passin", po::value<std::string>()->value_name("SRC"), "password of a PKCS#12 (.pfx) input: pass:, env:, file:, fd: or prompt")
        ("allow-costly-kdf", "accept input KDF costs up to 16 times the normal limits");
    tool.examples({"der2pem myCert.cer -o myCert.pem         # openssl x509 -inform der -in myCert.cer -out myCert.pem",
                   "der2pem key.der -o key.pem               # PKCS#8, PKCS#1, SEC1 keys are detected",
                   "pem2der cert.pem | der2pem               # gives back cert.pem",
                   "der2pem -d pem/ *.cer",
                   "der2pem --passin env:PFXPASS site.pfx -o site.pem   # each certificate and the key, as openssl pkcs12 -nodes"});
    tool.output_names({"STEM.pem; for an input of several objects: STEM-1.pem, STEM-2.pem, ..."});
    tool.numbered_outputs();  // one file per object: STEM-1.pem, STEM-2.pem
    tool.classify(why_not_pem_or_der);
    KdfLimits limits;
    tool.validate([&limits](const Args& a) { limits = kdf_limits_from(a); });
    return tool.run(argc, argv, [&tool, &limits](const Args& args, Input& in, Sink& out) {
        const std::vector<Object> objects = read_objects(in.bytes(), tool.passphrase(args, "passin"), limits);
        if (args.has("json"))  // the key of the first object that has one readable
            for (const Object& o : objects)
                if (const auto key = object_public_key(o)) {
                    out.note_key(*key, false);
                    break;
                }
        size_t index = 0;
        for (const Object& o : objects) {
            // With -d, one file per object (stem-1.pem, stem-2.pem, ...), as pem2der --all.
            const std::string suffix = objects.size() > 1 ? "-" + std::to_string(++index) : "";
            if (o.label == "OPENSSH PRIVATE KEY") throw Error(why_not_der(o) + " (use ppk2key to convert it)");
            if (o.from_pem && o.headers.empty()) der::check_block_payload(ByteView(o.body), o.label);
            const std::string label = args.has("label") ? args.str("label") : o.label;
            // Private when either the structure or the label says so: --label must not
            // turn a key into public output (0644 file, or a terminal).
            const auto s = holds_private_key(o) || is_private_label(label) ? Sensitivity::private_key : Sensitivity::public_data;
            // A legacy encrypted PEM keeps its Proc-Type/DEK-Info headers.
            out.put(ByteView(pem::encode_secret(label, ByteView(o.body), o.headers)), s, ".pem", suffix);
        }
    });
}
