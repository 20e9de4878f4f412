// keyinfo: what is in this file. Describes every key, certificate, request and container in
// each input without asking for a passphrase, and audits folders for expiring certificates
// and unencrypted private keys.
#include "cert.h"
#include "cli.h"
#include "error.h"
#include "inspect.h"
#include "ssh.h"

#include <botan/hash.h>
#include <botan/hex.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>

using namespace keypipe;

namespace {

constexpr int exit_matched = 3;
constexpr long max_days = 365L * 1000;  // --expires-within: far beyond any certificate

struct Settings {
    bool json = false, md5 = false, unencrypted = false, expiring = false;
    int64_t now = 0, horizon = 0;  // seconds since the epoch; horizon: now + DAYS
};

int64_t days_left(const x509::Certificate& c, int64_t now) {
    const int64_t left = c.not_after - now;
    return left >= 0 ? left / 86400 : -((-left + 86399) / 86400);
}

std::string hex_digest(const char* hash, ByteView data) {
    auto h = Botan::HashFunction::create_or_throw(hash);
    h->update(data.data(), data.size());
    return Botan::hex_encode(h->final(), true);
}

std::string fingerprint(const PublicKey& key, bool md5) {
    const Bytes blob = ssh::public_blob(key);
    return md5 ? ssh::fingerprint_md5(ByteView(blob)) : ssh::fingerprint_sha256(ByteView(blob));
}

bool matches(const inspect::Item& item, const Settings& s) {
    if (s.unencrypted && item.kind == "private key" && !item.encrypted) return true;
    return s.expiring && item.certificate && item.certificate->not_after <= s.horizon;
}

nlohmann::ordered_json json_of(const Input& in, size_t index, const inspect::Item& item, const Settings& s) {
    using json = nlohmann::ordered_json;
    json j;
    j["input"] = in.display_name();
    j["index"] = index;
    j["kind"] = item.kind;
    j["format"] = item.format;
    j["encoding"] = item.encoding;
    j["type"] = item.key ? json(std::string(ssh_name(item.key->type))) : json(nullptr);
    j["bits"] = item.key ? json(key_bits(*item.key)) : json(nullptr);
    j["fingerprint"] = item.key ? json(fingerprint(*item.key, s.md5)) : json(nullptr);
    j["comment"] = item.comment;
    j["encrypted"] = item.encrypted;
    j["encryption"] = item.encrypted ? json(item.encryption) : json(nullptr);
    if (!item.key_problem.empty()) j["problem"] = item.key_problem;
    if (!item.detail.empty()) j["detail"] = item.detail;
    if (!item.options.empty()) j[item.format == "known_hosts" ? "hosts" : "options"] = item.options;
    if (!item.mac.empty()) {
        j["mac"] = item.mac;
        json parts = json::array();
        for (const auto& part : item.parts)
            parts.push_back({{"content", part.content},
                             {"encryption", part.encryption.empty() ? json(nullptr) : json(part.encryption)}});
        j["contents"] = parts;
    }
    if (item.request_subject) j["subject"] = item.request_subject->text;
    if (const auto& c = item.certificate) {
        j["subject"] = c->subject.text;
        j["issuer"] = c->issuer.text;
        j["serial"] = c->serial;
        j["not_before"] = x509::rfc3339(c->not_before);
        j["not_after"] = x509::rfc3339(c->not_after);
        j["days_left"] = days_left(*c, s.now);
        j["san"] = c->san;
        j["self_signed"] = c->self_signed;
        j["thumbprint"] = cert::thumbprint(ByteView(c->der));
        j["sha256"] = hex_digest("SHA-256", ByteView(c->der));
    }
    return j;
}

void line(std::string& out, const char* label, const std::string& value) {
    char head[24];
    std::snprintf(head, sizeof head, "  %-12s", label);
    out += head + ssh::clean_comment(value) + "\n";
}

std::string text_of(const Input& in, size_t index, size_t count, const inspect::Item& item, const Settings& s) {
    std::string out = ssh::clean_comment(in.display_name()) + (count > 1 ? " #" + std::to_string(index) : "") + ": " +
                      item.kind + " (" + item.format + (item.encoding == "text" || item.encoding.empty() ? "" : ", " + item.encoding) + ")";
    if (item.encrypted) out += ", encrypted: " + item.encryption;
    if (!item.detail.empty()) out += ", " + item.detail;
    out += "\n";
    if (const auto& c = item.certificate) {
        line(out, "subject", c->subject.text);
        line(out, "issuer", c->issuer.text + (c->self_signed ? " (self-signed)" : ""));
        line(out, "serial", c->serial);
        const int64_t left = days_left(*c, s.now);
        line(out, "valid", x509::rfc3339(c->not_before) + " to " + x509::rfc3339(c->not_after) + " (" +
                               (left >= 0 ? std::to_string(left) + " days left)" : "expired " + std::to_string(-left) + " days ago)"));
        if (!c->san.empty()) {
            std::string san;
            for (const auto& e : c->san) san += (san.empty() ? "" : ", ") + e;
            line(out, "san", san);
        }
    } else if (item.request_subject) {
        line(out, "subject", item.request_subject->text);
    }
    if (item.key)
        line(out, "key", std::string(display_name(item.key->type)) + " " + std::to_string(key_bits(*item.key)) + " " +
                             fingerprint(*item.key, s.md5));
    if (!item.key_problem.empty()) line(out, "key", item.key_problem);
    if (!item.comment.empty() && !item.certificate && !item.request_subject) line(out, "comment", item.comment);
    if (!item.options.empty()) line(out, item.format == "known_hosts" ? "hosts" : "options", item.options);
    if (!item.mac.empty()) line(out, "mac", item.mac);
    for (const auto& part : item.parts)
        line(out, "contains", part.content + (part.encryption.empty() ? ", in the clear" : ": " + part.encryption));
    if (const auto& c = item.certificate) {
        line(out, "thumbprint", cert::thumbprint(ByteView(c->der)) + " (SHA-1)");
        line(out, "sha256", hex_digest("SHA-256", ByteView(c->der)));
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Tool tool("keyinfo", "Describe every key, certificate, request and container in each input, without a passphrase:\n"
                         "kind and format, key type, bits, fingerprint and comment, encryption (cipher, KDF, cost),\n"
                         "and for certificates subject, issuer, serial, validity, SAN and thumbprint.\n"
                         "Reads PEM, DER, OpenSSH and PPK private keys, .pub, authorized_keys, known_hosts and RFC 4716\n"
                         "public keys, certificates, requests and PKCS#7; of a PKCS#12 (.pfx) file, the MAC, the\n"
                         "encryption of each part and what is stored in the clear. With -r, files that are none of these are\n"
                         "listed as such (and left out of audits) instead of failing.\n"
                         "Exit status 3: an audit option (--expires-within, --unencrypted) matched something.");
    tool.options()
        ("hash", po::value<std::string>()->value_name("sha256|md5")->default_value("sha256"), "key fingerprint hash")
        ("expires-within", po::value<long>()->value_name("DAYS"),
         "audit: list only certificates that expire within DAYS (or have expired); exit 3 if any")
        ("unencrypted", "audit: list only private keys stored without a passphrase; exit 3 if any");
    tool.examples({"keyinfo ~/.ssh/id_ed25519 myCert.pem",
                   "keyinfo --json cert.pem | jq -r .not_after",
                   "keyinfo -r /etc/ssl/private --expires-within 30    # exit 3: something expires",
                   "keyinfo -r ~/.ssh --unencrypted                   # private keys without a passphrase",
                   "keyinfo --hash md5 id_rsa.pub                     # MD5:.. as ssh-keygen -E md5"});
    tool.output_names({"STEM.txt; with --json, STEM.json (the description of every object of the input)"});
    tool.report_output();
    tool.validate([](const Args& a) {
        const std::string hash = a.str("hash");
        if (hash != "sha256" && hash != "md5") throw UsageError("--hash takes sha256 or md5");
        if (a.has("expires-within") && (a.get<long>("expires-within") < 0 || a.get<long>("expires-within") > max_days))
            throw UsageError("--expires-within takes a number of days from 0 to " + std::to_string(max_days));
    });
    std::atomic<bool> matched{false};
    const int status = tool.run(argc, argv, [&matched](const Args& args, Input& in, Sink& out) {
        Settings s;
        s.json = args.has("json");
        s.md5 = args.str("hash") == "md5";
        s.unencrypted = args.has("unencrypted");
        s.expiring = args.has("expires-within");
        s.now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        if (s.expiring) s.horizon = s.now + args.get<long>("expires-within") * 86400;
        const bool audit = s.unencrypted || s.expiring;
        std::vector<inspect::Item> items;
        try {
            items = inspect::describe(in.bytes());
        } catch (const Error& e) {
            if (!in.from_folder()) throw;
            if (audit) return;  // a folder's other files (config, notes) are not findings
            inspect::Item unknown{"unknown", "not a key, certificate or public-key file", ""};
            unknown.key_problem = e.what();
            items.push_back(std::move(unknown));
        }
        std::string report;
        for (size_t i = 0; i < items.size(); ++i) {
            if (audit && !matches(items[i], s)) continue;
            if (audit) matched = true;
            report += s.json ? json_of(in, i + 1, items[i], s).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n"
                             : text_of(in, i + 1, items.size(), items[i], s);
        }
        if (!report.empty()) out.text(report, s.json ? ".json" : ".txt");
    });
    return matched ? exit_matched : status;
}
