// --subject strings.
#include "cert.h"
#include "fuzz_common.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    expect_clean([&] { keypipe::cert::parse_subject(std::string(reinterpret_cast<const char*>(data), size)); });
    return 0;
}
