// The whole private key reader: sniffing and every format behind it.
#include "fuzz_common.h"
#include "keyio.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    keypipe::FixedPassphrase pass("keypipe");
    expect_clean([&] { keypipe::read_private_key(fuzz_input(data, size), pass); });
    return 0;
}
