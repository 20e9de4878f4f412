#include "cert.h"

#include "der.h"
#include "error.h"
#include "x509.h"

#include <botan/asn1_alt_name.h>
#include <botan/der_enc.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/pkcs10.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/x509_ca.h>
#include <botan/x509_ext.h>
#include <botan/x509_key.h>
#include <botan/x509cert.h>

#ifdef _WIN32
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#endif

#include <cctype>

namespace keypipe::cert {
namespace {

struct Attribute {
    const char* name;
    const char* oid;
};
// Names as OpenSSL's -subj spells them; the first name of an OID is used for display.
constexpr Attribute attributes[] = {
    {"CN", "2.5.4.3"},           {"C", "2.5.4.6"},        {"L", "2.5.4.7"},
    {"ST", "2.5.4.8"},           {"O", "2.5.4.10"},       {"OU", "2.5.4.11"},
    {"emailAddress", "1.2.840.113549.1.9.1"},             {"serialNumber", "2.5.4.5"},
    {"street", "2.5.4.9"},       {"title", "2.5.4.12"},   {"SN", "2.5.4.4"},
    {"GN", "2.5.4.42"},          {"givenName", "2.5.4.42"},
    {"DC", "0.9.2342.19200300.100.1.25"},                  {"UID", "0.9.2342.19200300.100.1.1"},
};
constexpr const char* oid_country = "2.5.4.6";
constexpr const char* oid_email = "1.2.840.113549.1.9.1";

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string trim(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

PublicKey public_key_from_pkcs1(ByteView der) {
    der::Reader r(der, "RSA public key");
    const Botan::BigInt n = r.integer("modulus");
    const Botan::BigInt e = r.integer("publicExponent");
    r.expect_end("RSAPublicKey");
    return make_rsa_public_key(n, e, "RSA public key");
}

PublicKey public_key_from_spki(ByteView spki) {
    der::Reader r(spki, "public key");
    der::Reader alg = r.sequence("algorithm");
    const std::string oid = alg.oid("algorithm");
    const ByteView bits = r.bit_string("subjectPublicKey");
    r.expect_end("SubjectPublicKeyInfo");
    switch (key_family_from_oid(oid)) {
    case KeyFamily::rsa:
        return public_key_from_pkcs1(bits);
    case KeyFamily::ecdsa: {
        const der::Element params = alg.any("curve");
        return make_ec_public_key(key_type_from_ec_parameters(params.whole, "public key"), bits, "public key");
    }
    case KeyFamily::ed25519:
        if (bits.size() != 32) throw Error("public key: Ed25519 key is not 32 bytes");
        return make_public_key(std::make_unique<Botan::Ed25519_PublicKey>(bits.data(), bits.size()), "");
    }
    throw Error("unsupported key algorithm " + oid);
}

Certificate read_certificate(ByteView der) {
    // Read field by field (x509.cpp): Botan's X509_Certificate refuses certificates whose
    // names hold a non-text attribute, and keypipe needs only these fields.
    const x509::Certificate x = x509::read(der);
    Certificate c;
    c.der = x.der;
    c.subject = x.subject.compact;
    c.common_name = x.subject.common_name;
    c.key = public_key_from_spki(ByteView(x.spki));
    return c;
}

std::string thumbprint(ByteView der) {
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    sha1->update(der.data(), der.size());
    return Botan::hex_encode(sha1->final(), true);
}

Subject parse_subject(const std::string& text) {
    const bool slash_form = !text.empty() && text[0] == '/';
    const char sep = slash_form ? '/' : ',';
    std::vector<std::string> parts(1);
    for (size_t i = slash_form ? 1 : 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            parts.back() += text[++i];
        } else if (text[i] == sep) {
            parts.emplace_back();
        } else {
            parts.back() += text[i];
        }
    }
    Subject out;
    for (const auto& raw : parts) {
        const std::string part = trim(raw);
        if (part.empty()) continue;
        const size_t eq = part.find('=');
        if (eq == std::string::npos) throw Error("\"" + part + "\" is not NAME=VALUE");
        const std::string name = trim(part.substr(0, eq)), value = trim(part.substr(eq + 1));
        const Attribute* attr = nullptr;
        for (const auto& a : attributes)
            if (iequals(name, a.name)) attr = &a;
        if (!attr) throw Error("unknown attribute \"" + name + "\" (CN, O, OU, C, L, ST, emailAddress, ...)");
        if (value.empty()) throw Error("" + name + " has an empty value");
        if (std::string(attr->oid) == oid_country &&
            (value.size() != 2 || !std::isalpha(static_cast<unsigned char>(value[0])) || !std::isalpha(static_cast<unsigned char>(value[1]))))
            throw Error("C must be a two-letter country code");
        if (value.size() > 256) throw Error("" + name + " is longer than 256 characters");
        out.emplace_back(attr->oid, value);
    }
    if (out.empty()) throw Error("no attributes");
    return out;
}

std::vector<AltName> parse_san(const std::string& list) {
    std::vector<AltName> out;
    for (size_t start = 0; start <= list.size();) {
        const size_t comma = std::min(list.find(',', start), list.size());
        const std::string entry = list.substr(start, comma - start);
        start = comma + 1;
        if (entry.empty()) continue;
        const size_t colon = entry.find(':');
        const std::string type = colon == std::string::npos ? "" : entry.substr(0, colon);
        const std::string value = colon == std::string::npos ? "" : entry.substr(colon + 1);
        if (value.empty()) throw Error("\"" + entry + "\" is not TYPE:VALUE (DNS:, IP:, email:, URI:)");
        if (iequals(type, "DNS")) out.push_back({"DNS", value});
        else if (iequals(type, "IP")) {
            uint8_t parsed[16];
            if (inet_pton(AF_INET, value.c_str(), parsed) != 1 && inet_pton(AF_INET6, value.c_str(), parsed) != 1)
                throw Error("\"" + value + "\" is not an IPv4 or IPv6 address");
            out.push_back({"IP", value});
        } else if (iequals(type, "email")) out.push_back({"RFC822", value});
        else if (iequals(type, "URI")) out.push_back({"URI", value});
        else throw Error("unknown type \"" + type + "\" (DNS, IP, email, URI)");
    }
    return out;
}

namespace {

// subjectAltName with the GeneralNames encoded here: Botan 2's AlternativeName encodes IPv4
// only, and openssl writes IPv6 entries as 16-byte iPAddress values (RFC 5280 §4.2.1.6).
class SubjectAltNames final : public Botan::Certificate_Extension {
public:
    explicit SubjectAltNames(std::vector<uint8_t> names) : names_(std::move(names)) {}
    Botan::OID oid_of() const override { return Botan::OID("2.5.29.17"); }
    std::string oid_name() const override { return "X509v3.SubjectAlternativeName"; }
    Certificate_Extension* copy() const override { return new SubjectAltNames(names_); }
    void contents_to(Botan::Data_Store&, Botan::Data_Store&) const override {}
    std::vector<uint8_t> encode_inner() const override {
        std::vector<uint8_t> out;
        Botan::DER_Encoder(out).start_cons(Botan::SEQUENCE).raw_bytes(names_).end_cons();
        return out;
    }
    void decode_inner(const std::vector<uint8_t>&) override {}

private:
    std::vector<uint8_t> names_;  // the GeneralName elements, without the SEQUENCE around them
};

// The entries come from parse_san, checked and with Botan's type names.
std::unique_ptr<SubjectAltNames> san_extension(const std::vector<AltName>& entries) {
    std::vector<uint8_t> names;
    Botan::DER_Encoder enc(names);
    for (const AltName& entry : entries) {
        auto add = [&](int tag, const uint8_t* data, size_t size) {
            enc.add_object(static_cast<Botan::ASN1_Tag>(tag), Botan::CONTEXT_SPECIFIC, data, size);
        };
        auto add_text = [&](int tag) { add(tag, reinterpret_cast<const uint8_t*>(entry.value.data()), entry.value.size()); };
        if (entry.type == "DNS") add_text(2);
        else if (entry.type == "RFC822") add_text(1);
        else if (entry.type == "URI") add_text(6);
        else {
            uint8_t address[16];
            if (inet_pton(AF_INET, entry.value.c_str(), address) == 1) add(7, address, 4);
            else if (inet_pton(AF_INET6, entry.value.c_str(), address) == 1) add(7, address, 16);
            else throw Error("\"" + entry.value + "\" is not an IPv4 or IPv6 address");
        }
    }
    return std::make_unique<SubjectAltNames>(std::move(names));
}

Botan::X509_DN dn_of(const Subject& subject) {
    Botan::X509_DN dn;
    for (const auto& [oid, value] : subject) {
        if (oid == oid_email)
            dn.add_attribute(Botan::OID(oid), Botan::ASN1_String(value, Botan::IA5_STRING));
        else
            dn.add_attribute(Botan::OID(oid), value);
    }
    return dn;
}

}  // namespace

Bytes make_self_signed(const PrivateKey& key, const SelfSignOptions& options, Botan::RandomNumberGenerator& rng) {
    const Botan::X509_DN dn = dn_of(options.subject);
    const std::vector<uint8_t> public_bits = key.key->public_key_bits();
    Botan::Extensions extensions;
    auto skid = std::make_unique<Botan::Cert_Extension::Subject_Key_ID>(public_bits, "SHA-1");
    const std::vector<uint8_t> key_id = skid->get_key_id();
    extensions.add(skid.release(), false);
    extensions.add(new Botan::Cert_Extension::Authority_Key_ID(key_id), false);
    extensions.add(new Botan::Cert_Extension::Basic_Constraints(true, Botan::Cert_Extension::NO_CERT_PATH_LIMIT), true);
    if (!options.san.empty()) extensions.add(san_extension(options.san).release(), false);
    Botan::AlgorithmIdentifier sig_algo;
    auto signer = Botan::X509_Object::choose_sig_format(sig_algo, *key.key, rng, "SHA-256", "");
    const Botan::BigInt serial(rng, 128);
    const auto not_after = options.not_before + std::chrono::hours(24) * options.days;
    const std::vector<uint8_t> spki = Botan::X509::BER_encode(*key.key);
    const Botan::X509_Certificate cert = Botan::X509_CA::make_cert(
        signer.get(), rng, serial, sig_algo, spki, Botan::X509_Time(options.not_before), Botan::X509_Time(not_after), dn, dn, extensions);
    return cert.BER_encode();
}

Bytes make_request(const PrivateKey& key, const SelfSignOptions& options, Botan::RandomNumberGenerator& rng) {
    Botan::Extensions extensions;
    if (!options.san.empty()) extensions.add(san_extension(options.san).release(), false);
    const std::string hash = key.type == KeyType::ed25519 ? "Pure" : "SHA-256";
    return Botan::PKCS10_Request::create(*key.key, dn_of(options.subject), extensions, hash, rng).BER_encode();
}

}  // namespace keypipe::cert
