#include "describe.h"

#include "der.h"
#include "error.h"
#include "keyio.h"
#include "passphrase.h"

namespace keypipe {

std::optional<cert::Certificate> object_certificate(const Object& o) {
    if (o.label != "CERTIFICATE" && o.label != "X509 CERTIFICATE" && o.label != "TRUSTED CERTIFICATE") return std::nullopt;
    const ByteView body(o.body);
    return cert::read_certificate(body.subspan(0, der::read_element(body).whole.size()));
}

std::optional<PublicKey> object_bare_public_key(const Object& o) {
    if (o.label == "PUBLIC KEY") return cert::public_key_from_spki(ByteView(o.body));
    if (o.label == "RSA PUBLIC KEY") return cert::public_key_from_pkcs1(ByteView(o.body));
    return std::nullopt;
}

std::optional<PublicKey> object_public_key(const Object& o) {
    try {
        if (auto certificate = object_certificate(o)) return certificate->key;
        if (auto key = object_bare_public_key(o)) return key;
        if ((o.label == "PRIVATE KEY" || o.label == "RSA PRIVATE KEY" || o.label == "EC PRIVATE KEY") && o.headers.empty()) {
            NoPassphrase none;
            return read_private_key(ByteView(o.body), none).public_key();
        }
    } catch (const Error&) {
    }
    return std::nullopt;
}

}  // namespace keypipe
