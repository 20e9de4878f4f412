// Strict DER element headers and structure sniffing (formats.md §2).
//
// This is not a general ASN.1 decoder: Botan's BER_Decoder reads the inside of keys and
// certificates. This file answers the questions a tool asks before choosing a decoder:
// is this one well-formed DER element, how long is it, and which PEM label fits it
// (the decision table of formats.md §2.8).
#pragma once

#include "bytes.h"

#include <botan/bigint.h>

#include <optional>
#include <string>
#include <vector>

namespace keypipe::der {

constexpr size_t max_depth = 32;  // deeper nesting does not occur in keys or certificates

struct Element {
    uint8_t tag = 0;
    ByteView value;   // content octets
    ByteView whole;   // header and content
    bool constructed() const { return tag & 0x20; }
};

// Reads one element at the start of `data` (definite, minimal length of at most 4 bytes
// that fits in what is left; low tag numbers only). Throws Error naming `what` and offset.
Element read_element(ByteView data, const std::string& what = "DER");

// The children of a constructed element.
std::vector<Element> children(const Element& e, const std::string& what = "DER");

// Throws unless `data` is exactly one well-formed DER element, recursively checked down
// to max_depth (constructed children must tile their parent exactly).
void check_single_element(ByteView data, const std::string& what = "DER");
// The payload of a PEM block labelled `label`: one well-formed element, except that a
// TRUSTED CERTIFICATE (openssl x509 -trustout) is a certificate followed by at most one
// element of trust data (X509_CERT_AUX).
void check_block_payload(ByteView data, const std::string& label);

// The PEM label for a DER object, by the table of formats.md §2.8; throws Error when
// the structure is not one we know. Bytes after the first element are refused, except
// the one X509_CERT_AUX after a certificate that makes a TRUSTED CERTIFICATE.
std::string detect_label(ByteView data);

// True when `data` is a certificate followed by exactly one OpenSSL X509_CERT_AUX
// (trust and reject OID lists, alias, key id, other: openssl x509 -trustout). Never throws.
bool is_trusted_certificate(ByteView data);

// `data` as consecutive complete DER elements, each a SEQUENCE or an OID (the objects
// detect_label knows): cat a.der b.der. Returns {} when `data` is not such a sequence
// of elements (a truncated element, trailing junk). Throws Error past max_elements.
std::vector<ByteView> split_concatenated(ByteView data, size_t max_elements);

// Dotted form of an OID's content octets ("1.2.840.113549.1.1.1"); Error if malformed.
std::string oid_string(ByteView value);

constexpr uint8_t tag_integer = 0x02, tag_bit_string = 0x03, tag_octet_string = 0x04, tag_null = 0x05,
                  tag_oid = 0x06, tag_sequence = 0x30, tag_set = 0x31;
constexpr uint8_t tag_context(unsigned n, bool constructed = true) {
    return static_cast<uint8_t>(0x80 | (constructed ? 0x20 : 0) | n);
}

// Reads the children of one constructed element in order, like a transcript of the
// ASN.1 definition; the first mismatch throws Error("<what>: <field>: ...").
class Reader {
public:
    Reader(ByteView der, std::string what);                 // der: exactly one SEQUENCE
    Reader(const Element& constructed, std::string what);

    Element any(const char* field);
    Element expect(uint8_t tag, const char* field);
    bool next_is(uint8_t tag) const;
    Reader sequence(const char* field) { return Reader(expect(tag_sequence, field), what_); }
    // A non-negative INTEGER of at most max_bits bits.
    Botan::BigInt integer(const char* field, size_t max_bits = 16384 + 8);
    long small_integer(const char* field);  // 0 .. 2^31-1
    ByteView octet_string(const char* field) { return expect(tag_octet_string, field).value; }
    std::string oid(const char* field) { return oid_string(expect(tag_oid, field).value); }
    // BIT STRING content without its unused-bits byte (which must be 0).
    ByteView bit_string(const char* field);
    bool at_end() const { return index_ == kids_.size(); }
    void expect_end(const char* record);
    [[noreturn]] void fail(const char* field, const std::string& why) const;

private:
    std::vector<Element> kids_;
    size_t index_ = 0;
    std::string what_;
};

}  // namespace keypipe::der
