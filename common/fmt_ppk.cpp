// PuTTY's private key files, PPK versions 2 and 3 (formats.md §5; PuTTY 0.78 sshpubk.c).
//
// A text file of "Key: value" headers with the public and private blobs in base64 and a
// MAC over both. Version 2 derives the AES key from SHA-1 of the passphrase and MACs with
// HMAC-SHA-1; version 3 derives key, IV and MAC key with Argon2 and MACs with
// HMAC-SHA-256. The reader follows puttygen's rules (fixed header order, "Key: value"
// with one space, LF or CRLF), checks the MAC in constant time before looking at the
// private fields, and caps Argon2's cost before hashing. RSA keys are normalised like
// PuTTY does (p > q, iqmp recomputed). The writer reproduces puttygen's bytes. Version 1
// (PuTTY before 0.52) is refused.
#include "fmt_ppk.h"

#include "argon2.h"
#include "cursor.h"
#include "error.h"
#include "kdf_limits.h"
#include "pem.h"
#include "ssh.h"

#include <botan/base64.h>
#include <botan/cipher_mode.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mac.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace keypipe::ppk {
namespace {

constexpr std::string_view header_prefix = "PuTTY-User-Key-File-";
constexpr size_t max_blob_lines = 1024;  // an RSA-16384 private blob needs ~100 lines of 64
constexpr size_t line_width = 64;
constexpr size_t salt_bytes = 16;
constexpr size_t cipher_block = 16;

// Reads the file line by line; every header is "Key: value" in a fixed order.
class Lines {
public:
    explicit Lines(ByteView input) : text_(input.as_string()) {}
    std::string_view next(const char* what) {
        if (pos_ >= text_.size()) throw Error("PPK: " + std::string(what) + " missing (file ends at line " + std::to_string(number_) + ")");
        size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) end = text_.size();
        std::string_view line = text_.substr(pos_, end - pos_);
        pos_ = end + 1;
        ++number_;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line;
    }
    // The value of header `key` on the next line.
    std::string value(std::string_view key) {
        const std::string_view line = next(std::string(key).c_str());
        if (line.substr(0, key.size()) != key || line.substr(key.size(), 2) != ": ")
            throw Error("PPK line " + std::to_string(number_) + ": expected \"" + std::string(key) + ": \"");
        return std::string(line.substr(key.size() + 2));
    }
    uint64_t number(std::string_view key, uint64_t max, const std::string& hint = "") {
        const std::string v = value(key);
        if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos)
            throw Error("PPK line " + std::to_string(number_) + ": " + std::string(key) + " is not a number");
        const uint64_t n = std::strtoull(v.c_str(), nullptr, 10);
        if (n > max)
            throw Error("PPK: " + std::string(key) + " " + v + " exceeds the limit of " + std::to_string(max) + hint);
        return n;
    }
    SecretBytes blob(std::string_view count_key) {
        const uint64_t n = number(count_key, max_blob_lines);
        Botan::secure_vector<char> b64;  // base64 of a private key: wiped on every path
        for (uint64_t i = 0; i < n; ++i) {
            const std::string_view line = next("base64 line");
            b64.insert(b64.end(), line.begin(), line.end());
        }
        return translate_errors("PPK: bad base64 after " + std::string(count_key),
                                [&] { return Botan::base64_decode(b64.data(), b64.size(), false); });
    }

private:
    std::string_view text_;
    size_t pos_ = 0;
    size_t number_ = 0;
};

SecretBytes sha1(ByteView a, ByteView b = {}) {
    auto h = Botan::HashFunction::create_or_throw("SHA-1");
    h->update(a.data(), a.size());
    h->update(b.data(), b.size());
    return h->final();
}

struct Keys {
    SecretBytes cipher_key, iv, mac_key;
};

constexpr size_t argon2_bytes = 80;  // cipher key 32, IV 16, MAC key 32

// puttygen's time rule, measured once per process: the Fibonacci search hashes ~2.6 times
// as long as the hash it keeps, so a batch of encrypted keys would spend most of its time
// measuring. The first key measures; later keys with the same cost parameters use its pass
// count (re-checked against their limits). Keyed by everything that sets a hash's speed.
struct TimedKey {
    std::string kdf;
    uint32_t memory_kib, parallelism, time_ms;
    bool operator==(const TimedKey& o) const {
        return kdf == o.kdf && memory_kib == o.memory_kib && parallelism == o.parallelism && time_ms == o.time_ms;
    }
};
std::mutex timed_mutex;
std::vector<std::pair<TimedKey, uint32_t>> timed_memo;  // a run uses one or two parameter sets

TimedKey timed_key(const Params& p) { return {p.kdf, p.memory_kib, p.parallelism, p.time_ms}; }

void remember_timed_passes(const Params& params, uint32_t passes) {
    TimedKey wanted = timed_key(params);
    const std::lock_guard<std::mutex> lock(timed_mutex);
    for (auto& [key, p] : timed_memo)
        if (key == wanted) {
            p = passes;  // two threads measured at once: either count is puttygen's rule
            return;
        }
    timed_memo.emplace_back(std::move(wanted), passes);
}

Keys split_argon2(const SecretBytes& out) {
    return Keys{SecretBytes(out.begin(), out.begin() + 32), SecretBytes(out.begin() + 32, out.begin() + 48),
                SecretBytes(out.begin() + 48, out.end())};
}

Keys v2_keys(ByteView pass, bool encrypted) {
    Keys k;
    if (encrypted) {
        for (uint8_t counter = 0; counter < 2; ++counter) {
            const uint8_t prefix[4] = {0, 0, 0, counter};
            const SecretBytes d = sha1(ByteView(prefix, 4), pass);
            k.cipher_key.insert(k.cipher_key.end(), d.begin(), d.end());
        }
        k.cipher_key.resize(32);
        k.iv.assign(16, 0);
    }
    k.mac_key = sha1(ByteView(std::string_view("putty-private-key-file-mac-key")), encrypted ? pass : ByteView());
    return k;
}

// The MAC over the five fields as SSH strings, fed one by one: the decrypted private blob
// is never copied into a buffer that is not wiped.
std::string mac_hex(int version, const Keys& keys, std::string_view type, std::string_view encryption,
                    std::string_view comment, ByteView public_blob, ByteView private_plain) {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw(version == 2 ? "HMAC(SHA-1)" : "HMAC(SHA-256)");
    mac->set_key(keys.mac_key);
    for (const ByteView field : {ByteView(type), ByteView(encryption), ByteView(comment), public_blob, private_plain}) {
        mac->update_be(static_cast<uint32_t>(field.size()));
        mac->update(field.data(), field.size());
    }
    return Botan::hex_encode(mac->final(), false);
}

std::string canonical_kdf(const std::string& name) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "argon2id") return "Argon2id";
    if (lower == "argon2i") return "Argon2i";
    if (lower == "argon2d") return "Argon2d";
    return "";
}

PrivateKey build_key(const PublicKey& pub, ByteView private_plain, std::string comment) {
    const char* what = "PPK key";
    Cursor c(private_plain, "PPK private key");
    std::unique_ptr<Botan::Private_Key> key;
    std::optional<PrivateKey> made;  // RSA and ECDSA keys are made from their numbers
    if (pub.type == KeyType::rsa) {
        const RsaNumbers rsa_pub = rsa_numbers(pub);
        const Botan::BigInt d = c.mpint("d");
        Botan::BigInt p = c.mpint("p"), q = c.mpint("q");
        const Botan::BigInt iqmp = c.mpint("iqmp");
        if (p < q) std::swap(p, q);
        // PuTTY ignores the stored iqmp and recomputes it, so a wrong one still loads: use it
        // only when it is right for p > q (as puttygen writes it), which saves the inversion.
        std::optional<Botan::BigInt> qinv;
        if (q >= 2 && iqmp < p && (iqmp * q) % p == 1) qinv = iqmp;
        made = make_rsa_private_key({rsa_pub.n, rsa_pub.e, d, p, q, std::nullopt, std::nullopt, qinv}, what);
    } else if (pub.type == KeyType::ed25519) {
        const ByteView seed = c.string("private key");
        if (seed.size() != 32) c.fail("private key", "Ed25519 seed is not 32 bytes");
        auto ed = std::make_unique<Botan::Ed25519_PrivateKey>(seed.to_secret());
        if (ed->get_public_key() != dynamic_cast<const Botan::Ed25519_PublicKey&>(*pub.key).get_public_key())
            throw Error(std::string(what) + ": public key does not match the private key");
        key = std::move(ed);
    } else {
        const Botan::BigInt& order = ec_curve(pub.type).order;
        const Botan::BigInt d = c.mpint("private scalar", order.bits() + 8);
        if (d < 1 || d >= order) c.fail("private scalar", "out of range");
        PrivateKey ec = make_ec_private_key(pub.type, d, what);
        if (ec.key.ec()->point != ec_numbers(pub).point) throw Error(std::string(what) + ": public key does not match the private key");
        made = std::move(ec);
    }
    // What follows is the encryption padding (checked by the MAC), or nothing.
    if (c.remaining() >= cipher_block) c.fail("padding", "longer than a cipher block");
    PrivateKey out = made ? std::move(*made) : make_private_key(std::move(key), "", what);
    out.comment = std::move(comment);
    out.has_comment = true;
    return out;
}

// The lines up to and including the public blob: everything PuTTY stores in clear.
struct Header {
    int version = 0;
    std::string type_name, encryption, comment;
    SecretBytes public_blob;
};

Header read_header(Lines& lines) {
    Header h;
    const std::string_view first = lines.next("header");
    if (first.substr(0, header_prefix.size()) != header_prefix) throw Error("not a PPK file");
    const size_t colon = first.find(": ");
    const std::string version_text(first.substr(header_prefix.size(), colon == std::string_view::npos ? std::string_view::npos : colon - header_prefix.size()));
    if (version_text == "1") throw Error("PPK version 1 is not supported (re-save the key with PuTTYgen 0.52 or later)");
    if (version_text != "2" && version_text != "3") throw Error("unsupported PPK version " + version_text);
    if (colon == std::string_view::npos) throw Error("PPK line 1: no key type");
    h.version = version_text[0] - '0';
    h.type_name = std::string(first.substr(colon + 2));

    h.encryption = lines.value("Encryption");
    if (h.encryption != "none" && h.encryption != "aes256-cbc") throw Error("unsupported PPK encryption: " + h.encryption);
    h.comment = lines.value("Comment");
    h.public_blob = lines.blob("Public-Lines");
    return h;
}

// The public blob as a Botan key, of the type the first line names.
PublicKey parse_public(const Header& h) {
    PublicKey pub = ssh::parse_public_blob(ByteView(h.public_blob));
    if (ssh_name(pub.type) != h.type_name) throw Error("PPK: key type \"" + h.type_name + "\" does not match the public key");
    return pub;
}

}  // namespace

std::optional<uint32_t> timed_passes(const Params& params, const KdfLimits& limit) {
    const TimedKey wanted = timed_key(params);
    const std::lock_guard<std::mutex> lock(timed_mutex);
    for (const auto& [key, passes] : timed_memo)
        if (key == wanted && passes <= limit.argon2_passes && uint64_t{params.memory_kib} * passes <= limit.argon2_work_kib_passes)
            return passes;
    return std::nullopt;
}

bool sniff(ByteView input) { return input.as_string().substr(0, header_prefix.size()) == header_prefix; }

PublicPart read_public(ByteView input) {
    Lines lines(input);
    const Header h = read_header(lines);
    PublicKey pub = parse_public(h);
    pub.comment = h.comment;
    return PublicPart{std::move(pub), h.encryption != "none"};
}

PrivateKey read(ByteView input, PassphraseSource& pass, const KdfLimits& limit) {
    Lines lines(input);
    const Header h = read_header(lines);
    const int version = h.version;
    const std::string& type_name = h.type_name;
    const std::string& encryption = h.encryption;
    const bool encrypted = encryption != "none";
    const std::string& comment = h.comment;
    const SecretBytes& public_blob = h.public_blob;

    std::string kdf;
    uint32_t memory = 0, passes = 0, parallelism = 0;
    Bytes salt;
    if (version == 3 && encrypted) {
        kdf = lines.value("Key-Derivation");
        if (kdf != "Argon2id" && kdf != "Argon2i" && kdf != "Argon2d") throw Error("unsupported PPK key derivation: " + kdf);
        memory = static_cast<uint32_t>(lines.number("Argon2-Memory", limit.argon2_memory_kib, limit.raise_hint));
        passes = static_cast<uint32_t>(lines.number("Argon2-Passes", limit.argon2_passes, limit.raise_hint));
        parallelism = static_cast<uint32_t>(lines.number("Argon2-Parallelism", limit.argon2_parallelism, limit.raise_hint));
        if (passes == 0 || parallelism == 0 || memory < 8 * parallelism)
            throw Error("PPK: Argon2 parameters are out of range");
        // Each value within its cap still allows 1 GiB x 10 000 passes: cap the product too.
        if (uint64_t{memory} * passes > limit.argon2_work_kib_passes)
            throw Error("PPK: Argon2 work of " + std::to_string(memory) + " KiB x " + std::to_string(passes) +
                        " passes exceeds the limit of " + std::to_string(limit.argon2_work_kib_passes) +
                        " KiB-passes" + limit.raise_hint);
        salt = translate_errors("PPK: Argon2-Salt is not hex", [&] { return Botan::hex_decode(lines.value("Argon2-Salt")); });
    }
    const SecretBytes private_blob = lines.blob("Private-Lines");
    const std::string stored_mac = lines.value("Private-MAC");

    // The type named in the header must be the public blob's, before anything is derived.
    const PublicKey pub = parse_public(h);
    if (encrypted && (private_blob.empty() || private_blob.size() % cipher_block != 0))
        throw Error("PPK: encrypted private key is not a whole number of cipher blocks");

    Keys keys;
    SecretBytes passphrase;
    if (encrypted) passphrase = pass.get("the PPK key");
    if (version == 2) keys = v2_keys(ByteView(passphrase), encrypted);
    else if (encrypted) {
        const auto lease = limit.memory->reserve(uint64_t{memory} * 1024);
        keys = split_argon2(argon2(kdf, ByteView(passphrase), ByteView(salt), memory, passes, parallelism, argon2_bytes));
    }

    SecretBytes plain = private_blob;
    if (encrypted) {
        auto mode = Botan::Cipher_Mode::create_or_throw("AES-256/CBC/NoPadding", Botan::DECRYPTION);
        mode->set_key(keys.cipher_key);
        mode->start(keys.iv);
        mode->finish(plain);
    }
    const std::string mac = mac_hex(version, keys, type_name, encryption, comment, ByteView(public_blob), ByteView(plain));
    if (mac.size() != stored_mac.size() || !Botan::constant_time_compare(reinterpret_cast<const uint8_t*>(mac.data()),
                                                                          reinterpret_cast<const uint8_t*>(stored_mac.data()), mac.size()))
        throw Error(encrypted ? "wrong passphrase or corrupted file (MAC check failed)" : "corrupted file (MAC check failed)");
    return build_key(pub, ByteView(plain), comment);
}

Params parse_params(const std::string& text, const KdfLimits& limit) {
    Params p;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, comma - start);
        start = comma + 1;
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        if (eq == std::string::npos) throw Error("\"" + item + "\" is not KEY=VALUE");
        const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "kdf") {
            p.kdf = canonical_kdf(value);
            if (p.kdf.empty()) throw Error("kdf takes argon2id, argon2i or argon2d");
            continue;
        }
        char* end = nullptr;
        errno = 0;
        const unsigned long long n = std::strtoull(value.c_str(), &end, 0);  // base auto-detection, as puttygen
        if (value.empty() || *end || errno || n > UINT32_MAX || value[0] == '-')
            throw Error("" + key + " takes a number");
        const auto v = static_cast<uint32_t>(n);
        if (key == "version") {
            if (v != 2 && v != 3) throw Error("version takes 2 or 3");
            p.version = static_cast<int>(v);
        } else if (key == "memory" || key == "mem") {
            p.memory_kib = v;
        } else if (key == "time") {
            p.time_ms = v;
            p.passes.reset();
        } else if (key == "passes") {
            p.passes = v;
        } else if (key == "parallelism" || key == "parallel") {
            p.parallelism = v;
        } else {
            throw Error("unknown parameter \"" + key + "\" (version, kdf, memory, time, passes, parallelism)");
        }
    }
    // What key2ppk writes, ppk2key and key2ppk must read back under the same limits.
    if (p.memory_kib > limit.argon2_memory_kib || (p.passes && *p.passes > limit.argon2_passes) ||
        p.parallelism > limit.argon2_parallelism ||
        (p.passes && uint64_t{p.memory_kib} * *p.passes > limit.argon2_work_kib_passes))
        throw Error("Argon2 cost beyond the limits (memory " + std::to_string(limit.argon2_memory_kib) +
                         " KiB, passes " + std::to_string(limit.argon2_passes) + ", parallelism " +
                         std::to_string(limit.argon2_parallelism) + ", memory x passes " +
                         std::to_string(limit.argon2_work_kib_passes) + " KiB-passes)");
    if (p.parallelism == 0 || (p.passes && *p.passes == 0) || p.memory_kib < 8 * p.parallelism)
        throw Error("Argon2 needs passes >= 1, parallelism >= 1 and memory >= 8 KiB per lane");
    return p;
}

SecretBytes write(const PrivateKey& key, const std::string& raw_comment, const Params& params, ByteView passphrase,
                  Botan::RandomNumberGenerator& rng, const KdfLimits& limit) {
    const std::string comment = ssh::clean_comment(raw_comment);  // "Comment:" is one line
    const bool encrypt = !passphrase.empty();
    const std::string encryption = encrypt ? "aes256-cbc" : "none";
    const std::string type(ssh_name(key.type));
    const Bytes public_blob = ssh::public_blob(key.public_key());

    SecretWriter priv;
    if (key.type == KeyType::rsa) {
        const RsaNumbers rsa = rsa_numbers(key);
        // puttygen writes the larger prime first and iqmp = q^-1 mod p for that order;
        // the key's qinv is that value already unless the primes need swapping.
        const bool swap = rsa.p < rsa.q;
        const Botan::BigInt& p = swap ? rsa.q : rsa.p;
        const Botan::BigInt& q = swap ? rsa.p : rsa.q;
        priv.mpint(rsa.d);
        priv.mpint(p);
        priv.mpint(q);
        priv.mpint(swap ? Botan::inverse_mod(q, p) : rsa.qinv);
    } else if (key.type == KeyType::ed25519) {
        const auto& sk = dynamic_cast<const Botan::Ed25519_PrivateKey&>(*key.key).get_private_key();
        priv.string(ByteView(sk.data(), 32));
    } else {
        priv.mpint(ec_numbers(key).d);
    }
    SecretBytes plain = priv.take();
    if (encrypt) {  // padded with SHA-1 of the unpadded blob, as PuTTY does
        const SecretBytes h = sha1(ByteView(plain));
        const size_t pad = (cipher_block - plain.size() % cipher_block) % cipher_block;
        plain.insert(plain.end(), h.begin(), h.begin() + static_cast<long>(pad));
    }

    Keys keys;
    std::string kdf_lines;
    if (params.version == 2) {
        keys = v2_keys(passphrase, encrypt);
    } else if (encrypt) {
        Bytes salt(salt_bytes);
        rng.randomize(salt.data(), salt.size());
        uint32_t passes = 0;
        SecretBytes out;
        const auto lease = limit.memory->reserve(uint64_t{params.memory_kib} * 1024);
        if (const std::optional<uint32_t> chosen = params.passes ? params.passes : timed_passes(params, limit)) {
            passes = *chosen;
            out = argon2(params.kdf, passphrase, ByteView(salt), params.memory_kib, passes, params.parallelism, argon2_bytes);
        } else {  // puttygen: Fibonacci pass counts until one hash takes time_ms
            for (uint32_t a = 1, b = 1;;) {
                const auto start = std::chrono::steady_clock::now();
                out = argon2(params.kdf, passphrase, ByteView(salt), params.memory_kib, b, params.parallelism, argon2_bytes);
                const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
                if (ms >= params.time_ms || a > ~b || b >= limit.argon2_passes ||
                    uint64_t{params.memory_kib} * (uint64_t{a} + b) > limit.argon2_work_kib_passes) {
                    passes = b;
                    break;
                }
                b += a;
                a = b - a;
            }
            remember_timed_passes(params, passes);
        }
        keys = split_argon2(out);
        kdf_lines = "Key-Derivation: " + params.kdf + "\nArgon2-Memory: " + std::to_string(params.memory_kib) +
                    "\nArgon2-Passes: " + std::to_string(passes) + "\nArgon2-Parallelism: " + std::to_string(params.parallelism) +
                    "\nArgon2-Salt: " + Botan::hex_encode(salt, false) + "\n";
    }
    const std::string mac = mac_hex(params.version, keys, type, encryption, comment, ByteView(public_blob), ByteView(plain));
    if (encrypt) {
        auto mode = Botan::Cipher_Mode::create_or_throw("AES-256/CBC/NoPadding", Botan::ENCRYPTION);
        mode->set_key(keys.cipher_key);
        mode->start(keys.iv);
        mode->finish(plain);
    }

    SecretBytes out;
    auto put = [&](std::string_view s) { out.insert(out.end(), s.begin(), s.end()); };
    auto put_blob = [&](const char* count_key, ByteView blob) {
        const SecretBytes b64 = pem::base64_secret(blob);
        const std::string_view text = ByteView(b64).as_string();
        const size_t n = (text.size() + line_width - 1) / line_width;
        put(std::string(count_key) + ": " + std::to_string(n) + "\n");
        for (size_t i = 0; i < text.size(); i += line_width) {
            put(text.substr(i, line_width));
            put("\n");
        }
    };
    put("PuTTY-User-Key-File-" + std::to_string(params.version) + ": " + type + "\n");
    put("Encryption: " + encryption + "\n");
    put("Comment: " + comment + "\n");
    put_blob("Public-Lines", ByteView(public_blob));
    put(kdf_lines);
    put_blob("Private-Lines", ByteView(plain));
    put("Private-MAC: " + mac + "\n");
    return out;
}

}  // namespace keypipe::ppk
