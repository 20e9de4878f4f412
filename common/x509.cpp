// X.509 certificates read field by field with Botan's BER_Decoder (formats.md §2.7; RFC 5280
// §4.1): version, serial, issuer, validity, subject, SubjectPublicKeyInfo and the
// subjectAltName extension; other extensions and unique identifiers are skipped. Names are
// printed as OpenSSL 3.0 prints them with -nameopt oneline (values with RFC 2253 specials
// quoted, control characters as \XX, non-string values as #HEX of their DER), except that
// UTF-8 is kept rather than escaped byte by byte.
#include "x509.h"

#include "error.h"

#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/hex.h>
#include <botan/oids.h>
#include <botan/pubkey.h>
#include <botan/x509_key.h>

#ifdef _WIN32
#include <ws2tcpip.h>  // inet_ntop
#else
#include <arpa/inet.h>
#endif

#include <cstdio>
#include <cstring>
#include <optional>

namespace keypipe::x509 {
namespace {

using Botan::ASN1_Tag;
using Botan::BER_Object;

// A structure problem, named by reading() after the object being read.
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};
[[noreturn]] void invalid(const std::string& why) { throw Malformed(why); }

// Runs f; Botan's decoding errors become Error(what), ours Error("what: why").
template <typename F>
auto reading(const std::string& what, F&& f) -> decltype(f()) {
    return translate_errors(what, [&] {
        try {
            return f();
        } catch (const Malformed& m) {
            throw Error(what + ": " + m.what());
        }
    });
}

// The DER of an element read by BER_Decoder (its header re-encoded; identical for DER input).
Bytes der_of(const BER_Object& o) {
    Bytes out;
    Botan::DER_Encoder(out).add_object(o.type(), o.get_class(), o.bits(), o.length());
    return out;
}

bool is(const BER_Object& o, int tag, ASN1_Tag cls = Botan::UNIVERSAL) { return o.is_a(tag, cls); }
bool is_sequence(const BER_Object& o) { return is(o, Botan::SEQUENCE, Botan::CONSTRUCTED); }

BER_Object expect_sequence(Botan::BER_Decoder& d, const char* field) {
    BER_Object o = d.get_next_object();
    if (!is_sequence(o)) invalid(std::string(field) + " is not a SEQUENCE");
    return o;
}

std::string oid_string(const Bytes& der) {
    Botan::OID oid;
    Botan::BER_Decoder(der).decode(oid);
    return oid.to_string();
}

std::string oid_of(const BER_Object& o, const char* field) {
    if (!is(o, Botan::OBJECT_ID)) invalid(std::string(field) + " is not an OID");
    return oid_string(der_of(o));
}

struct AttributeName {
    const char* oid;
    const char* name;  // OpenSSL's short name
};
constexpr AttributeName attribute_names[] = {
    {"2.5.4.3", "CN"}, {"2.5.4.4", "SN"}, {"2.5.4.5", "serialNumber"}, {"2.5.4.6", "C"}, {"2.5.4.7", "L"},
    {"2.5.4.8", "ST"}, {"2.5.4.9", "street"}, {"2.5.4.10", "O"}, {"2.5.4.11", "OU"}, {"2.5.4.12", "title"},
    {"2.5.4.13", "description"}, {"2.5.4.15", "businessCategory"}, {"2.5.4.17", "postalCode"}, {"2.5.4.41", "name"},
    {"2.5.4.42", "GN"}, {"2.5.4.43", "initials"}, {"2.5.4.44", "generationQualifier"},
    {"2.5.4.45", "x500UniqueIdentifier"}, {"2.5.4.46", "dnQualifier"}, {"2.5.4.65", "pseudonym"},
    {"2.5.4.97", "organizationIdentifier"}, {"1.2.840.113549.1.9.1", "emailAddress"},
    {"0.9.2342.19200300.100.1.25", "DC"}, {"0.9.2342.19200300.100.1.1", "UID"},
    {"1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"}, {"1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"},
    {"1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"},
};
constexpr const char* oid_cn = "2.5.4.3";

std::string attribute_name(const std::string& oid) {
    for (const auto& a : attribute_names)
        if (oid == a.oid) return a.name;
    return oid;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp <= 0x10ffff) {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += "\xef\xbf\xbd";  // U+FFFD
    }
}

// A directory string as UTF-8, or nullopt for a value that is not a string type.
std::optional<std::string> string_value(const BER_Object& o) {
    if (o.get_class() != Botan::UNIVERSAL) return std::nullopt;
    const ByteView v(o.bits(), o.length());
    std::string out;
    switch (static_cast<int>(o.type())) {
    case Botan::UTF8_STRING: case Botan::PRINTABLE_STRING: case Botan::IA5_STRING: case Botan::NUMERIC_STRING:
    case Botan::VISIBLE_STRING:
        return std::string(v.as_string());
    case Botan::T61_STRING:  // in practice Latin-1, as OpenSSL treats it
        for (uint8_t c : v) append_utf8(out, c);
        return out;
    case Botan::BMP_STRING:  // UTF-16BE (UCS-2)
        if (v.size() % 2) return std::nullopt;
        for (size_t i = 0; i < v.size(); i += 2) append_utf8(out, static_cast<uint32_t>(v[i] << 8 | v[i + 1]));
        return out;
    case Botan::UNIVERSAL_STRING:  // UCS-4BE
        if (v.size() % 4) return std::nullopt;
        for (size_t i = 0; i < v.size(); i += 4)
            append_utf8(out, static_cast<uint32_t>(v[i]) << 24 | static_cast<uint32_t>(v[i + 1]) << 16 |
                                 static_cast<uint32_t>(v[i + 2]) << 8 | v[i + 3]);
        return out;
    default:
        return std::nullopt;
    }
}

// A value as OpenSSL's oneline format prints it: in double quotes when it holds an RFC 2253
// special or starts with '#' or a blank or ends with a blank; '"' and '\' escaped inside
// quotes; control characters as \XX.
std::string display_value(const std::string& v) {
    const bool quote = v.find_first_of(",+\"\\<>;") != std::string::npos ||
                       (!v.empty() && (v.front() == '#' || v.front() == ' ' || v.back() == ' '));
    std::string out = quote ? "\"" : "";
    for (char ch : v) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
            char hex[4];
            std::snprintf(hex, sizeof hex, "\\%02X", c);
            out += hex;
        } else {
            if (quote && (c == '"' || c == '\\')) out += '\\';
            out += ch;
        }
    }
    return quote ? out + "\"" : out;
}

Name read_name(const BER_Object& seq, const char* field) {
    if (!is_sequence(seq)) invalid(std::string(field) + " is not a Name");
    Name name;
    name.der = der_of(seq);
    Botan::BER_Decoder rdns(seq.bits(), seq.length());
    size_t count = 0;
    while (rdns.more_items()) {
        const BER_Object set = rdns.get_next_object();
        if (!is(set, Botan::SET, Botan::CONSTRUCTED)) invalid(std::string(field) + " has an RDN that is not a SET");
        Botan::BER_Decoder avas(set.bits(), set.length());
        bool first_in_rdn = true;
        while (avas.more_items()) {
            if (++count > max_name_attributes)
                invalid(std::string(field) + " has more than " + std::to_string(max_name_attributes) + " attributes");
            const BER_Object ava = avas.get_next_object();
            if (!is_sequence(ava)) invalid(std::string(field) + " has an attribute that is not a SEQUENCE");
            Botan::BER_Decoder d(ava.bits(), ava.length());
            const std::string oid = oid_of(d.get_next_object(), "attribute type");
            const BER_Object value = d.get_next_object();
            d.verify_end();
            const std::optional<std::string> text = string_value(value);
            if (!name.text.empty()) name.text += first_in_rdn ? ", " : " + ";
            const std::string shown = text ? *text : "#" + Botan::hex_encode(der_of(value));
            name.text += attribute_name(oid) + " = " + (text ? display_value(*text) : shown);
            name.compact += (name.compact.empty() ? "" : ",") + attribute_name(oid) + "=" + shown;
            if (oid == oid_cn && text && name.common_name.empty()) name.common_name = *text;
            first_in_rdn = false;
        }
    }
    return name;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {  // H. Hinnant's algorithm
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// UTCTime YYMMDDHHMMSSZ (1950-2049) or GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280 §4.1.2.5).
int64_t read_time(const BER_Object& o, const char* field) {
    const bool utc = is(o, Botan::UTC_TIME), general = is(o, Botan::GENERALIZED_TIME);
    const std::string_view s(reinterpret_cast<const char*>(o.bits()), o.length());
    const size_t digits = utc ? 12 : 14;
    if ((!utc && !general) || s.size() != digits + 1 || s.back() != 'Z' ||
        s.substr(0, digits).find_first_not_of("0123456789") != std::string_view::npos)
        invalid(std::string(field) + " is not a UTCTime or GeneralizedTime in UTC");
    auto num = [&](size_t pos, size_t len) { return std::stoi(std::string(s.substr(pos, len))); };
    int year = utc ? num(0, 2) : num(0, 4);
    if (utc) year += year < 50 ? 2000 : 1900;
    const size_t p = utc ? 2 : 4;
    const int month = num(p, 2), day = num(p + 2, 2), hour = num(p + 4, 2), minute = num(p + 6, 2), second = num(p + 8, 2);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        invalid(std::string(field) + " is not a valid date");
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hour * 3600 +
           minute * 60 + second;
}

std::string read_serial(const BER_Object& o) {
    if (!is(o, Botan::INTEGER) || o.length() == 0) invalid("serialNumber is not an INTEGER");
    Bytes v(o.bits(), o.bits() + o.length());
    const bool negative = v[0] & 0x80;
    if (negative) {  // two's complement magnitude, as OpenSSL prints "-..."
        bool carry = true;
        for (size_t i = v.size(); i-- > 0;) {
            v[i] = static_cast<uint8_t>(~v[i]);
            if (carry) carry = ++v[i] == 0;
        }
    }
    size_t skip = 0;
    while (skip + 1 < v.size() && v[skip] == 0) ++skip;
    return (negative ? "-" : "") + Botan::hex_encode(v.data() + skip, v.size() - skip, true);
}

std::string ip_text(ByteView v) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (v.size() == 4 && inet_ntop(AF_INET, v.data(), buf, sizeof buf)) return buf;
    if (v.size() == 16 && inet_ntop(AF_INET6, v.data(), buf, sizeof buf)) return buf;
    return "<invalid " + std::to_string(v.size()) + "-byte address>";
}

// GeneralNames (RFC 5280 §4.2.1.6) in the spelling of OpenSSL's subjectAltName config.
std::vector<std::string> read_san(ByteView der) {
    std::vector<std::string> out;
    Botan::BER_Decoder outer(der.data(), der.size());
    const BER_Object names = expect_sequence(outer, "subjectAltName");
    outer.verify_end();
    Botan::BER_Decoder d(names.bits(), names.length());
    while (d.more_items()) {
        if (out.size() == max_san_entries) invalid("more than " + std::to_string(max_san_entries) + " subjectAltName entries");
        const BER_Object n = d.get_next_object();
        const std::string text(reinterpret_cast<const char*>(n.bits()), n.length());
        const int tag = static_cast<int>(n.type());
        if (n.get_class() == Botan::CONTEXT_SPECIFIC) {
            if (tag == 1) out.push_back("email:" + text);
            else if (tag == 2) out.push_back("DNS:" + text);
            else if (tag == 6) out.push_back("URI:" + text);
            else if (tag == 7) out.push_back("IP:" + ip_text(ByteView(n.bits(), n.length())));
            else if (tag == 8) {
                Bytes oid = der_of(n);  // [8] IMPLICIT OBJECT IDENTIFIER
                oid[0] = Botan::OBJECT_ID;
                out.push_back("RID:" + oid_string(oid));
            } else out.push_back("unknown:[" + std::to_string(tag) + "]");
        } else if (n.get_class() == (Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED)) {
            if (tag == 4) {
                Botan::BER_Decoder inner(n.bits(), n.length());
                const std::string dn = read_name(inner.get_next_object(), "directoryName").text;
                out.push_back("dirName:" + dn);
            } else if (tag == 0) {
                Botan::BER_Decoder inner(n.bits(), n.length());
                out.push_back("othername:" + oid_of(inner.get_next_object(), "otherName type-id"));
            } else out.push_back("unknown:[" + std::to_string(tag) + "]");
        } else {
            invalid("subjectAltName entry is not a GeneralName");
        }
    }
    return out;
}

// The certificate's signature checked with its own key: the self-signed test.
bool verifies_with_own_key(const Bytes& spki, const std::string& sig_oid, const Bytes& tbs, const Bytes& signature) {
    try {
        const std::string name = Botan::OIDS::oid2str_or_empty(Botan::OID(sig_oid));  // "RSA/EMSA3(SHA-256)"
        const size_t slash = name.find('/');
        std::unique_ptr<Botan::Public_Key> key(Botan::X509::load_key(spki));
        if (name == "Ed25519") return Botan::PK_Verifier(*key, "Pure").verify_message(tbs, signature);
        if (slash == std::string::npos) return false;
        const std::string algo = name.substr(0, slash), padding = name.substr(slash + 1);
        if (algo != key->algo_name() || (algo != "RSA" && algo != "ECDSA")) return false;
        const auto format = algo == "ECDSA" ? Botan::DER_SEQUENCE : Botan::IEEE_1363;
        return Botan::PK_Verifier(*key, padding, format).verify_message(tbs, signature);
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

Certificate read(ByteView der, Check check) {
    return reading("not a valid X.509 certificate", [&] {
        Certificate c;
        c.der = der.to_bytes();
        Botan::BER_Decoder top(c.der);
        const BER_Object whole = expect_sequence(top, "certificate");
        top.verify_end();
        Botan::BER_Decoder cert(whole.bits(), whole.length());
        const BER_Object tbs_obj = expect_sequence(cert, "tbsCertificate");
        const BER_Object sig_alg = expect_sequence(cert, "signatureAlgorithm");
        std::vector<uint8_t> signature;
        cert.decode(signature, Botan::BIT_STRING);
        cert.verify_end();
        {
            Botan::BER_Decoder alg(sig_alg.bits(), sig_alg.length());
            c.signature_algorithm = oid_of(alg.get_next_object(), "signatureAlgorithm");
        }

        Botan::BER_Decoder tbs(tbs_obj.bits(), tbs_obj.length());
        BER_Object o = tbs.get_next_object();
        if (o.is_a(0, Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED))) {
            size_t v = 0;
            Botan::BER_Decoder(o.bits(), o.length()).decode(v).verify_end();
            if (v > 2) invalid("unknown version " + std::to_string(v + 1));
            c.version = static_cast<int>(v) + 1;
            o = tbs.get_next_object();
        }
        c.serial = read_serial(o);
        expect_sequence(tbs, "signature");
        c.issuer = read_name(tbs.get_next_object(), "issuer");
        {
            const BER_Object validity = expect_sequence(tbs, "validity");
            Botan::BER_Decoder v(validity.bits(), validity.length());
            c.not_before = read_time(v.get_next_object(), "notBefore");
            c.not_after = read_time(v.get_next_object(), "notAfter");
            v.verify_end();
        }
        c.subject = read_name(tbs.get_next_object(), "subject");
        c.spki = der_of(expect_sequence(tbs, "subjectPublicKeyInfo"));
        while (tbs.more_items()) {
            o = tbs.get_next_object();
            if (!o.is_a(3, Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED))) continue;  // [1], [2] unique IDs
            Botan::BER_Decoder wrapper(o.bits(), o.length());
            const BER_Object list = expect_sequence(wrapper, "extensions");
            Botan::BER_Decoder exts(list.bits(), list.length());
            while (exts.more_items()) {
                const BER_Object ext = expect_sequence(exts, "extension");
                Botan::BER_Decoder e(ext.bits(), ext.length());
                const std::string id = oid_of(e.get_next_object(), "extnID");
                BER_Object next = e.get_next_object();
                if (is(next, Botan::BOOLEAN)) next = e.get_next_object();
                if (!is(next, Botan::OCTET_STRING)) invalid("extension " + id + " has no OCTET STRING value");
                if (id == "2.5.29.17") c.san = read_san(ByteView(next.bits(), next.length()));
            }
        }
        c.self_signed = check == Check::self_signature && c.issuer.der == c.subject.der &&
                        verifies_with_own_key(c.spki, c.signature_algorithm, der_of(tbs_obj), signature);
        return c;
    });
}

Request read_request(ByteView der) {
    return reading("not a valid certificate request", [&] {
            Botan::BER_Decoder top(der.data(), der.size());
            const BER_Object whole = expect_sequence(top, "request");
            top.verify_end();
            Botan::BER_Decoder req(whole.bits(), whole.length());
            const BER_Object info = expect_sequence(req, "certificationRequestInfo");
            Botan::BER_Decoder d(info.bits(), info.length());
            size_t version = 0;
            d.decode(version);
            Request r;
            r.subject = read_name(d.get_next_object(), "subject");
            r.spki = der_of(expect_sequence(d, "subjectPKInfo"));
            return r;
    });
}

std::vector<Bytes> pkcs7_certificates(ByteView der) {
    return reading("not a PKCS#7 SignedData", [&] {
        Botan::BER_Decoder top(der.data(), der.size());
        const BER_Object content_info = top.get_next_object();
        if (!is_sequence(content_info)) invalid("not a SEQUENCE");
        Botan::BER_Decoder ci(content_info.bits(), content_info.length());
        Botan::OID type;
        ci.decode(type);
        if (type.to_string() != "1.2.840.113549.1.7.2") invalid("content type " + type.to_string());
        const BER_Object wrapper = ci.get_next_object();  // [0] EXPLICIT SignedData
        if (!wrapper.is_a(0, Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED))) invalid("no [0] content");
        Botan::BER_Decoder w(wrapper.bits(), wrapper.length());
        const BER_Object signed_data = w.get_next_object();
        if (!is_sequence(signed_data)) invalid("content is not a SEQUENCE");
        Botan::BER_Decoder sd(signed_data.bits(), signed_data.length());
        size_t version = 0;
        sd.decode(version);
        sd.get_next_object();  // digestAlgorithms
        sd.get_next_object();  // encapContentInfo
        std::vector<Bytes> out;
        while (sd.more_items()) {
            const BER_Object o = sd.get_next_object();
            if (!o.is_a(0, Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED))) continue;  // crls, signerInfos
            Botan::BER_Decoder certs(o.bits(), o.length());
            while (certs.more_items()) {
                const BER_Object c = certs.get_next_object();
                if (is_sequence(c)) out.push_back(der_of(c));  // attribute certificates ([1], [2]) are skipped
                if (out.size() > max_pkcs7_certificates)
                    invalid("more than " + std::to_string(max_pkcs7_certificates) + " certificates");
            }
        }
        return out;
    });
}

std::string rfc3339(int64_t seconds) {
    const int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    const int64_t rest = seconds - days * 86400;
    // civil_from_days (H. Hinnant)
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
    char buf[96];  // room for any int64_t year, which the compiler cannot rule out
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                  static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
    return buf;
}

}  // namespace keypipe::x509
