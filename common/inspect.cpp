// Describing an input without a passphrase (keyinfo). Reads only what each format keeps
// in the clear:
// - openssh-key-v1: cipher, KDF, bcrypt rounds and the public key are in the header
//   (formats.md §4.2); the comment is inside the encrypted part, so it is shown only for an
//   unencrypted key, as ssh-keygen -l does.
// - PPK: the header lines and the public blob (§5.1), as puttygen -l reads them.
// - PKCS#8 EncryptedPrivateKeyInfo: the PBES2/PBES1 parameters (§2.5).
// - Legacy PEM: the DEK-Info header (§1.4).
#include "inspect.h"

#include "cert.h"
#include "cursor.h"
#include "der.h"
#include "error.h"
#include "fmt_openssh.h"
#include "fmt_pkcs8.h"
#include "fmt_pkcs12.h"
#include "fmt_traditional.h"
#include "fmt_ppk.h"
#include "fmt_sshpub.h"
#include "objects.h"
#include "passphrase.h"
#include "ssh.h"
#include "text.h"

#include <botan/base64.h>
#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/oids.h>

namespace keypipe::inspect {
namespace {

constexpr std::string_view openssh_magic{"openssh-key-v1\0", 15};

// Runs f for a key that should be readable; an Error becomes the item's key_problem.
template <typename F>
void with_key(Item& item, F&& f) {
    try {
        item.key = f();
    } catch (const Error& e) {
        item.key_problem = e.what();
    }
}

void describe_ppk(ByteView input, std::vector<Item>& out) {
    Item item{"private key", "PPK", "text"};
    const ppk::PublicPart part = ppk::read_public(input);
    item.key = part.key;
    item.comment = part.key.comment;
    item.encrypted = part.encrypted;
    std::string version, encryption, kdf, memory, passes, lanes;
    const std::string_view text = input.as_string();
    for (size_t pos = 0; pos < text.size();) {
        const size_t nl = std::min(text.find('\n', pos), text.size());
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const size_t colon = line.find(": ");
        if (colon == std::string_view::npos) continue;
        const std::string_view name = line.substr(0, colon);
        const std::string value(line.substr(colon + 2));
        if (name.substr(0, 20) == "PuTTY-User-Key-File-") version = std::string(name.substr(20));
        else if (name == "Encryption") encryption = value;
        else if (name == "Key-Derivation") kdf = value;
        else if (name == "Argon2-Memory") memory = value;
        else if (name == "Argon2-Passes") passes = value;
        else if (name == "Argon2-Parallelism") lanes = value;
        else if (name == "Private-Lines") break;  // nothing about encryption follows
    }
    item.format = "PPK v" + version;
    if (item.encrypted) {
        item.encryption = encryption + ", " +
                          (kdf.empty() ? "SHA-1 key derivation (PPK v2)"
                                       : kdf + " " + memory + " KiB " + passes + " passes " + lanes + (lanes == "1" ? " lane" : " lanes"));
    }
    out.push_back(std::move(item));
}

void describe_openssh(ByteView blob, Item& item) {
    Cursor c(blob, "OpenSSH private key");
    c.expect_magic(ByteView(openssh_magic), "magic");
    const std::string cipher = c.name("cipher name");
    const std::string kdf = c.name("kdf name");
    Cursor options = c.sub("kdf options");
    if (c.u32("key count") != 1) c.fail("key count", "not 1");
    with_key(item, [&] { return ssh::parse_public_blob(c.string("public key")); });
    item.encrypted = cipher != "none";
    if (item.encrypted) {
        item.encryption = cipher;
        if (kdf == "bcrypt") {
            options.string("salt");
            item.encryption += ", bcrypt " + std::to_string(options.u32("rounds")) + " rounds";
        } else {
            item.encryption += ", " + kdf;
        }
    } else {
        NoPassphrase none;  // the comment is in the private section, readable only when clear
        with_key(item, [&] {
            const PrivateKey key = openssh::read_binary(blob, none);
            item.comment = key.comment;
            return key.public_key();
        });
    }
}

std::string oid_name(const Botan::OID& oid) {
    static const std::pair<const char*, const char*> names[] = {
        {"1.2.840.113549.2.7", "HMAC-SHA1"},          {"1.2.840.113549.2.8", "HMAC-SHA224"},
        {"1.2.840.113549.2.9", "HMAC-SHA256"},        {"1.2.840.113549.2.10", "HMAC-SHA384"},
        {"1.2.840.113549.2.11", "HMAC-SHA512"},       {"1.2.840.113549.2.12", "HMAC-SHA512-224"},
        {"1.2.840.113549.2.13", "HMAC-SHA512-256"},   {"1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC"},
        {"1.2.840.113549.1.12.1.6", "pbeWithSHAAnd40BitRC2-CBC"}, {"1.2.840.113549.1.12.1.5", "pbeWithSHAAnd128BitRC2-CBC"},
        {"1.2.840.113549.1.12.1.1", "pbeWithSHAAnd128BitRC4"},    {"1.2.840.113549.1.12.1.2", "pbeWithSHAAnd40BitRC4"},
        {"1.2.840.113549.1.12.1.4", "pbeWithSHAAnd2-KeyTripleDES-CBC"}, {"1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"},
        {"1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC"},
    };
    const std::string dotted = oid.to_string();
    for (const auto& [o, n] : names)
        if (dotted == o) return n;
    const std::string botan = Botan::OIDS::oid2str_or_empty(oid);
    return botan.empty() ? dotted : botan;
}

// "AES-256/CBC, PBKDF2-HMAC-SHA256 2048 iterations" from the inside of a PBES2, PBES1 or
// PKCS#12 PBE AlgorithmIdentifier.
std::string encryption_of(Botan::BER_Decoder& alg) {
    Botan::OID scheme;
    alg.decode(scheme);
    if (scheme.to_string() != "1.2.840.113549.1.5.13") {  // PBES1 / PKCS#12 PBE: { salt, iterations }
        Botan::BER_Decoder params = alg.start_cons(Botan::SEQUENCE);
        std::vector<uint8_t> salt;
        size_t iterations = 0;
        params.decode(salt, Botan::OCTET_STRING).decode(iterations);
        return oid_name(scheme) + ", " + std::to_string(iterations) + " iterations";
    }
    Botan::BER_Decoder pbes2 = alg.start_cons(Botan::SEQUENCE);
    Botan::BER_Decoder kdf = pbes2.start_cons(Botan::SEQUENCE);
    Botan::OID kdf_oid;
    kdf.decode(kdf_oid);
    std::string kdf_text;
    if (kdf_oid.to_string() == "1.2.840.113549.1.5.12") {
        Botan::BER_Decoder p = kdf.start_cons(Botan::SEQUENCE);
        std::vector<uint8_t> salt;
        size_t iterations = 0;
        p.decode(salt, Botan::OCTET_STRING).decode(iterations);
        std::string prf = "HMAC-SHA1";  // the DEFAULT when the field is omitted
        while (p.more_items()) {
            const Botan::BER_Object o = p.get_next_object();
            if (o.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) {
                Botan::BER_Decoder prf_alg(o.bits(), o.length());
                Botan::OID prf_oid;
                prf_alg.decode(prf_oid);
                prf = oid_name(prf_oid);
            }
        }
        kdf_text = "PBKDF2-" + prf + " " + std::to_string(iterations) + " iterations";
    } else if (kdf_oid.to_string() == "1.3.6.1.4.1.11591.4.11") {
        Botan::BER_Decoder p = kdf.start_cons(Botan::SEQUENCE);
        std::vector<uint8_t> salt;
        size_t n = 0, r = 0, parallel = 0;
        p.decode(salt, Botan::OCTET_STRING).decode(n).decode(r).decode(parallel);
        kdf_text = "scrypt N=" + std::to_string(n) + " r=" + std::to_string(r) + " p=" + std::to_string(parallel);
    } else {
        kdf_text = oid_name(kdf_oid);
    }
    Botan::BER_Decoder cipher = pbes2.start_cons(Botan::SEQUENCE);
    Botan::OID cipher_oid;
    cipher.decode(cipher_oid);
    return oid_name(cipher_oid) + ", " + kdf_text;
}

// The encryption of an EncryptedPrivateKeyInfo.
std::string pkcs8_encryption(ByteView der) {
    return translate_errors("not a valid encrypted PKCS#8 key", [&] {
        Botan::BER_Decoder top(der.data(), der.size());
        Botan::BER_Decoder epki = top.start_cons(Botan::SEQUENCE);
        Botan::BER_Decoder alg = epki.start_cons(Botan::SEQUENCE);
        return encryption_of(alg);
    });
}

std::string legacy_encryption(const Object& o) {
    for (const auto& [name, value] : o.headers)
        if (name == "DEK-Info") return value.substr(0, value.find(',')) + ", MD5 key derivation (OpenSSL legacy PEM)";
    return "legacy PEM encryption";
}

bool is_legacy_encrypted(const Object& o) {
    for (const auto& [name, value] : o.headers)
        if (name == "Proc-Type" && value.find("ENCRYPTED") != std::string::npos) return true;
    return false;
}

// True when an EC key's curve is given as explicit parameters (a SEQUENCE) instead of a
// curve OID: in the AlgorithmIdentifier of an SPKI (`algid_index` 0) or PKCS#8 (1), or in
// the [0] of a SEC1 key (`algid_index` < 0). Such files read as the named curve they equal,
// but puttygen and some other peers refuse them, which is worth telling. Never throws.
bool has_explicit_ec_parameters(ByteView der, int algid_index) {
    try {
        const auto kids = der::children(der::read_element(der));
        if (algid_index < 0) {
            for (const der::Element& k : kids)
                if (k.tag == der::tag_context(0)) {
                    const auto params = der::children(k);
                    return params.size() == 1 && params[0].tag == der::tag_sequence;
                }
            return false;
        }
        if (kids.size() <= static_cast<size_t>(algid_index)) return false;
        const auto alg = der::children(kids[static_cast<size_t>(algid_index)]);
        return alg.size() == 2 && alg[0].tag == der::tag_oid && alg[1].tag == der::tag_sequence &&
               key_family_from_oid(der::oid_string(alg[0].value)) == KeyFamily::ecdsa;
    } catch (const Error&) {
        return false;
    }
}

void note_explicit_ec_parameters(Item& item, ByteView der, int algid_index) {
    if (has_explicit_ec_parameters(der, algid_index))
        item.detail += std::string(item.detail.empty() ? "" : ", ") + "explicit curve parameters";
}

void add_certificate(ByteView der, const std::string& format, const std::string& encoding, std::vector<Item>& out) {
    Item item{"certificate", format, encoding};
    item.certificate = x509::read(der, x509::Check::self_signature);
    item.comment = item.certificate->subject.common_name;
    if (item.format.empty()) item.format = "X.509 v" + std::to_string(item.certificate->version);
    with_key(item, [&] { return cert::public_key_from_spki(ByteView(item.certificate->spki)); });
    note_explicit_ec_parameters(item, ByteView(item.certificate->spki), 0);
    out.push_back(std::move(item));
}

void describe_object(const Object& o, ByteView curve, std::vector<Item>& out) {
    const std::string encoding = o.from_pem ? "PEM" : "DER";
    const ByteView body(o.body);
    const std::string& l = o.label;
    Item item{"", "", encoding};
    if (l == "CERTIFICATE" || l == "X509 CERTIFICATE" || l == "TRUSTED CERTIFICATE") {
        // A TRUSTED CERTIFICATE is the certificate, then OpenSSL's trust data.
        add_certificate(body.subspan(0, der::read_element(body).whole.size()), "", encoding, out);
        if (l == "TRUSTED CERTIFICATE") out.back().format += " with OpenSSL trust data";
        return;
    }
    if (l == "PKCS7") {
        const std::vector<Bytes> certs = x509::pkcs7_certificates(body);
        item.kind = "PKCS#7";
        item.format = "SignedData";
        item.detail = std::to_string(certs.size()) + (certs.size() == 1 ? " certificate" : " certificates");
        out.push_back(std::move(item));
        for (const Bytes& c : certs) add_certificate(ByteView(c), "", "in PKCS#7", out);
        return;
    }
    if (l == "PUBLIC KEY" || l == "RSA PUBLIC KEY") {
        item.kind = "public key";
        item.format = l == "PUBLIC KEY" ? "SPKI" : "PKCS#1";
        with_key(item, [&] { return l == "PUBLIC KEY" ? cert::public_key_from_spki(body) : cert::public_key_from_pkcs1(body); });
        if (l == "PUBLIC KEY") note_explicit_ec_parameters(item, body, 0);
    } else if (l == "CERTIFICATE REQUEST" || l == "NEW CERTIFICATE REQUEST") {
        item.kind = "certificate request";
        item.format = "PKCS#10";
        const x509::Request r = x509::read_request(body);
        item.request_subject = r.subject;
        item.comment = r.subject.common_name;
        with_key(item, [&] { return cert::public_key_from_spki(ByteView(r.spki)); });
    } else if (l == "X509 CRL") {
        item.kind = "CRL";
        item.format = "X.509 CRL";
    } else if (l == "EC PARAMETERS") {
        item.kind = "EC parameters";
        item.format = !body.empty() && body[0] == der::tag_oid ? "named curve" : "explicit parameters";
        try {
            item.detail = "curve " + std::string(key_type_info(key_type_from_ec_parameters(body, "EC PARAMETERS")).curve);
        } catch (const Error& e) {
            item.key_problem = e.what();
        }
    } else if (l == "OPENSSH PRIVATE KEY") {
        item.kind = "private key";
        item.format = "OpenSSH";
        describe_openssh(body, item);
    } else if (l == "ENCRYPTED PRIVATE KEY") {
        item.kind = "private key";
        item.format = "PKCS#8";
        item.encrypted = true;
        item.encryption = pkcs8_encryption(body);
    } else if (l == "PRIVATE KEY" || l == "RSA PRIVATE KEY" || l == "EC PRIVATE KEY") {
        item.kind = "private key";
        item.format = l == "PRIVATE KEY" ? "PKCS#8" : l == "RSA PRIVATE KEY" ? "PKCS#1" : "SEC1";
        if (is_legacy_encrypted(o)) {
            item.encrypted = true;
            item.encryption = legacy_encryption(o);
        } else {
            if (l != "RSA PRIVATE KEY") note_explicit_ec_parameters(item, body, l == "PRIVATE KEY" ? 1 : -1);
            with_key(item, [&] {
                if (l == "PRIVATE KEY") return pkcs8::read(body).public_key();
                if (l == "RSA PRIVATE KEY") return traditional::read_pkcs1(body).public_key();
                return traditional::read_sec1(body, curve).public_key();
            });
        }
    } else if (l == "DSA PRIVATE KEY") {
        item.kind = "private key";
        item.format = "DSA";
        item.key_problem = "unsupported key type: DSA";
    } else {
        item.kind = l;
        item.format = "unknown";
    }
    out.push_back(std::move(item));
}

// PKCS#12 PFX (RFC 7292): SEQUENCE { INTEGER 3, ContentInfo, ... }. Never throws.
bool is_pkcs12(ByteView input) {
    try {
        Botan::BER_Decoder top(input.data(), input.size());
        Botan::BER_Decoder pfx = top.start_cons(Botan::SEQUENCE);
        size_t version = 0;
        pfx.decode(version);
        Botan::BER_Decoder content = pfx.start_cons(Botan::SEQUENCE);
        Botan::OID type;
        content.decode(type);
        return version == 3 && type.to_string().rfind("1.2.840.113549.1.7.", 0) == 0;
    } catch (const std::exception&) {
        return false;
    }
}

// "AES-256/CBC, PBKDF2-HMAC-SHA256 2048 iterations" for an AlgorithmIdentifier's DER.
std::string algorithm_encryption(ByteView algorithm) {
    Botan::BER_Decoder top(algorithm.data(), algorithm.size());
    Botan::BER_Decoder alg = top.start_cons(Botan::SEQUENCE);
    return encryption_of(alg);
}

// A PFX described without its password (keyinfo never asks for one): the PFX item first,
// then the certificates and keys that are stored in the clear (pkcs12::outline).
void describe_pkcs12(ByteView input, const std::string& encoding, std::vector<Item>& out) {
    Item pfx{"PKCS#12", "PFX", encoding};
    std::vector<Item> visible;
    translate_errors("not a valid PKCS#12 file", [&] {
        const pkcs12::Outline outline = pkcs12::outline(input);
        pfx.detail = outline.detail;
        pfx.mac = outline.mac;
        for (const auto& part : outline.parts) {
            const std::string encryption = part.algorithm.empty() ? "" : algorithm_encryption(ByteView(part.algorithm));
            if (!encryption.empty()) {
                pfx.encrypted = true;
                if (pfx.encryption.find(encryption) == std::string::npos)
                    pfx.encryption += (pfx.encryption.empty() ? "" : "; ") + encryption;
            }
            pfx.parts.push_back({part.content, encryption});
        }
        for (const pkcs12::Entry& e : outline.clear) {
            if (e.kind == pkcs12::Entry::Kind::certificate) {
                add_certificate(ByteView(e.der), "", "in PKCS#12", visible);
            } else {
                Item key{"private key", "PKCS#8 key bag", "in PKCS#12"};
                with_key(key, [&] { return pkcs8::read(ByteView(e.der)).public_key(); });
                visible.push_back(std::move(key));
            }
        }
    });
    out.push_back(std::move(pfx));
    for (Item& i : visible) out.push_back(std::move(i));
}

}  // namespace

std::vector<Item> describe_without_bom(ByteView input);

std::vector<Item> describe(ByteView input) {
    if (const std::optional<SecretBytes> decoded = text::decode_bom(input)) return describe_without_bom(ByteView(*decoded));
    return describe_without_bom(input);
}

std::vector<Item> describe_without_bom(ByteView input) {
    std::vector<Item> out;
    if (ppk::sniff(input)) {
        describe_ppk(input, out);
        return out;
    }
    if (sshpub::sniff(input)) {
        for (sshpub::Entry& e : sshpub::read(input)) {
            Item item{"public key", e.format, "text"};
            item.comment = e.key.comment;
            item.options = e.prefix;
            item.detail = e.marker;
            item.key = std::move(e.key);
            out.push_back(std::move(item));
        }
        return out;
    }
    if (!input.empty() && input[0] == 0x30 && is_pkcs12(input)) {
        describe_pkcs12(input, "DER", out);
        return out;
    }
    if (pkcs12::sniff(input)) {  // base64, as Azure's APIs return a PFX
        const auto der = translate_errors("not a valid base64 PKCS#12 file",
                                          [&] { return Botan::base64_decode(std::string(input.as_string())); });
        if (is_pkcs12(ByteView(der))) {
            describe_pkcs12(ByteView(der), "base64", out);
            return out;
        }
    }
    const std::vector<Object> objects = read_objects(input);
    ByteView curve;
    for (const Object& o : objects) {
        if (o.label == "EC PARAMETERS") curve = ByteView(o.body);
        describe_object(o, curve, out);
    }
    return out;
}

}  // namespace keypipe::inspect
