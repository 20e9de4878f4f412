#include "der.h"

#include "error.h"

#include <algorithm>

namespace keypipe::der {
namespace {

constexpr uint8_t tag_utc_time = 0x17, tag_generalized_time = 0x18, tag_ctx0 = 0xa0, tag_ctx1 = 0xa1;

[[noreturn]] void fail(const std::string& what, size_t offset, const std::string& why) {
    throw Error(what + " at byte " + std::to_string(offset) + ": " + why);
}

bool is_time(uint8_t tag) { return tag == tag_utc_time || tag == tag_generalized_time; }

bool is_algid(const Element& e) {
    if (e.tag != tag_sequence) return false;
    const auto kids = children(e);
    return !kids.empty() && kids[0].tag == tag_oid;
}

bool is_name(const Element& e) {
    if (e.tag != tag_sequence) return false;
    const auto kids = children(e);
    return std::all_of(kids.begin(), kids.end(), [](const Element& k) { return k.tag == tag_set; });
}

bool is_spki(const Element& e) {
    if (e.tag != tag_sequence) return false;
    const auto kids = children(e);
    return kids.size() == 2 && is_algid(kids[0]) && kids[1].tag == tag_bit_string;
}

// Small non-negative INTEGER value, or -1 when negative or larger than 2^31.
long small_int(const Element& e) {
    if (e.tag != tag_integer || e.value.empty() || (e.value[0] & 0x80) || e.value.size() > 4) return -1;
    long v = 0;
    for (uint8_t b : e.value) v = (v << 8) | b;
    return v;
}

void check_recursive(const Element& e, const std::string& what, size_t depth) {
    if (!e.constructed()) return;
    if (depth >= max_depth) throw Error(what + ": nested deeper than " + std::to_string(max_depth) + " levels");
    for (const Element& kid : children(e, what)) check_recursive(kid, what, depth + 1);
}

}  // namespace

Element read_element(ByteView data, const std::string& what) {
    if (data.size() < 2) fail(what, 0, "element header needs 2 bytes, " + std::to_string(data.size()) + " left");
    Element e;
    e.tag = data[0];
    if ((e.tag & 0x1f) == 0x1f) fail(what, 0, "high tag numbers are not used in keys or certificates");
    size_t pos = 2, length = data[1];
    if (length & 0x80) {
        const size_t n = length & 0x7f;
        if (n == 0) fail(what, 1, "indefinite length (BER, not DER)");
        if (n > 4) fail(what, 1, "length field of " + std::to_string(n) + " bytes");
        if (data.size() - pos < n) fail(what, 1, "length field runs past the end");
        if (data[pos] == 0) fail(what, 1, "non-minimal length encoding");
        length = 0;
        for (size_t i = 0; i < n; ++i) length = (length << 8) | data[pos + i];
        if (length < 0x80) fail(what, 1, "non-minimal length encoding");
        pos += n;
    }
    if (length > data.size() - pos)
        fail(what, pos, std::to_string(length) + " bytes needed, " + std::to_string(data.size() - pos) + " left");
    e.value = data.subspan(pos, length);
    e.whole = data.subspan(0, pos + length);
    return e;
}

std::vector<Element> children(const Element& e, const std::string& what) {
    std::vector<Element> out;
    const size_t base = static_cast<size_t>(e.value.data() - e.whole.data());
    size_t pos = 0;
    while (pos < e.value.size()) {
        Element kid;
        try {
            kid = read_element(e.value.subspan(pos), what);
        } catch (const Error&) {
            fail(what, base + pos, "malformed element inside a constructed element");
        }
        out.push_back(kid);
        pos += kid.whole.size();
    }
    return out;
}

void check_single_element(ByteView data, const std::string& what) {
    const Element top = read_element(data, what);
    if (top.whole.size() != data.size())
        fail(what, top.whole.size(), std::to_string(data.size() - top.whole.size()) + " bytes after the DER element");
    check_recursive(top, what, 0);
}

void check_block_payload(ByteView data, const std::string& label) {
    const std::string what = "\"" + label + "\" block";
    if (label != "TRUSTED CERTIFICATE") return check_single_element(data, what);
    const Element cert = read_element(data, what);
    check_recursive(cert, what, 0);
    const ByteView aux = data.subspan(cert.whole.size());
    if (!aux.empty()) check_single_element(aux, what + " trust data");
}

bool is_trusted_certificate(ByteView data) {
    try {
        const Element first = read_element(data);
        if (first.whole.size() == data.size() || detect_label(first.whole) != "CERTIFICATE") return false;
        const ByteView rest = data.subspan(first.whole.size());
        const Element aux = read_element(rest);
        if (aux.whole.size() != rest.size() || aux.tag != tag_sequence) return false;
        check_recursive(aux, "DER", 0);
        // X509_CERT_AUX ::= SEQUENCE { trust SEQUENCE OF OID OPTIONAL, reject [0] SEQUENCE OF OID
        //   OPTIONAL, alias UTF8String OPTIONAL, keyid OCTET STRING OPTIONAL, other [1] SEQUENCE
        //   OF AlgorithmIdentifier OPTIONAL } (OpenSSL crypto/x509/x_x509a.c). A second
        // certificate starts with a SEQUENCE that is not a list of OIDs, so it never fits.
        constexpr uint8_t order[] = {tag_sequence, tag_ctx0, 0x0c, tag_octet_string, tag_ctx1};
        size_t next = 0;
        for (const Element& field : children(aux)) {
            while (next < sizeof order && order[next] != field.tag) ++next;
            if (next == sizeof order) return false;
            if (field.tag == tag_sequence || field.tag == tag_ctx0) {
                const auto oids = children(field);
                if (!std::all_of(oids.begin(), oids.end(), [](const Element& e) { return e.tag == tag_oid; })) return false;
            } else if (field.tag == tag_ctx1) {
                const auto algs = children(field);
                if (!std::all_of(algs.begin(), algs.end(), is_algid)) return false;
            }
            ++next;
        }
        return true;
    } catch (const Error&) {
        return false;
    }
}

std::vector<ByteView> split_concatenated(ByteView data, size_t max_elements) {
    std::vector<ByteView> parts;
    for (size_t pos = 0; pos < data.size();) {
        if (data[pos] != tag_sequence && data[pos] != tag_oid) return {};
        Element e;
        try {
            e = read_element(data.subspan(pos));
        } catch (const Error&) {
            return {};
        }
        if (parts.size() == max_elements) throw Error("more than " + std::to_string(max_elements) + " DER elements");
        parts.push_back(e.whole);
        pos += e.whole.size();
    }
    return parts;
}

std::string detect_label(ByteView data) {
    const Element first = read_element(data);
    if (first.whole.size() != data.size()) {
        if (is_trusted_certificate(data)) return "TRUSTED CERTIFICATE";
        fail("DER", first.whole.size(), std::to_string(data.size() - first.whole.size()) + " bytes after the DER element");
    }
    check_recursive(first, "DER", 0);
    if (first.tag == tag_oid) return "EC PARAMETERS";
    if (first.tag != tag_sequence) throw Error("DER: top-level element is not a SEQUENCE");
    const auto k = children(first);
    auto tag_at = [&](size_t i) -> int { return i < k.size() ? k[i].tag : -1; };

    if (k.size() == 3 && tag_at(0) == tag_sequence && is_algid(k[1]) && tag_at(2) == tag_bit_string) {
        const auto tbs = children(k[0]);
        auto tbs_tag = [&](size_t i) -> int { return i < tbs.size() ? tbs[i].tag : -1; };
        if (tbs_tag(0) == tag_ctx0) return "CERTIFICATE";
        if (std::any_of(tbs.begin(), tbs.end(), [](const Element& e) { return is_time(e.tag); }))
            return "X509 CRL";
        if (tbs.size() >= 3 && small_int(tbs[0]) == 0 && is_name(tbs[1]) && is_spki(tbs[2]))
            return "CERTIFICATE REQUEST";
        if (tbs.size() >= 6 && tbs_tag(0) == tag_integer && tbs[3].tag == tag_sequence) {
            const auto validity = children(tbs[3]);
            if (validity.size() == 2 && is_time(validity[0].tag) && is_time(validity[1].tag)) return "CERTIFICATE";
        }
        throw Error("DER: signed structure of unknown kind");
    }
    if (k.size() == 2 && is_algid(k[0]) && tag_at(1) == tag_bit_string) return "PUBLIC KEY";
    if (k.size() == 2 && is_algid(k[0]) && tag_at(1) == tag_octet_string) return "ENCRYPTED PRIVATE KEY";
    if (k.size() == 2 && tag_at(0) == tag_integer && tag_at(1) == tag_integer) return "RSA PUBLIC KEY";
    if (k.size() == 2 && tag_at(0) == tag_oid && tag_at(1) == tag_ctx0) return "PKCS7";
    if (tag_at(0) == tag_integer) {
        const long v = small_int(k[0]);
        // Explicit ECParameters (SEC1 §C.2, openssl ecparam -param_enc explicit): version 1,
        // fieldID { prime-field or characteristic-two-field, ... }, curve, base, order [, cofactor].
        if (v >= 1 && v <= 3 && (k.size() == 5 || k.size() == 6) && is_algid(k[1]) && tag_at(2) == tag_sequence &&
            tag_at(3) == tag_octet_string && tag_at(4) == tag_integer && (k.size() == 5 || tag_at(5) == tag_integer)) {
            const std::string field = oid_string(children(k[1])[0].value);
            if (field == "1.2.840.10045.1.1" || field == "1.2.840.10045.1.2") return "EC PARAMETERS";
        }
        if (k.size() >= 3 && (v == 0 || v == 1) && is_algid(k[1]) && tag_at(2) == tag_octet_string)
            return "PRIVATE KEY";
        if (v == 1 && tag_at(1) == tag_octet_string &&
            std::all_of(k.begin() + 2, k.end(), [](const Element& e) { return e.tag == tag_ctx0 || e.tag == tag_ctx1; }))
            return "EC PRIVATE KEY";
        if (k.size() >= 9 && (v == 0 || v == 1) &&
            std::all_of(k.begin(), k.begin() + 9, [](const Element& e) { return e.tag == tag_integer; }))
            return "RSA PRIVATE KEY";
        if (k.size() == 6 && v == 0 &&
            std::all_of(k.begin(), k.end(), [](const Element& e) { return e.tag == tag_integer; }))
            return "DSA PRIVATE KEY";
        if (v == 3 && tag_at(1) == tag_sequence)
            throw Error("DER: a PKCS#12 file has no PEM form (use openssl pkcs12 to extract its contents)");
    }
    throw Error("DER: unrecognised structure (not a certificate, key, request or CRL)");
}

std::string oid_string(ByteView value) {
    if (value.empty() || (value[value.size() - 1] & 0x80)) throw Error("DER: malformed OBJECT IDENTIFIER");
    std::string out;
    uint64_t arc = 0;
    bool first = true;
    for (uint8_t b : value) {
        if (arc > (UINT64_MAX >> 7)) throw Error("DER: OBJECT IDENTIFIER arc too large");
        arc = (arc << 7) | (b & 0x7f);
        if (b & 0x80) continue;
        if (first) {
            const uint64_t top = arc < 80 ? arc / 40 : 2;
            out = std::to_string(top) + "." + std::to_string(arc - 40 * top);
            first = false;
        } else {
            out += "." + std::to_string(arc);
        }
        arc = 0;
    }
    return out;
}

Reader::Reader(ByteView der, std::string what) : what_(std::move(what)) {
    const Element top = read_element(der, what_);
    if (top.tag != tag_sequence) throw Error(what_ + ": not a DER SEQUENCE");
    if (top.whole.size() != der.size())
        fail("end", std::to_string(der.size() - top.whole.size()) + " bytes after the structure");
    kids_ = children(top, what_);
}

Reader::Reader(const Element& constructed, std::string what) : what_(std::move(what)) {
    kids_ = children(constructed, what_);
}

void Reader::fail(const char* field, const std::string& why) const { throw Error(what_ + ": " + field + ": " + why); }

Element Reader::any(const char* field) {
    if (at_end()) fail(field, "missing");
    return kids_[index_++];
}

bool Reader::next_is(uint8_t tag) const { return !at_end() && kids_[index_].tag == tag; }

Element Reader::expect(uint8_t tag, const char* field) {
    if (at_end()) fail(field, "missing");
    if (kids_[index_].tag != tag) fail(field, "unexpected DER tag");
    return kids_[index_++];
}

Botan::BigInt Reader::integer(const char* field, size_t max_bits) {
    const Element e = expect(tag_integer, field);
    if (e.value.empty()) fail(field, "empty INTEGER");
    if (e.value[0] & 0x80) fail(field, "negative INTEGER");
    if (e.value.size() > max_bits / 8 + 1) fail(field, "INTEGER larger than " + std::to_string(max_bits) + " bits");
    return Botan::BigInt(e.value.data(), e.value.size());
}

long Reader::small_integer(const char* field) {
    const Botan::BigInt v = integer(field, 31);
    return static_cast<long>(v.to_u32bit());
}

ByteView Reader::bit_string(const char* field) {
    const Element e = expect(tag_bit_string, field);
    if (e.value.empty() || e.value[0] != 0) fail(field, "BIT STRING with unused bits");
    return e.value.subspan(1);
}

void Reader::expect_end(const char* record) {
    if (!at_end()) fail(record, "unexpected extra elements");
}

}  // namespace keypipe::der
