#include "fuzz_common.h"
#include "objects.h"
#include "pem.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    expect_clean([&] { keypipe::pem::decode_all(fuzz_input(data, size)); });
    expect_clean([&] { keypipe::read_objects(fuzz_input(data, size)); });
    return 0;
}
