// genkeycert: a new key and a self-signed certificate for it, replacing
// `openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout K -out C` and `chmod 600 K`.
#include "cert.h"
#include "cli.h"
#include "error.h"
#include "fmt_openssh.h"
#include "fmt_pkcs8.h"
#include "pem.h"
#include "platform.h"

#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <cerrno>
#include <cstring>
#include <future>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace keypipe;

namespace {

PrivateKey generate(const std::string& type, size_t bits, Botan::RandomNumberGenerator& rng) {
    std::unique_ptr<Botan::Private_Key> key;
    if (type == "rsa") {
        // Botan's RSA_PrivateKey(rng, bits) finds p and q one after the other. They are
        // independent, so two threads halve the wait (the dominant cost of genkeycert).
        // Same loop as Botan's: retry until n has exactly `bits` bits. p > q as OpenSSL.
        const Botan::BigInt e(65537);
        const size_t p_bits = (bits + 1) / 2;
        Botan::BigInt p, q;
        do {
            auto other = std::async(std::launch::async, [&] { return Botan::generate_rsa_prime(rng, rng, p_bits, e); });
            q = Botan::generate_rsa_prime(rng, rng, bits - p_bits, e);
            p = other.get();
        } while (p == q || (p * q).bits() != bits);
        if (p < q) std::swap(p, q);
        key = std::make_unique<Botan::RSA_PrivateKey>(p, q, e);
    } else if (type == "ecdsa") {
        key = std::make_unique<Botan::ECDSA_PrivateKey>(rng, ec_group(ecdsa_key_type(bits)));
    } else {
        key = std::make_unique<Botan::Ed25519_PrivateKey>(rng);
    }
    return make_private_key(std::move(key), "", "generated key");
}

SecretBytes encode_key(const PrivateKey& key, const Args& args, const SecretBytes& pass, Botan::RandomNumberGenerator& rng) {
    const std::string format = args.str("key-format");
    if (format == "openssh") {
        openssh::WriteOptions options;
        options.passphrase = pass;
        return openssh::write(key, options, rng);
    }
    if (format == "pkcs8") {
        return pass.empty() ? pem::encode_secret("PRIVATE KEY", ByteView(pkcs8::write(key)))
                            : pem::encode_secret("ENCRYPTED PRIVATE KEY", ByteView(pkcs8::write_encrypted(key, ByteView(pass), rng)));
    }
    return pass.empty() ? pem::encode_secret(traditional::label(key), ByteView(traditional::write(key)))
                        : traditional::write_pem_encrypted(key, ByteView(pass), rng);
}

std::string base_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// True when the two paths name the same file, existing or not (same folder, same name).
bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)  // devices (/dev/null twice) are fine
        return S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (a == b) return true;
    return base_name(a) == base_name(b) && ::stat(parent_dir(a).c_str(), &sa) == 0 &&
           ::stat(parent_dir(b).c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// What write_file_atomic will do with `path`, checked before the (slow) key generation so
// that a run that cannot write both files writes neither. Returns true when the target is
// a regular file this run will create or replace (false for a device or FIFO, which
// write_file_atomic writes to as other tools do, and which a rollback must not remove).
bool check_target(const std::string& path, bool force, [[maybe_unused]] Sensitivity s) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) throw Error(path, "is a directory");
        if (!S_ISREG(st.st_mode)) {
#ifndef _WIN32  // Windows: output_win.cpp refuses a console when it opens the target
            if (s == Sensitivity::private_key && S_ISCHR(st.st_mode)) {
                const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
                const bool tty = fd >= 0 && ::isatty(fd);
                if (fd >= 0) ::close(fd);
                if (tty) throw Error(path, "refusing to write a private key to a terminal");
            }
#endif
            return false;
        }
        if (!force) throw Error(path, "file exists (use -f to replace it)");
        return true;
    }
#ifndef _WIN32
    if (!force && ::lstat(path.c_str(), &st) == 0) throw Error(path, "file exists (use -f to replace it)");  // dangling link
#endif
    const std::string dir = parent_dir(path);
    if (::stat(dir.c_str(), &st) != 0) throw Error(path, "cannot create: folder " + dir + " does not exist");
    if (!S_ISDIR(st.st_mode)) throw Error(path, "cannot create: " + dir + " is not a folder");
#ifndef _WIN32  // Windows: the ACL decides when the file is created
    if (::access(dir.c_str(), W_OK | X_OK) != 0) throw Error(path, "cannot create: " + std::string(std::strerror(errno)));
#endif
    return true;
}

// Removes the key file this run wrote when the certificate cannot follow it: half a pair
// is worse than none (the next run would refuse the existing key without -f).
class Rollback {
public:
    void arm(std::string path) { path_ = std::move(path); }
    void disarm() { path_.clear(); }
    ~Rollback() {
        if (!path_.empty()) ::unlink(path_.c_str());
    }

private:
    std::string path_;
};

}  // namespace

int main(int argc, char** argv) {
    Tool tool("genkeycert", "Generate a private key and a self-signed X.509 certificate for it.\n"
                            "Without --keyout and --out, the key and then the certificate go to stdout as one PEM stream.");
    tool.no_inputs();
    tool.options()
        ("type,t", po::value<std::string>()->value_name("rsa|ecdsa|ed25519")->default_value("rsa"), "key type")
        ("bits,b", po::value<size_t>()->value_name("N"), "rsa: 2048 (default) to 16384; ecdsa: 256 (default), 384, 521")
        ("days", po::value<uint32_t>()->value_name("N")->default_value(365), "validity in days")
        ("subject", po::value<std::string>()->value_name("DN"), "\"CN=vm1,O=Example,C=US\" or \"/CN=vm1/O=Example\" (default CN=host name)")
        ("san", po::value<std::string>()->value_name("LIST"), "subjectAltName entries: DNS:name,IP:1.2.3.4,email:a@b,URI:u")
        ("keyout", po::value<std::string>()->value_name("FILE"), "write the private key to FILE (mode 0600)")
        ("out", po::value<std::string>()->value_name("FILE"), "write the certificate to FILE")
        ("der", "write the certificate as DER (.cer) instead of PEM")
        ("key-format", po::value<std::string>()->value_name("openssh|pkcs8|pkcs1")->default_value("openssh"),
         "private key format: openssh (read by ssh, ssh-keygen and puttygen for every type), pkcs8, pkcs1 (traditional)")
        ("passout", po::value<std::string>()->value_name("SRC"), "encrypt the key; SRC is pass:, env:, file:, fd: or prompt");
    tool.examples({"genkeycert --keyout myPrivateKey.key --out myCert.pem",
                   "    # openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout myPrivateKey.key -out myCert.pem; chmod 600 ...",
                   "genkeycert --type ed25519 --subject CN=vm1 --keyout vm1.key --der --out vm1.cer",
                   "genkeycert --type ecdsa --bits 384 --san DNS:vm1.example.com,IP:10.0.0.4 --keyout k --out c.pem",
                   "genkeycert --keyout k --passout file:pw.txt --out c.pem",
                   "genkeycert --type ed25519 | sshpubfromcert"});
    tool.validate([](const Args& a) {
        const std::string type = a.str("type"), format = a.str("key-format");
        if (type != "rsa" && type != "ecdsa" && type != "ed25519") throw UsageError("--type takes rsa, ecdsa or ed25519");
        if (format != "openssh" && format != "pkcs8" && format != "pkcs1")
            throw UsageError("--key-format takes openssh, pkcs8 or pkcs1");
        if (type == "ed25519" && format == "pkcs1") throw UsageError("Ed25519 keys have no pkcs1 form (use openssh or pkcs8)");
        if (a.has("bits")) {
            const size_t bits = a.get<size_t>("bits");
            if (type == "rsa" && (bits < 2048 || bits > max_rsa_bits || bits % 8))
                throw UsageError("--bits for rsa: 2048 to 16384, a multiple of 8");
            if (type == "ecdsa" && bits != 256 && bits != 384 && bits != 521) throw UsageError("--bits for ecdsa: 256, 384 or 521");
            if (type == "ed25519" && bits != 256) throw UsageError("--bits does not apply to ed25519");
        }
        const uint32_t days = a.get<uint32_t>("days");
        if (days < 1 || days > cert::max_days) throw UsageError("--days takes 1 to " + std::to_string(cert::max_days));
        if (a.has("der") && !a.has("out") && !a.has("keyout"))
            throw UsageError("--der needs --out FILE or --keyout FILE (a DER certificate cannot share stdout with the key)");
    });
    return tool.run(argc, argv, [](const Args& args, Input&, Sink&) {
        Botan::RandomNumberGenerator& rng = Botan::system_rng();
        const std::string type = args.str("type");
        const size_t bits = args.has("bits") ? args.get<size_t>("bits") : type == "rsa" ? 2048 : 256;
        cert::SelfSignOptions options;
        options.subject = cert::parse_subject(args.has("subject") ? args.str("subject") : "CN=" + platform::host_name());
        if (args.has("san")) {
            std::string list = args.str("san");
            for (size_t start = 0; start <= list.size();) {
                const size_t comma = std::min(list.find(',', start), list.size());
                if (comma > start) options.san.push_back(list.substr(start, comma - start));
                start = comma + 1;
            }
        }
        options.days = args.get<uint32_t>("days");
        const bool force = args.has("force");
        // Everything that can fail before the key exists is checked first.
        const bool key_to_file = args.has("keyout"), cert_to_file = args.has("out");
        if (key_to_file && cert_to_file && same_file(args.str("keyout"), args.str("out")))
            throw UsageError("--keyout and --out name the same file");
        bool key_is_regular = false;
        if (key_to_file) key_is_regular = check_target(args.str("keyout"), force, Sensitivity::private_key);
        else if (platform::is_terminal(STDOUT_FILENO))
            throw Error("refusing to write a private key to a terminal (use --keyout FILE or redirect stdout)");
        if (cert_to_file) check_target(args.str("out"), force, Sensitivity::public_data);
        SecretBytes pass;
        if (args.has("passout")) pass = Passphrase(args.str("passout"), "--passout").get_new("the new key");

        const PrivateKey key = generate(type, bits, rng);
        const Bytes der = cert::make_self_signed(key, options, rng);
        const SecretBytes key_text = encode_key(key, args, pass, rng);
        const std::string cert_pem = pem::encode("CERTIFICATE", ByteView(der));
        const ByteView cert_bytes = args.has("der") ? ByteView(der) : ByteView(cert_pem);

        // Written here rather than through the Sink, in order, so that a failed
        // certificate write can take back the key file written just before it.
        Rollback rollback;
        if (key_to_file) {
            write_file_atomic(args.str("keyout"), ByteView(key_text), Sensitivity::private_key, force);
            if (key_is_regular) rollback.arm(args.str("keyout"));
        } else {
            write_stdout(ByteView(key_text), Sensitivity::private_key);
        }
        if (cert_to_file) write_file_atomic(args.str("out"), cert_bytes, Sensitivity::public_data, force);
        else write_stdout(cert_bytes, Sensitivity::public_data);
        rollback.disarm();
    });
}
