// Strict DER element headers and structure sniffing (formats.md §2).
//
// This is not a general ASN.1 decoder: Botan's BER_Decoder reads the inside of keys and
// certificates. This file answers the questions a tool asks before choosing a decoder:
// is this one well-formed DER element, how long is it, and which PEM label fits it
// (the decision table of formats.md §2.8).
#pragma once

#include "bytes.h"

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

// True when `data` starts like DER (SEQUENCE or OID tag with a length that covers
// exactly the input). Cheap; never throws.
bool looks_like_der(ByteView data);

// The PEM label for a DER object, by the table of formats.md §2.8; throws Error when
// the structure is not one we know. Trailing bytes after a certificate are refused.
std::string detect_label(ByteView data);

// Encodes a tag and length header for `length` content bytes.
Bytes header(uint8_t tag, size_t length);

}  // namespace keypipe::der
