#include "argon2.h"

#include "error.h"

#include <botan/pwdhash.h>

#include <cstdint>
#include <string>

#ifdef KEYPIPE_WITH_LIBSODIUM
#include <sodium.h>
#endif

namespace keypipe {
namespace argon2_engine {

#ifdef KEYPIPE_WITH_LIBSODIUM
namespace {

struct SodiumFlavour {
    int algorithm;
    unsigned long long min_passes;
};

// crypto_pwhash's algorithm for a flavour; algorithm 0 when it has none.
SodiumFlavour sodium_flavour(std::string_view flavour) {
    if (flavour == "Argon2id") return {crypto_pwhash_ALG_ARGON2ID13, crypto_pwhash_argon2id_OPSLIMIT_MIN};
    if (flavour == "Argon2i") return {crypto_pwhash_ALG_ARGON2I13, crypto_pwhash_argon2i_OPSLIMIT_MIN};
    return {0, 0};
}

// sodium_init() picks the fastest implementation for this CPU. It runs at the first hash,
// not at process start, and a function-local static makes it once-only across threads.
bool sodium_ready() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

}  // namespace

bool libsodium_covers(std::string_view flavour, size_t salt_size, uint32_t memory_kib, uint32_t passes,
                      uint32_t parallelism, size_t length) {
    const SodiumFlavour f = sodium_flavour(flavour);
    const uint64_t memory_bytes = uint64_t{memory_kib} * 1024;
    return f.algorithm != 0 && passes >= f.min_passes && parallelism == 1 && salt_size == crypto_pwhash_SALTBYTES &&
           length >= crypto_pwhash_BYTES_MIN && length <= crypto_pwhash_BYTES_MAX &&
           memory_bytes >= crypto_pwhash_MEMLIMIT_MIN && memory_bytes <= crypto_pwhash_MEMLIMIT_MAX;
}

SecretBytes libsodium(std::string_view flavour, ByteView passphrase, ByteView salt, uint32_t memory_kib,
                      uint32_t passes, size_t length) {
    SecretBytes out(length);
    if (!sodium_ready() ||
        crypto_pwhash(out.data(), out.size(), reinterpret_cast<const char*>(passphrase.data()), passphrase.size(),
                      salt.data(), passes, size_t{memory_kib} * 1024, sodium_flavour(flavour).algorithm) != 0)
        throw Error("Argon2: cannot allocate " + std::to_string(memory_kib) + " KiB");
    return out;
}

#else  // built with KEYPIPE_LIBSODIUM=OFF: Botan hashes everything

bool libsodium_covers(std::string_view, size_t, uint32_t, uint32_t, uint32_t, size_t) { return false; }

SecretBytes libsodium(std::string_view, ByteView, ByteView, uint32_t, uint32_t, size_t) {
    throw Error("Argon2: built without libsodium");
}

#endif

SecretBytes botan(std::string_view flavour, ByteView passphrase, ByteView salt, uint32_t memory_kib,
                  uint32_t passes, uint32_t parallelism, size_t length) {
    auto family = Botan::PasswordHashFamily::create(std::string(flavour));
    if (!family) throw Error("unsupported Argon2 flavour: " + std::string(flavour));
    SecretBytes out(length);
    family->from_params(memory_kib, passes, parallelism)
        ->derive_key(out.data(), out.size(), reinterpret_cast<const char*>(passphrase.data()), passphrase.size(),
                     salt.data(), salt.size());
    return out;
}

}  // namespace argon2_engine

SecretBytes argon2(std::string_view flavour, ByteView passphrase, ByteView salt, uint32_t memory_kib,
                   uint32_t passes, uint32_t parallelism, size_t length) {
    if (argon2_engine::libsodium_covers(flavour, salt.size(), memory_kib, passes, parallelism, length))
        return argon2_engine::libsodium(flavour, passphrase, salt, memory_kib, passes, length);
    return argon2_engine::botan(flavour, passphrase, salt, memory_kib, passes, parallelism, length);
}

}  // namespace keypipe
