#include "keyio.h"

#include "error.h"
#include "formats.h"
#include "fmt_ppk.h"
#include "objects.h"

#include <algorithm>

namespace keypipe {
namespace {

bool starts_with(ByteView input, std::string_view prefix) { return input.as_string().substr(0, prefix.size()) == prefix; }

// Names what an input holds when it holds no private key.
[[noreturn]] void no_private_key(const std::vector<std::string>& labels) {
    auto has = [&](std::string_view l) { return std::find(labels.begin(), labels.end(), l) != labels.end(); };
    if (has("CERTIFICATE") || has("TRUSTED CERTIFICATE")) throw Error("a certificate, not a private key");
    if (has("PUBLIC KEY") || has("RSA PUBLIC KEY")) throw Error("a public key, not a private key");
    if (has("CERTIFICATE REQUEST") || has("NEW CERTIFICATE REQUEST")) throw Error("a certificate request, not a private key");
    if (has("X509 CRL")) throw Error("a certificate revocation list, not a private key");
    throw Error("no private key found");
}

}  // namespace

PrivateKey read_private_key(ByteView input, PassphraseSource& pass, const KdfLimits& limits) {
    ReadContext context{pass, limits};
    for (const KeyFormat& f : key_formats())
        if (f.sniff && f.sniff(input)) return f.read_input(input, context);
    for (std::string_view p : {"ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2-", "ssh-dss ", "---- BEGIN SSH2 PUBLIC KEY"})
        if (starts_with(input, p)) throw Error("an OpenSSH public key, not a private key");
    const std::vector<Object> objects = read_objects(input);
    std::vector<std::string> labels;
    for (const Object& o : objects) {
        if (o.label == "EC PARAMETERS") {
            context.ec_parameters = ByteView(o.body);
        } else if (const KeyFormat* f = format_for_label(o.label)) {
            return f->read_object(o, context);
        } else if (o.label == "DSA PRIVATE KEY") {
            throw Error("unsupported key type: DSA");
        } else if (is_private_label(o.label)) {
            throw Error("unsupported private key block \"" + o.label + "\"");
        }
        labels.push_back(o.label);
    }
    no_private_key(labels);
}

PublicKeyRead read_public_key(ByteView input, PassphraseSource& pass, const KdfLimits& limits) {
    if (ppk::sniff(input)) {
        ppk::PublicPart part = ppk::read_public(input);
        return {std::move(part.key), part.encrypted};
    }
    TrackingPassphrase tracking(pass);
    const PrivateKey key = read_private_key(input, tracking, limits);
    return {key.public_key(), tracking.asked()};
}

}  // namespace keypipe
