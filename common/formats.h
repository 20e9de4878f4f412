// The table of private-key formats: one row per format, holding the names users type, the
// PEM labels (or, for whole-file formats, the sniff) by which it is recognised, its reader,
// and its writer, which returns the file's final bytes from one WriteOptions. Reading
// dispatches through the table (keyio.cpp), and tools choose a writer by name from it.
//
// A new format is a new fmt_*.cpp and one row in formats.cpp:
//   - a PEM/DER format lists its labels (those der::detect_label gives for its DER too)
//     and a read_object;
//   - a whole-file format (PPK; PKCS#12, which holds a key and its certificates) has a
//     sniff, tried before the input is split into PEM/DER objects, and a read_input;
//   - a writable format has a write and says whether it writes DER and Ed25519 keys.
#pragma once

#include "bytes.h"
#include "fmt_ppk.h"
#include "kdf_limits.h"
#include "key.h"
#include "objects.h"
#include "passphrase.h"

#include <botan/rng.h>

#include <string>
#include <string_view>
#include <vector>

namespace keypipe {

// What a reader may need besides the bytes.
struct ReadContext {
    PassphraseSource& pass;       // asked only for encrypted input
    const KdfLimits& limits;      // input KDF costs; the memory budget of the run
    ByteView ec_parameters = {};  // an EC PARAMETERS block before the key (openssl ecparam -genkey)
};

struct WriteOptions {
    SecretBytes passphrase;  // empty: not encrypted
    bool der = false;        // DER instead of PEM (formats with writes_der)
    ppk::Params ppk;         // PPK version and Argon2 cost
    KdfLimits limits;        // Argon2's memory budget when writing PPK
};

struct KeyFormat {
    std::string_view name;                   // what users type: "openssh", "pkcs8", ...
    std::vector<std::string_view> aliases;   // other names for it ("pkcs1", "sec1")
    std::vector<std::string_view> labels;    // PEM labels (and detected DER labels) it reads
    bool (*sniff)(ByteView input);           // whole-file formats: never throws; else nullptr
    PrivateKey (*read_object)(const Object& object, ReadContext& context);  // label formats
    PrivateKey (*read_input)(ByteView input, ReadContext& context);         // sniffed formats
    // The file's bytes (PEM or DER, encrypted when options.passphrase is set); nullptr for
    // formats keypipe only reads. Throws Error.
    SecretBytes (*write)(const PrivateKey& key, const WriteOptions& options, Botan::RandomNumberGenerator& rng);
    bool writes_der;       // honours options.der
    bool encrypts_der;     // ... also with a passphrase
    bool writes_ed25519;   // has a form for Ed25519 keys

    bool named(std::string_view n) const;
};

// Every format, in the order sniffs are tried.
const std::vector<KeyFormat>& key_formats();
// The format a user names (name or alias), or nullptr.
const KeyFormat* find_format(std::string_view name);
// The format that reads PEM blocks labelled `label`, or nullptr.
const KeyFormat* format_for_label(std::string_view label);

}  // namespace keypipe
