#include "keyio.h"

#include "error.h"
#include "fmt_openssh.h"
#include "fmt_pkcs12.h"
#include "fmt_pkcs8.h"
#include "fmt_ppk.h"
#include "objects.h"

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

SecretBytes decrypted_body(const Object& o, PassphraseSource& pass) {
    for (const auto& [k, v] : o.headers)
        if (k == "Proc-Type" && v.find("ENCRYPTED") != std::string::npos) {
            for (const auto& [k2, v2] : o.headers)
                if (k2 == "DEK-Info") return traditional::decrypt_legacy(ByteView(o.body), v2, pass);
            throw Error("encrypted PEM block without DEK-Info header");
        }
    return o.body;
}

}  // namespace

PrivateKey read_private_key(ByteView input, PassphraseSource& pass) {
    if (ppk::sniff(input)) return ppk::read(input, pass);
    if (pkcs12::sniff(input)) return pkcs12::read_private_key(input, pass);
    for (std::string_view p : {"ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2-", "ssh-dss ", "---- BEGIN SSH2 PUBLIC KEY"})
        if (starts_with(input, p)) throw Error("an OpenSSH public key, not a private key");
    const std::vector<Object> objects = read_objects(input);
    ByteView curve;
    std::vector<std::string> labels;
    for (const Object& o : objects) {
        const std::string& l = o.label;
        if (l == "EC PARAMETERS") {
            curve = ByteView(o.body);
        } else if (l == "OPENSSH PRIVATE KEY") {
            return openssh::read_binary(ByteView(o.body), pass);
        } else if (l == "PRIVATE KEY") {
            return pkcs8::read(ByteView(o.body));
        } else if (l == "ENCRYPTED PRIVATE KEY") {
            return pkcs8::read_encrypted(ByteView(o.body), pass);
        } else if (l == "RSA PRIVATE KEY") {
            return traditional::read_pkcs1(ByteView(decrypted_body(o, pass)));
        } else if (l == "EC PRIVATE KEY") {
            return traditional::read_sec1(ByteView(decrypted_body(o, pass)), curve);
        } else if (l == "DSA PRIVATE KEY") {
            throw Error("unsupported key type: DSA");
        } else if (is_private_label(l)) {
            throw Error("unsupported private key block \"" + l + "\"");
        }
        labels.push_back(l);
    }
    no_private_key(labels);
}

PublicKeyRead read_public_key(ByteView input, PassphraseSource& pass) {
    if (ppk::sniff(input)) {
        ppk::PublicPart part = ppk::read_public(input);
        return {std::move(part.key), part.encrypted};
    }
    TrackingPassphrase tracking(pass);
    const PrivateKey key = read_private_key(input, tracking);
    return {key.public_key(), tracking.asked()};
}

}  // namespace keypipe
