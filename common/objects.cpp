#include "objects.h"

#include "der.h"
#include "error.h"
#include "fmt_pkcs12.h"
#include "fmt_traditional.h"
#include "text.h"

namespace keypipe {

bool is_private_label(const std::string& label) { return label.find("PRIVATE KEY") != std::string::npos; }

std::string why_not_der(const Object& o) {
    if (o.label == "OPENSSH PRIVATE KEY") return "an OpenSSH private key is not DER";
    if (traditional::is_legacy_encrypted(o.headers)) return "an encrypted legacy PEM key (Proc-Type header) has no DER form";
    return "";
}

bool holds_private_key(const Object& o) {
    if (is_private_label(o.label)) return true;
    if (!o.from_pem) return false;  // a DER object's label is the detected one already
    // Fail closed: a body whose structure cannot be classified may be a key under a wrong
    // label, so it is treated as private (0600 file, never to a terminal).
    try {
        return is_private_label(der::detect_label(ByteView(o.body)));
    } catch (const Error&) {
        return true;
    }
}

namespace {

std::vector<Object> read_objects_without_bom(ByteView input) {
    bool blank = true;
    for (uint8_t c : input)
        if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
            blank = false;
            break;
        }
    if (blank) throw Error("empty input");
    std::vector<Object> out;
    if (pem::contains_pem(input)) {
        for (auto& block : pem::decode_all(input))
            out.push_back(Object{std::move(block.label), std::move(block.body), std::move(block.headers), true, block.line});
        if (!out.empty()) return out;
    }
    if (input[0] == 0x30 || input[0] == 0x06) {
        // cat a.der b.der: one object per element, as a PEM stream gives one per block
        // (bounded like PEM blocks). A certificate and its X509_CERT_AUX is one object.
        const std::vector<ByteView> parts = der::split_concatenated(input, pem::max_blocks);
        if (parts.size() <= 1 || der::is_trusted_certificate(input)) {
            std::string label = der::detect_label(input);  // or the error naming the trailing bytes
            out.push_back(Object{std::move(label), input.to_secret(), {}, false, 0});
            return out;
        }
        size_t offset = 0;
        for (size_t i = 0; i < parts.size(); ++i) {
            std::string label;
            try {
                label = der::detect_label(parts[i]);
            } catch (const Error& e) {
                throw Error("DER element " + std::to_string(i + 1) + " of " + std::to_string(parts.size()) + " (at byte " +
                            std::to_string(offset) + "): " + e.what());
            }
            out.push_back(Object{std::move(label), parts[i].to_secret(), {}, false, 0});
            offset += parts[i].size();
        }
        return out;
    }
    if (const std::string known = text::unsupported_format(input); !known.empty()) throw Error(known);
    throw Error("not PEM or DER (no \"-----BEGIN\" line, and not a DER structure)");
}

}  // namespace

std::vector<Object> read_objects(ByteView input) {
    // Windows editors put a byte-order mark first (UTF-8, or UTF-16 from PowerShell 5).
    if (const std::optional<SecretBytes> decoded = text::decode_bom(input)) return read_objects_without_bom(ByteView(*decoded));
    return read_objects_without_bom(input);
}

std::vector<Object> read_objects(ByteView input, PassphraseSource& pass, const KdfLimits& limits) {
    if (!pkcs12::sniff(input)) return read_objects(input);
    std::vector<Object> out;
    for (auto& e : pkcs12::read(input, pass, limits))
        out.push_back(Object{e.kind == pkcs12::Entry::Kind::certificate ? "CERTIFICATE" : "PRIVATE KEY", std::move(e.der), {}, false, 0});
    if (out.empty()) throw Error("the PKCS#12 file holds no certificate or private key");
    return out;
}

}  // namespace keypipe
