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
    tool.validate([](const Args& a) {
        if (a.has("allow-costly-kdf")) relax_kdf_limits();
    });
    return tool.run(argc, argv, [&tool](const Args& args, Input& in, Sink& out) {
        const std::vector<Object> objects = read_objects(in.bytes(), tool.passphrase(args, "passin"));
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
            if (o.label == "OPENSSH PRIVATE KEY") throw Error(why_not_der(o));
            if (o.from_pem && o.headers.empty()) der::check_block_payload(ByteView(o.body), o.label);
            const std::string label = args.has("label") ? args.str("label") : o.label;
            // Private when either the structure or the label says so: --label must not
            // turn a key into public output (0644 file, or a terminal).
            const auto s = holds_private_key(o) || is_private_label(label) ? Sensitivity::private_key : Sensitivity::public_data;
            if (o.headers.empty()) {
                out.put(ByteView(pem::encode_secret(label, ByteView(o.body))), s, ".pem", suffix);
            } else {  // legacy encrypted PEM: keep Proc-Type/DEK-Info and the empty line after them
                SecretBytes armored = pem::encode_secret(label, ByteView(o.body));
                std::string headers;
                for (const auto& [k, v] : o.headers) headers += k + ": " + v + "\n";
                headers += "\n";
                const size_t after_begin = std::find(armored.begin(), armored.end(), '\n') - armored.begin() + 1;
                armored.insert(armored.begin() + static_cast<long>(after_begin), headers.begin(), headers.end());
                out.put(ByteView(armored), s, ".pem", suffix);
            }
        }
    });
}
