// SSH wire public key blobs.
#include "fuzz_common.h"
#include "ssh.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    expect_clean([&] { keypipe::ssh::parse_public_blob(fuzz_input(data, size)); });
    return 0;
}
