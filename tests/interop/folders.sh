#!/usr/bin/env bash
# Batches over the folders users really have (issue 11): a ~/.ssh made by ssh-keygen, a
# tls/ folder, keys under several passphrases, encryption kept, a 2,000-key batch
# interrupted, and memory for 100,000 inputs; and batches under faults (issue 14, items
# 9-15): symlink loops, an unreadable subfolder, numbered outputs, two runs at once,
# stdout that fails.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=build/bin bash tests/interop/folders.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

# run NAME CMD...: runs CMD with stdout in NAME.out, stderr in NAME.err; $rc is its status.
run() {
    local name=$1
    shift
    set +e
    "$@" > "$name.out" 2> "$name.err"
    rc=$?
    set -e
}
pub_of() { ssh-keygen -y -P "${2:-}" -f "$1" | cut -d' ' -f1-2; }
# incomplete DIR: the DIR/*.ppk whose last line is not a whole Private-MAC line (read with
# mapfile: a tail and a grep for each of hundreds of files cost seconds)
incomplete() {
    local f lines
    for f in "$1"/*.ppk; do  # (none: the pattern itself is named, as tail did)
        lines=()
        [[ -f $f ]] && mapfile -t lines < "$f"
        ((${#lines[@]})) && [[ ${lines[-1]} =~ ^Private-MAC:\ [0-9a-f]{64}$ ]] || echo "$f"
    done
}

# --- a ~/.ssh as ssh-keygen and ssh leave it
mkdir -p home/.ssh
ssh-keygen -q -t ed25519 -N '' -C alice@vm -f home/.ssh/id_ed25519
ssh-keygen -q -t rsa -b 2048 -N '' -f home/.ssh/id_rsa
ssh-keygen -q -t ecdsa -N '' -f home/.ssh/id_ecdsa
cat home/.ssh/*.pub > home/.ssh/authorized_keys
ssh-keygen -q -t ed25519 -N '' -f hostkey
{ printf 'vm1.example.com,10.0.0.4 '; cut -d' ' -f1-2 hostkey.pub; } > home/.ssh/known_hosts
printf 'Host vm1\n    HostName 10.0.0.4\n    User azureuser\n' > home/.ssh/config

run k2p "$bin/key2ppk" -r home/.ssh -d ppk
check ssh_folder_key2ppk_exit_0 '[[ $rc == 0 ]]'
check ssh_folder_key2ppk_every_private_key '[[ $(ls ppk | sort | tr "\n" " ") == "id_ecdsa.ppk id_ed25519.ppk id_rsa.ppk " ]]'
check ssh_folder_key2ppk_rest_skipped 'grep -qx "converted 3, skipped 6 (2 not a key, 4 public key), failed 0" k2p.err'
check ssh_folder_skip_lines 'grep -qx "key2ppk: home/.ssh/id_rsa.pub: skipped (public key)" k2p.err && grep -qx "key2ppk: home/.ssh/known_hosts: skipped (not a key)" k2p.err'
check ssh_folder_puttygen_reads '(for k in id_ed25519 id_rsa id_ecdsa; do [[ $(puttygen -L ppk/$k.ppk | cut -d" " -f1-2) == "$(pub_of home/.ssh/$k)" ]] || exit 1; done)'
run p2k "$bin/ppk2key" -r home/.ssh -d ossh
check ssh_folder_ppk2key_exit_0 '[[ $rc == 0 ]] && grep -qx "converted 3, skipped 6 (2 not a key, 4 public key), failed 0" p2k.err'
check ssh_folder_ppk2key_keys_open '[[ $(pub_of ossh/id_rsa.key) == "$(pub_of home/.ssh/id_rsa)" ]]'
run p2k_back "$bin/ppk2key" -r ppk -d back
check ppk_folder_back_to_openssh '[[ $rc == 0 && $(pub_of back/id_ecdsa.key) == "$(pub_of home/.ssh/id_ecdsa)" ]]'

# --- a tls/ folder: the certificate and the request beside the key are not failures
mkdir tls
openssl req -x509 -newkey rsa:2048 -nodes -keyout tls/site.key -out tls/site.crt -subj /CN=site 2>/dev/null
openssl req -new -key tls/site.key -out tls/site.csr -subj /CN=site 2>/dev/null
run tls "$bin/key2ppk" -r tls -d tlsppk
check tls_folder_converts '[[ $rc == 0 && -f tlsppk/site.ppk ]] && grep -qx "converted 1, skipped 2 (1 certificate, 1 certificate request), failed 0" tls.err'

# --- a real clash is refused before anything is written, every clash in one message
mkdir clash
for s in a b; do cp home/.ssh/id_ed25519 clash/$s.pem && cp home/.ssh/id_ecdsa clash/$s.key; done
cp home/.ssh/id_rsa.pub clash/c.pub && cp home/.ssh/id_rsa clash/c
run clash "$bin/key2ppk" -r clash -d clashout
check clashes_all_listed_in_one_line '[[ $rc == 2 && ! -e clashout && $(wc -l < clash.err) == 1 ]] && grep -q "2 clashes: clash/a.key and clash/a.pem would both write clashout/a.\*; clash/b.key and clash/b.pem would both write clashout/b.\*" clash.err && ! grep -q "clash/c" clash.err'

# --- --exclude, against the path below the -r folder
run excl "$bin/key2ppk" -r home/.ssh -d exclout --exclude 'id_rsa*' --exclude config --exclude '*.pub'
check exclude_leaves_out_matches '[[ $rc == 0 && -f exclout/id_ed25519.ppk && ! -e exclout/id_rsa.ppk ]] && grep -qx "converted 2, skipped 2 (1 not a key, 1 public key), failed 0" excl.err'

# --- keys under three passphrases, in one run; outputs stay encrypted
mkdir team
for p in one two three; do
    printf 'pass-%s\n' $p > pw-$p
    ssh-keygen -q -t ed25519 -N "pass-$p" -C "$p" -f team/$p-ed && rm team/$p-ed.pub
done
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 -pass pass:pass-two -out team/two-p8.pem 2>/dev/null
cp home/.ssh/id_ecdsa team/plain
run three "$bin/key2ppk" -r team -d teamppk --passin file:pw-one --passin file:pw-two --passin file:pw-three --json
check three_passphrases_one_run '[[ $rc == 0 ]] && grep -qx "converted 5, skipped 0, failed 0" three.err'
check encrypted_inputs_give_encrypted_ppk '(for k in one-ed two-ed three-ed two-p8; do grep -qx "Encryption: aes256-cbc" teamppk/$k.ppk || exit 1; done) && grep -qx "Encryption: none" teamppk/plain.ppk'
check json_output_encrypted '[[ $(grep -c "\"encrypted\":true,\"output_encrypted\":true" three.out) == 4 ]] && grep "team/plain" three.out | grep -q "\"output_encrypted\":false"'
check ppk_opens_in_puttygen_with_the_same_passphrase '(for k in one two three; do puttygen teamppk/$k-ed.ppk --old-passphrase pw-$k -O private-openssh-new -o pg-$k.key >/dev/null 2>&1 || exit 1; done) && ! puttygen teamppk/two-p8.ppk --old-passphrase pw-one -O private-openssh-new -o pg-x.key >/dev/null 2>&1'
run three_back "$bin/ppk2key" -r teamppk -d teamossh --passin file:pw-three --passin file:pw-one --passin file:pw-two
check openssh_opens_in_ssh_keygen_with_the_same_passphrase '[[ $rc == 0 && $(pub_of teamossh/one-ed.key pass-one) == "$(pub_of team/one-ed pass-one)" && $(pub_of teamossh/two-p8.key pass-two) == "$(pub_of team/two-p8.pem pass-two)" ]] && ! ssh-keygen -y -P "" -f teamossh/three-ed.key >/dev/null 2>&1'
run noenc "$bin/key2ppk" --no-encrypt --passin file:pw-one team/one-ed -o one-plain.ppk
check no_encrypt_writes_plain '[[ $rc == 0 ]] && grep -qx "Encryption: none" one-plain.ppk'
run nomatch "$bin/key2ppk" -r team -d nomatch --passin file:pw-one --passin file:pw-two < /dev/null
check no_passin_matched_is_a_failure_and_the_batch_goes_on '[[ $rc == 1 && -f nomatch/one-ed.ppk && -f nomatch/plain.ppk ]] && grep -qx "key2ppk: team/three-ed: encrypted, no --passin matched (2 tried)" nomatch.err'
run wrong "$bin/key2ppk" team/one-ed team/two-ed -d wrong --passin file:pw-one < /dev/null
check one_passin_wrong_passphrase '[[ $rc == 1 ]] && grep -qx "key2ppk: team/two-ed: wrong passphrase" wrong.err'

# --- output that cannot surprise
run two_into_one "$bin/key2ppk" home/.ssh/id_rsa home/.ssh/id_ecdsa -o two.ppk
check several_private_inputs_one_file_refused '[[ $rc == 2 && ! -e two.ppk ]] && grep -q "2 inputs would write their private keys into one two.ppk (use -d DIR" two_into_one.err'
run dry "$bin/key2ppk" home/.ssh/id_ed25519 --dry-run
check dry_run_to_stdout_writes_no_key '[[ $rc == 0 ]] && grep -qx "<stdout>: ppk, [0-9,]* bytes" dry.out && ! grep -q PuTTY dry.out'
openssl req -x509 -nodes -newkey ed25519 -keyout /dev/null -out cert.pem -subj /CN=vm7 2>/dev/null
run dash "$bin/sshpubfromcert" cert.pem -o -
check dash_o_is_stdout '[[ $rc == 0 && ! -e - ]] && grep -q "^ssh-ed25519 .* vm7$" dash.out'
script -qec "$bin/key2ppk team/one-ed" /dev/null > tty-key.txt 2>&1 < /dev/null || true
check private_key_to_terminal_refused_before_asking 'grep -q "refusing to write a private key to a terminal" tty-key.txt && ! grep -q "passphrase for" tty-key.txt'
script -qec "$bin/pem2der cert.pem" /dev/null > tty-der.txt 2>&1 < /dev/null || true
check der_to_terminal_refused 'grep -q "refusing to write binary DER to a terminal (use -o FILE or redirect)" tty-der.txt'
run gkc "$bin/genkeycert" --type ed25519 --subject CN=vm9 --keyout vm9.key -o vm9.pem
check genkeycert_dash_o_and_comment_is_cn '[[ $rc == 0 ]] && openssl x509 -in vm9.pem -noout -subject | grep -q vm9 && ssh-keygen -l -f vm9.key | grep -q " vm9 (ED25519)$"'
run fmt "$bin/ppk2key" --key-format PKCS8 home/.ssh/id_rsa -o rsa8.pem
run fmt2 "$bin/ppk2key" --format Traditional home/.ssh/id_rsa -o rsa1.pem
run fmt3 "$bin/genkeycert" --key-format pem --keyout g1.key --out g1.pem
check key_format_aliases_any_case 'grep -q "BEGIN PRIVATE KEY" rsa8.pem && grep -q "BEGIN RSA PRIVATE KEY" rsa1.pem && grep -q "BEGIN RSA PRIVATE KEY" g1.key'
for j in -1 0; do
    run jobs "$bin/pem2der" -j $j cert.pem
    check "jobs_${j}_is_a_usage_error" '[[ $rc == 2 ]] && grep -q "at least 1" jobs.err'
done

# --- progress and interruption: 2,000 keys (hard links), each slowed by an Argon2 pass
mkdir -p many
for i in $(seq 1 4); do ssh-keygen -q -t ed25519 -N '' -f "seed$i"; done
/usr/bin/python3 -c 'import os; [os.link("seed%d" % (i % 4 + 1), "many/k%04d" % i) for i in range(2000)]'
printf 'batch-pass\n' > pw.txt
slow=(--passout file:pw.txt --ppk-param memory=8192,passes=2 -j 2)
for sig in INT TERM; do
    env --default-signal=INT "$bin/key2ppk" "${slow[@]}" -r many -d "int-$sig" --json > "int-$sig.json" 2> "int-$sig.err" &
    pid=$!
    sleep 2
    kill -s "$sig" "$pid"
    set +e; wait "$pid"; rc=$?; set -e
    mkdir -p "int-$sig"
    n=$(find "int-$sig" -name '*.ppk' | wc -l)
    partial=$(incomplete "int-$sig" | wc -l)
    want=$([[ $sig == INT ]] && echo 130 || echo 143)
    check "sig$sig: exit $want, complete files only ($n)" '[[ $rc == $want && $n -gt 0 && $n -lt 2000 && $partial == 0 && -z $(find "int-$sig" -name ".keypipe-*") ]]'
    check "sig$sig: interrupted summary" 'grep -qx "interrupted (SIG$sig): converted $n, skipped 0, failed 0, not started [0-9]*" "int-$sig.err" && tail -1 "int-$sig.json" | grep -q "\"interrupted\":\"SIG$sig\""'
done
script -qec "$bin/key2ppk ${slow[*]} -r many -d progress" /dev/null > progress.txt 2>&1 &
pid=$!
sleep 1
kill -INT "$pid" 2>/dev/null || true
wait "$pid" || true
check progress_line_within_a_second 'grep -aq "\] [0-9]*/2000  [0-9.]*/s" progress.txt'
mkdir -p many-certs
/usr/bin/python3 -c 'import os; [os.link("cert.pem", "many-certs/c%04d.pem" % i) for i in range(3000)]'
# stdout and stderr on one pty, read to the end (script(1) can drop the tail of the output
# when its own stdin is at end of file).
/usr/bin/python3 - "$bin/sshpubfromcert" -r many-certs > same-tty.txt <<'PY'
import os, sys
master, slave = os.openpty()
pid = os.fork()
if pid == 0:
    os.setsid()
    os.dup2(slave, 1); os.dup2(slave, 2)
    os.execv(sys.argv[1], sys.argv[1:])
os.close(slave)
out = bytearray()
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the child and its pty are gone
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.buffer.write(bytes(out))
PY
check same_terminal_all_lines_printed '[[ $(grep -c "^ssh-ed25519" same-tty.txt) == 3000 ]]'
check no_progress_line_between_lines_on_the_same_terminal '! grep -aq "/s" same-tty.txt'

# --- issue 14: loops, unreadable folders, numbered outputs, two runs, failing stdout
mkdir -p loop && cp home/.ssh/id_ed25519 loop/k && ln -s . loop/a && ln -s . loop/b
run loop timeout 60 "$bin/key2ppk" -r loop -d loopout --follow-symlinks
check symlink_loop_reported_once_each_and_skipped '[[ $rc == 0 && -f loopout/k.ppk ]] && grep -qx "converted 1, skipped 2 (symlink loop), failed 0" loop.err && [[ $(grep -c "^key2ppk: loop/[ab]: skipped (symlink loop)$" loop.err) == 2 ]]'
runas=()
if [[ $(id -u) == 0 ]]; then runas=(setpriv --reuid=65534 --regid=65534 --clear-groups); chmod 755 "$work"; fi
mkdir -p tree/ok tree/locked && cp home/.ssh/id_ed25519 tree/ok/k && cp home/.ssh/id_ecdsa tree/locked/k
[[ $(id -u) == 0 ]] && chown -R 65534:65534 tree
chmod 000 tree/locked
run locked "${runas[@]}" "$bin/key2ppk" -r tree -d tree/out
chmod 755 tree/locked
check unreadable_folder_is_one_failure '[[ $rc == 1 && -f tree/out/ok/k.ppk ]] && grep -qx "key2ppk: tree/locked: cannot open the folder: Permission denied" locked.err && grep -qx "converted 1, skipped 0, failed 1" locked.err'
openssl x509 -in cert.pem -outform der > cat-1.der
cat cat-1.der cat-1.der > cat.der  # two objects: der2pem writes cat-1.pem and cat-2.pem
run numbered "$bin/der2pem" cat.der cat-1.der -d numbered -j 2
check numbered_outputs_clash_refused_before_writing '[[ $rc == 2 && ! -e numbered ]] && grep -q "cat.der and cat-1.der could both write numbered/cat-1" numbered.err'
mkdir -p conc
/usr/bin/python3 -c 'import os; [os.link("seed%d" % (i % 4 + 1), "conc/k%04d" % i) for i in range(400)]'
set +e
"$bin/key2ppk" -r conc -d concout -j 2 2> conc1.err & p1=$!
"$bin/key2ppk" -r conc -d concout -j 2 2> conc2.err & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
set -e
check two_runs_at_once_skip_not_fail '[[ $r1 == 0 && $r2 == 0 && $(ls concout | wc -l) == 400 ]] && ! grep -q "failed [1-9]\|file exists (use" conc1.err conc2.err'
check json_to_full_stdout_exit_1 '[[ $(set +e; "$bin/key2ppk" -r home/.ssh -d fullout3 --json > /dev/full 2>/dev/null; echo $?) == 1 ]]'
check dry_run_to_full_stdout_exit_1 '[[ $(set +e; "$bin/key2ppk" -r home/.ssh -d fullout4 --dry-run > /dev/full 2>/dev/null; echo $?) == 1 ]]'
set +e +o pipefail
"$bin/key2ppk" -r many -d piped --json 2> pipe.err | head -c1 > /dev/null
rc=${PIPESTATUS[0]}
set -e -o pipefail
check closed_pipe_exit_1_with_summary '[[ $rc == 1 ]] && grep -q "^key2ppk: <stdout>: write failed" pipe.err && grep -q "^converted [0-9]*, skipped 0, failed 0" pipe.err'
check closed_pipe_files_complete '[[ -z $(incomplete piped) ]]'

# --- small ones: names in --dry-run and --json
mkdir -p odd && cp home/.ssh/id_ed25519 "odd/$(printf 'x\033[31m\nz\377')"
run odd_dry "$bin/key2ppk" -r odd -d oddout --dry-run
check dry_run_escapes_names '[[ $(wc -l < odd_dry.out) == 1 ]] && grep -qF "oddout/x\\x1b[31m\\x0az\\xff.ppk" odd_dry.out'
run odd_json "$bin/key2ppk" -r odd -d oddout --json
check json_names_lossless 'head -1 odd_json.out | grep -q "\"input_bytes_hex\":\"6f64642f781b5b33316d0a7aff\""'

# --- memory does not grow with the folder: 100,000 inputs (hard links to 4 keys)
/usr/bin/python3 -c '
import os
for i in range(100000):
    d = "huge/%02d" % (i % 100)
    os.makedirs(d, exist_ok=True)
    os.link("seed%d" % (i % 4 + 1), "%s/k%06d" % (d, i))'
/usr/bin/time -f %M "$bin/key2ppk" -q -r huge -d hugeout --dry-run > /dev/null 2> huge.err || true
rss_kb=$(tail -1 huge.err)
echo "100,000 inputs (--dry-run): peak RSS $((rss_kb / 1024)) MB"
check hundred_thousand_inputs_planned 'grep -qx "would convert 100000, skipped 0, failed 0" <(sed "\$d" huge.err)'
if [[ ${KEYPIPE_SANITIZED:-0} == 1 ]]; then
    skip hundred_thousand_inputs_under_64MB "AddressSanitizer's shadow memory and quarantine inflate RSS"
else
    check hundred_thousand_inputs_under_64MB '[[ $rss_kb -lt 65536 ]]'
fi

finish
