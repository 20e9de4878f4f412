// The batch framework (common/cli.cpp): what bodies running on several threads share.
#include "cli.h"

#include <boost/test/unit_test.hpp>

#include <thread>

using namespace keypipe;

BOOST_AUTO_TEST_SUITE(test_cli)

// Bodies of a batch ask the Tool for --passin/--passout sources from every worker; the
// first calls create them. Unlocked, two workers' first calls raced on the list (a crash
// about once in a hundred runs of a batch that skips most inputs).
BOOST_AUTO_TEST_CASE(passphrase_sources_are_created_once_across_threads) {
    constexpr int options = 16, threads = 8;
    po::options_description description;
    std::vector<std::string> argv_text;
    for (int k = 0; k < options; ++k) {
        description.add_options()(("o" + std::to_string(k)).c_str(), po::value<std::string>());
        argv_text.push_back("--o" + std::to_string(k) + "=pass:secret" + std::to_string(k));
    }
    std::vector<const char*> argv{"test"};
    for (const auto& a : argv_text) argv.push_back(a.c_str());
    po::variables_map vm;
    po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(), description), vm);
    const Args args(vm);

    for (int round = 0; round < 20; ++round) {
        Tool tool("t", "test");
        std::vector<std::vector<Passphrase*>> got(threads, std::vector<Passphrase*>(options));
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                for (int k = 0; k < options; ++k) got[t][k] = &tool.passphrase(args, "o" + std::to_string(k));
            });
        for (auto& w : workers) w.join();
        for (int k = 0; k < options; ++k) {
            for (int t = 1; t < threads; ++t) BOOST_TEST(got[t][k] == got[0][k]);
            const SecretBytes pass = got[0][k]->get("k");
            BOOST_TEST(std::string(pass.begin(), pass.end()) == "secret" + std::to_string(k));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
