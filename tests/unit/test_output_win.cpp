// The Windows side of output.h (common/output_win.cpp) and platform.h, run under wine by
// CTest in a cross build (cmake/mingw-w64.cmake). Linux builds leave this file out.
#include "output.h"
#include "platform.h"
#include "test_util.h"

#include <boost/test/unit_test.hpp>

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <io.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

using namespace keypipe;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the current one, removed afterwards.
struct Folder {
    Folder() : path(fs::u8path("output_win." + std::to_string(GetCurrentProcessId()))) {
        fs::remove_all(path);
        fs::create_directory(path);
    }
    ~Folder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return path.u8string() + "\\" + name; }
    size_t entries() const { return static_cast<size_t>(std::distance(fs::directory_iterator(path), fs::directory_iterator())); }
    fs::path path;
};

std::string read_back(const std::string& path) {
    std::ifstream in(fs::u8path(path), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

std::string sid_text(PSID sid) {
    char* text = nullptr;
    if (!ConvertSidToStringSidA(sid, &text)) return "?";
    std::string out = text;
    LocalFree(text);
    return out;
}

// The DACL of a file as "protected" or "inherits", then each ACE as "SID:mask".
std::string dacl_of(const std::string& path) {
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (GetNamedSecurityInfoW(platform::fs_path(path).c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                              nullptr, &dacl, nullptr, &sd) != ERROR_SUCCESS)
        return "unreadable";
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD revision = 0;
    GetSecurityDescriptorControl(sd, &control, &revision);
    std::string out = control & SE_DACL_PROTECTED ? "protected" : "inherits";
    for (DWORD i = 0; dacl && i < dacl->AceCount; ++i) {
        ACCESS_ALLOWED_ACE* ace = nullptr;
        GetAce(dacl, i, reinterpret_cast<void**>(&ace));
        out += " " + std::string(ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE ? "allow:" : "other:") +
               sid_text(&ace->SidStart) + ":" + std::to_string(ace->Mask);
    }
    LocalFree(sd);
    return out;
}

std::string current_user_sid() {
    HANDLE token = nullptr;
    OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token);
    BYTE buffer[512];
    DWORD size = 0;
    GetTokenInformation(token, TokenUser, buffer, sizeof buffer, &size);
    CloseHandle(token);
    return sid_text(reinterpret_cast<TOKEN_USER*>(buffer)->User.Sid);
}

// Mainline wine (8.0, Debian 12) keeps no security descriptor for a file: it turns the DACL
// it is given into Unix mode bits and builds a DACL from the mode when asked (the
// "stored ACLs" patches are in wine-staging only). So under wine the read-back cannot show
// the protected owner-only DACL; only real Windows can. Checked: the file's Unix mode after
// our DACL is 0775, and the DACL read back is "inherits" SYSTEM, the user, Everyone:read.
bool under_wine() { return GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version") != nullptr; }

}  // namespace

BOOST_AUTO_TEST_SUITE(test_output_win)

BOOST_AUTO_TEST_CASE(private_key_gets_a_protected_owner_only_dacl) {
    Folder dir;
    write_file_atomic(dir.file("id.key"), view("secret\n"), Sensitivity::private_key, false);
    const std::string all = std::to_string(FILE_ALL_ACCESS);
    if (under_wine()) {  // what wine keeps: the user has full control (see under_wine)
        BOOST_TEST(dacl_of(dir.file("id.key")).find(" allow:" + current_user_sid() + ":" + all) != std::string::npos);
        return;
    }
    // The user, SYSTEM and Administrators: what Windows OpenSSH accepts for an identity file.
    BOOST_TEST(dacl_of(dir.file("id.key")) ==
               "protected allow:" + current_user_sid() + ":" + all + " allow:S-1-5-18:" + all + " allow:S-1-5-32-544:" + all);
}

BOOST_AUTO_TEST_CASE(public_file_keeps_the_folders_permissions) {
    Folder dir;
    write_file_atomic(dir.file("c.pem"), view("cert\n"), Sensitivity::public_data, false);
    BOOST_TEST(dacl_of(dir.file("c.pem")).rfind("protected", 0) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bytes_arrive_unchanged) {
    Folder dir;
    const std::string data("a\nb\r\nc\x1a" "d\0e", 10);  // LF, CRLF, ^Z, NUL: text mode would change each
    write_file_atomic(dir.file("x.der"), view(data), Sensitivity::public_data, false);
    BOOST_TEST(read_back(dir.file("x.der")) == data);
}

BOOST_AUTO_TEST_CASE(existing_file_is_replaced_only_with_force) {
    Folder dir;
    write_file_atomic(dir.file("k"), view("old"), Sensitivity::private_key, false);
    BOOST_TEST(test::error_of([&] { write_file_atomic(dir.file("k"), view("new"), Sensitivity::private_key, false); }) ==
               "file exists (use -f to replace it)");
    BOOST_TEST(read_back(dir.file("k")) == "old");
    write_file_atomic(dir.file("k"), view("new"), Sensitivity::private_key, true);
    BOOST_TEST(read_back(dir.file("k")) == "new");
    BOOST_TEST(dir.entries() == 1u);  // no temporary file left
}

// A run killed between staging and moving into place leaves its temporary: the next run
// writing to that folder removes it once its process (id + creation time) is gone.
BOOST_AUTO_TEST_CASE(stale_temporaries_of_ended_runs_are_removed) {
    Folder dir;  // a folder of its own: each folder is scanned once per process
    const std::string sub = dir.file("stale");
    fs::create_directory(fs::u8path(sub));
    const auto at = [&](const std::string& name) { return fs::u8path(sub + "\\" + name); };
    FILETIME created{}, exited{}, kernel{}, user{};
    BOOST_REQUIRE(GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user));
    const unsigned long long mine = (static_cast<unsigned long long>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
    const std::string me = ".keypipe-" + std::to_string(GetCurrentProcessId()) + "-";
    const std::vector<std::string> kept = {
        me + std::to_string(mine) + "-7.tmp",     // this process's: in use
        me + std::to_string(mine) + "-old7.tmp",
        me + "7.tmp",                             // an earlier build's name: cannot be proved stale
        ".keypipe-notes.tmp", ".keypipe-1-2-3-4.tmp", "other.tmp"};
    const std::vector<std::string> removed = {
        me + std::to_string(mine - 1) + "-7.tmp",  // this id, but a process created earlier: reused id
        me + std::to_string(mine - 1) + "-old7.tmp",
        ".keypipe-4294967292-1-0.tmp"};           // no such process
    for (const auto& name : kept) std::ofstream(at(name)) << "x";
    for (const auto& name : removed) std::ofstream(at(name)) << "x";
    { StagedFile f(sub + "\\k", view("data"), Sensitivity::private_key, false); }
    for (const auto& name : kept) BOOST_TEST(fs::exists(at(name)), name << " kept");
    for (const auto& name : removed) BOOST_TEST(!fs::exists(at(name)), name << " removed");
}

BOOST_AUTO_TEST_CASE(staged_file_destroyed_before_link_leaves_nothing) {
    Folder dir;
    { StagedFile f(dir.file("k"), view("data"), Sensitivity::private_key, false); }
    BOOST_TEST(dir.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(non_ascii_names_and_both_separators) {
    Folder dir;
    const std::string name = dir.path.u8string() + "/\xe8\xaf\x81\xe4\xb9\xa6.pem";  // 证书.pem
    write_file_atomic(name, view("x"), Sensitivity::public_data, false);
    BOOST_TEST(read_back(dir.file("\xe8\xaf\x81\xe4\xb9\xa6.pem")) == "x");
    BOOST_TEST(fs::exists(fs::u8path(dir.file("\xe8\xaf\x81\xe4\xb9\xa6.pem"))));
    const int fd = platform::open_read(name);
    BOOST_TEST(fd >= 0);
    if (fd >= 0) ::_close(fd);
}

BOOST_AUTO_TEST_CASE(missing_folder_is_named) {
    BOOST_TEST(test::error_of([] { write_file_atomic("no-such-folder\\k", view("x"), Sensitivity::private_key, false); }) ==
               "cannot create: folder no-such-folder does not exist");
}

BOOST_AUTO_TEST_CASE(parent_dir_understands_windows_paths) {
    BOOST_TEST(parent_dir("k.pem") == ".");
    BOOST_TEST(parent_dir("keys\\k.pem") == "keys");
    BOOST_TEST(parent_dir("keys/sub\\k.pem") == "keys/sub");
    BOOST_TEST(parent_dir("C:\\k.pem") == "C:\\");
    BOOST_TEST(parent_dir("C:k.pem") == "C:");
    BOOST_TEST(parent_dir("\\k.pem") == "\\");
}

BOOST_AUTO_TEST_CASE(private_key_folder_is_owner_only_too) {
    Folder dir;
    std::vector<std::string> created;
    make_output_dir(dir.file("a\\b"), Sensitivity::private_key, &created);
    BOOST_TEST(created.size() == 2u);
    if (under_wine()) {  // see under_wine: the folder exists and its user has full control
        BOOST_TEST(dacl_of(dir.file("a\\b")).find(" allow:" + current_user_sid() + ":") != std::string::npos);
        return;
    }
    BOOST_TEST(dacl_of(dir.file("a\\b")).rfind("protected allow:" + current_user_sid(), 0) == 0u);
}

BOOST_AUTO_TEST_CASE(file_group_commits_both_files) {
    Folder dir;
    FileGroup group(false);
    group.add(dir.file("k.key"), view("key"), Sensitivity::private_key);
    group.add(dir.file("k.pem"), view("cert"), Sensitivity::public_data);
    BOOST_TEST(!fs::exists(fs::u8path(dir.file("k.key"))));  // nothing named before commit
    group.commit();
    BOOST_TEST(read_back(dir.file("k.key")) == "key");
    BOOST_TEST(read_back(dir.file("k.pem")) == "cert");
    BOOST_TEST(dir.entries() == 2u);
}

BOOST_AUTO_TEST_CASE(file_group_takes_back_a_new_file_when_the_second_fails) {
    Folder dir;
    {
        FileGroup group(false);
        group.add(dir.file("k.key"), view("key"), Sensitivity::private_key);
        group.add(dir.file("k.pem"), view("cert"), Sensitivity::public_data);
        std::ofstream(fs::u8path(dir.file("k.pem"))) << "someone else's";  // made between the check and the commit
        BOOST_TEST(test::error_of([&] { group.commit(); }) == "file exists (use -f to replace it)");
    }
    BOOST_TEST(!fs::exists(fs::u8path(dir.file("k.key"))));
    BOOST_TEST(read_back(dir.file("k.pem")) == "someone else's");
    BOOST_TEST(dir.entries() == 1u);  // no temporary file left
}

BOOST_AUTO_TEST_CASE(file_group_with_force_restores_the_replaced_file) {
    Folder dir;
    write_file_atomic(dir.file("k.key"), view("old key"), Sensitivity::private_key, false);
    {
        FileGroup group(true);
        group.add(dir.file("k.key"), view("new key"), Sensitivity::private_key);
        group.add(dir.file("k.pem"), view("cert"), Sensitivity::public_data);
        fs::create_directory(fs::u8path(dir.file("k.pem")));  // nothing can replace a folder
        BOOST_TEST(!test::error_of([&] { group.commit(); }).empty());
    }
    BOOST_TEST(read_back(dir.file("k.key")) == "old key");
    BOOST_TEST(dir.entries() == 2u);  // k.key and the folder: no backup or temporary left
}

BOOST_AUTO_TEST_CASE(check_target_and_same_file) {
    Folder dir;
    write_file_atomic(dir.file("a"), view("x"), Sensitivity::public_data, false);
    BOOST_TEST(test::error_of([&] { check_target(dir.file("a"), Sensitivity::public_data, false); }) ==
               "file exists (use -f to replace it)");
    check_target(dir.file("a"), Sensitivity::public_data, true);
    check_target("NUL", Sensitivity::private_key, false);  // a device is written to, never replaced
    BOOST_TEST(test::error_of([&] { check_target(dir.path.u8string(), Sensitivity::public_data, true); }) == "is a directory");
    BOOST_TEST(same_file(dir.file("a"), dir.path.u8string() + "/A"));       // names compare without case
    BOOST_TEST(same_file(dir.file("new"), dir.path.u8string() + "/NEW"));   // and before they exist
    BOOST_TEST(!same_file(dir.file("a"), dir.file("b")));
    BOOST_TEST(!same_file("NUL", "NUL"));
}

BOOST_AUTO_TEST_SUITE_END()
