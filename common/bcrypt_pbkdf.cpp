#include "bcrypt_pbkdf.h"

#include <botan/bcrypt_pbkdf.h>
#include <botan/blowfish.h>
#include <botan/exceptn.h>
#include <botan/hash.h>

#include <algorithm>
#include <future>
#include <system_error>
#include <thread>
#include <vector>

namespace keypipe {
namespace {

constexpr size_t block_bytes = 32;             // one Blowfish run: 4 blocks of 8 bytes
constexpr size_t max_output_bytes = 10 << 20;  // Botan's Bcrypt_PBKDF limit
constexpr size_t workfactor = 6;               // 2^6 extra key expansions per round
constexpr size_t encryptions = 64;
constexpr uint8_t magic[block_bytes] = {'O', 'x', 'y', 'c', 'h', 'r', 'o', 'm', 'a', 't', 'i',
                                        'c', 'B', 'l', 'o', 'w', 'f', 'i', 's', 'h', 'S', 'w',
                                        'a', 't', 'D', 'y', 'n', 'a', 'm', 'i', 't', 'e'};

// One round: EKSBlowfish keyed by the two hashes encrypts the magic string 64 times; the
// result is read as little-endian words and written big-endian (OpenBSD's byte order).
void bcrypt_round(Botan::Blowfish& blowfish, const SecretBytes& pass_hash, const SecretBytes& salt_hash,
                  SecretBytes& tmp) {
    blowfish.salted_set_key(pass_hash.data(), pass_hash.size(), salt_hash.data(), salt_hash.size(), workfactor, true);
    std::copy(std::begin(magic), std::end(magic), tmp.begin());
    for (size_t i = 0; i != encryptions; ++i) blowfish.encrypt(tmp);
    for (size_t i = 0; i != block_bytes; i += 4) {
        std::swap(tmp[i], tmp[i + 3]);
        std::swap(tmp[i + 1], tmp[i + 2]);
    }
}

// Output block number `counter` (1-based) before interleaving.
SecretBytes bcrypt_block(const SecretBytes& pass_hash, ByteView salt, uint32_t rounds, uint32_t counter) {
    auto sha512 = Botan::HashFunction::create_or_throw("SHA-512");
    const uint8_t be_counter[4] = {uint8_t(counter >> 24), uint8_t(counter >> 16), uint8_t(counter >> 8),
                                   uint8_t(counter)};
    sha512->update(salt.data(), salt.size());
    sha512->update(be_counter, sizeof be_counter);
    SecretBytes salt_hash = sha512->final();
    Botan::Blowfish blowfish;
    SecretBytes tmp(block_bytes), out(block_bytes);
    for (uint32_t r = 0; r != rounds; ++r) {
        if (r > 0) salt_hash = sha512->process(tmp);  // the next salt is H(previous output)
        bcrypt_round(blowfish, pass_hash, salt_hash, tmp);
        for (size_t i = 0; i != block_bytes; ++i) out[i] ^= tmp[i];
    }
    return out;
}

}  // namespace

SecretBytes bcrypt_pbkdf(ByteView passphrase, ByteView salt, uint32_t rounds, size_t length) {
    SecretBytes out(length);
    const size_t blocks = (length + block_bytes - 1) / block_bytes;
    if (blocks <= 1) {
        Botan::bcrypt_pbkdf(out.data(), out.size(), reinterpret_cast<const char*>(passphrase.data()),
                            passphrase.size(), salt.data(), salt.size(), rounds);
        return out;
    }
    if (rounds == 0 || length > max_output_bytes)  // as Botan's Bcrypt_PBKDF refuses them
        throw Botan::Invalid_Argument("bcrypt_pbkdf: rounds 0 or too much output");
    const SecretBytes pass_hash = Botan::HashFunction::create_or_throw("SHA-512")->process(passphrase.data(), passphrase.size());
    std::vector<SecretBytes> block(blocks);
    const size_t workers = std::min<size_t>(blocks, std::max(1u, std::thread::hardware_concurrency()));
    const auto compute = [&](size_t first) {  // blocks first, first + workers, ...
        for (size_t b = first; b < blocks; b += workers) block[b] = bcrypt_block(pass_hash, salt, rounds, uint32_t(b + 1));
    };
    std::vector<std::future<void>> others;  // joined by their destructors, also when one throws
    for (size_t w = 1; w < workers; ++w) {
        try {
            others.push_back(std::async(std::launch::async, compute, w));
        } catch (const std::system_error&) {  // no thread to be had: compute those blocks here
            compute(w);
        }
    }
    compute(0);
    for (auto& f : others) f.get();
    for (size_t i = 0; i != length; ++i) out[i] = block[i % blocks][i / blocks];
    return out;
}

}  // namespace keypipe
