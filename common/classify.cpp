#include "classify.h"

#include "error.h"
#include "fmt_ppk.h"
#include "objects.h"

#include <algorithm>
#include <vector>

namespace keypipe {
namespace {

bool blank(ByteView input) {
    return std::all_of(input.begin(), input.end(), [](uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// The objects of a PEM or DER input; nullopt when it is neither or is damaged.
std::optional<std::vector<Object>> objects_of(ByteView input) {
    try {
        return read_objects(input);
    } catch (const Error&) {
        return std::nullopt;
    }
}

// Damaged rather than something else: a BEGIN line or a DER SEQUENCE.
bool looks_like_pem_or_der(ByteView input) {
    return input.as_string().find("-----BEGIN ") != std::string_view::npos || input[0] == 0x30 || input[0] == 0x06;
}

bool is_certificate_label(const std::string& l) {
    return l == "CERTIFICATE" || l == "TRUSTED CERTIFICATE" || l == "X509 CERTIFICATE";
}

std::string what_objects_hold(const std::vector<Object>& objects) {
    auto any = [&](auto pred) { return std::any_of(objects.begin(), objects.end(), pred); };
    if (any([](const Object& o) { return holds_private_key(o); })) return "private key";
    if (any([](const Object& o) { return is_certificate_label(o.label); })) return "certificate";
    if (any([](const Object& o) { return o.label == "PUBLIC KEY" || o.label == "RSA PUBLIC KEY"; })) return "public key";
    if (any([](const Object& o) { return o.label.find("CERTIFICATE REQUEST") != std::string::npos; })) return "certificate request";
    if (any([](const Object& o) { return o.label == "X509 CRL"; })) return "certificate revocation list";
    return "not a key";
}

}  // namespace

std::optional<std::string> why_not_private_key(ByteView input) {
    if (blank(input)) return "empty file";
    if (ppk::sniff(input)) return std::nullopt;
    const std::string_view text = input.as_string();
    for (std::string_view p : {"ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-", "---- BEGIN SSH2 PUBLIC KEY"})
        if (text.substr(0, p.size()) == p) return "public key";
    const auto objects = objects_of(input);
    if (!objects) {
        if (text.find("PRIVATE KEY") != std::string_view::npos || input[0] == 0x30) return std::nullopt;
        return "not a key";
    }
    const std::string what = what_objects_hold(*objects);
    if (what == "private key") return std::nullopt;
    return what;
}

std::optional<std::string> why_not_pem_or_der(ByteView input) {
    if (blank(input)) return "empty file";
    if (objects_of(input) || looks_like_pem_or_der(input)) return std::nullopt;
    return "not PEM or DER";
}

std::optional<std::string> why_not_certificate(ByteView input) {
    if (auto why = why_not_pem_or_der(input)) return why;
    const auto objects = objects_of(input);
    if (!objects) return std::nullopt;
    for (const Object& o : *objects)
        if (is_certificate_label(o.label) || o.label == "PUBLIC KEY" || o.label == "RSA PUBLIC KEY") return std::nullopt;
    return what_objects_hold(*objects);
}

}  // namespace keypipe
