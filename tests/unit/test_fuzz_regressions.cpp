// Replays every input the fuzzers ever flagged (tests/fuzz/regressions/) through every
// parser: each must return or throw keypipe::Error, nothing else.
#include "cert.h"
#include "der.h"
#include "error.h"
#include "fmt_openssh.h"
#include "fmt_pkcs12.h"
#include "fmt_pkcs8.h"
#include "fmt_traditional.h"
#include "fmt_ppk.h"
#include "keyio.h"
#include "objects.h"
#include "ssh.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace keypipe;

namespace {
template <typename F>
void clean(const std::string& name, const char* parser, F&& f) {
    try {
        f();
    } catch (const Error&) {
    } catch (const UsageError&) {
    } catch (const std::exception& e) {
        BOOST_ERROR(name << ": " << parser << " let " << typeid(e).name() << " escape: " << e.what());
    }
}
}  // namespace

BOOST_AUTO_TEST_SUITE(test_fuzz_regressions)

BOOST_AUTO_TEST_CASE(every_regression_input_is_a_clean_error_or_a_value) {
    const std::filesystem::path dir = std::filesystem::path(test::golden_dir()).parent_path() / "fuzz" / "regressions";
    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes(std::istreambuf_iterator<char>(in), {});
        const ByteView data(std::string_view{bytes});
        const std::string name = entry.path().filename().string();
        FixedPassphrase pass("keypipe");
        clean(name, "pem", [&] { read_objects(data); });
        clean(name, "der", [&] { der::detect_label(data); });
        clean(name, "pkcs8", [&] { pkcs8::read(data); });
        clean(name, "pkcs8 encrypted", [&] { pkcs8::read_encrypted(data, pass); });
        clean(name, "pkcs1", [&] { traditional::read_pkcs1(data); });
        clean(name, "sec1", [&] { traditional::read_sec1(data); });
        clean(name, "ssh blob", [&] { ssh::parse_public_blob(data); });
        clean(name, "certificate", [&] { cert::read_certificate(data); });
        clean(name, "spki", [&] { cert::public_key_from_spki(data); });
        clean(name, "openssh", [&] { openssh::read_binary(data, pass); });
        clean(name, "ppk", [&] { ppk::read(data, pass); });
        clean(name, "pkcs12", [&] { pkcs12::read(data, pass); });
        clean(name, "any key", [&] { read_private_key(data, pass); });
        ++files;
    }
    BOOST_TEST(files > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
