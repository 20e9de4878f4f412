#include "describe.h"

#include "cert.h"
#include "der.h"
#include "error.h"
#include "keyio.h"
#include "passphrase.h"

namespace keypipe {

std::optional<PublicKey> object_public_key(const Object& o) {
    try {
        const ByteView body(o.body);
        if (o.label == "CERTIFICATE" || o.label == "X509 CERTIFICATE" || o.label == "TRUSTED CERTIFICATE")
            return cert::read_certificate(body.subspan(0, der::read_element(body).whole.size())).key;
        if (o.label == "PUBLIC KEY") return cert::public_key_from_spki(body);
        if (o.label == "RSA PUBLIC KEY") return cert::public_key_from_pkcs1(body);
        if ((o.label == "PRIVATE KEY" || o.label == "RSA PRIVATE KEY" || o.label == "EC PRIVATE KEY") && o.headers.empty()) {
            NoPassphrase none;
            return read_private_key(body, none).public_key();
        }
    } catch (const Error&) {
    }
    return std::nullopt;
}

}  // namespace keypipe
