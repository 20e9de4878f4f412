#!/usr/bin/env bash
# Batch conversion (issue "batch"): a generated folder of a few hundred mixed keys and
# certificates, with broken files and existing outputs, through every tool's -d/-r mode.
# Checks files, modes, counts, exit status, skip/force, --json against the files, the same
# output for -j 1 and -j 8, and that killing a batch leaves no partial file.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=build/bin bash tests/interop/batch.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

# --- the corpus: 40 RSA (PKCS#1 and PKCS#8), 120 EC, 140 Ed25519 keys, 60 certificates,
# nested folders, a hidden file, a symlink, and 3 broken files.
mkdir -p keys/team/a keys/team/b certs
for i in $(seq 1 20); do openssl genrsa -traditional -out "keys/team/a/rsa$i.pem" 1024 2>/dev/null; done
for i in $(seq 1 20); do openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "keys/team/b/rsa8-$i.pem" 2>/dev/null; done
for i in $(seq 1 60); do openssl ecparam -genkey -name prime256v1 -noout -out "keys/ec$i.pem" 2>/dev/null; done
for i in $(seq 1 60); do openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "keys/team/ecp8-$i.pem" 2>/dev/null; done
for i in $(seq 1 70); do ssh-keygen -q -t ed25519 -N '' -C "ed$i" -f "keys/team/b/ed$i" && rm "keys/team/b/ed$i.pub"; done
for i in $(seq 1 70); do openssl genpkey -algorithm ED25519 -out "keys/edp8-$i.pem" 2>/dev/null; done
for i in $(seq 1 60); do openssl req -x509 -nodes -newkey ed25519 -keyout /dev/null -out "certs/c$i.pem" -subj "/CN=vm$i" 2>/dev/null; done
printf 'not a key\n' > keys/notakey.pem
head -c 100 keys/ec1.pem > keys/team/broken2.pem
printf -- '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' > keys/broken3.pem
cp keys/ec1.pem keys/.hidden.pem
ln -s ../keys/ec2.pem keys/link.pem
good_keys=300 broken=2  # and notakey.pem, skipped (not a key)

# --- pem2der over the certificates, in parallel and serially
set +e; "$bin/pem2der" -r certs -d cer8 -j 8 2> err8.txt; rc=$?; set -e
check pem2der_batch_exit_0 '[[ $rc == 0 ]]'
check pem2der_batch_summary 'grep -qx "converted 60, skipped 0, failed 0" err8.txt'
"$bin/pem2der" -r certs -d cer1 -j 1 2>/dev/null
check pem2der_same_for_j1_and_j8 'diff -r cer1 cer8 >/dev/null'
# --all numbers the blocks of bundle.pem bundle-1.cer, bundle-2.cer: bundle-1.pem would clash
mkdir -p bundles && cat certs/c1.pem certs/c2.pem > bundles/bundle.pem && cp certs/c3.pem bundles/bundle-1.pem
set +e; "$bin/pem2der" --all bundles/bundle.pem bundles/bundle-1.pem -d numbered -f 2> err.txt; rc=$?; set -e
check pem2der_all_numbering_clash_refused '[[ $rc == 2 && ! -e numbered ]] && grep -q "could both write numbered/bundle-1" err.txt'
# a folder made for a mixed batch becomes 0700 once a private key goes into it
"$bin/pem2der" -j 1 certs/c1.pem keys/edp8-1.pem -d mixed/sub 2>/dev/null
check mixed_batch_folder_private '[[ $(stat -c %a mixed) == 700 && $(stat -c %a mixed/sub) == 700 && $(stat -c %a mixed/sub/edp8-1.der) == 600 ]]'
# --json names the key of what pem2der and sshpubfromcert pass through (= ssh-keygen -l)
"$bin/pem2der" -r certs -d cer-json --json > cer.json 2>/dev/null
"$bin/sshpubfromcert" -r certs -d pub-json --json > pub.json 2>/dev/null
want_fp=$(openssl x509 -in certs/c7.pem -pubkey -noout | openssl pkey -pubin -outform der | tail -c 32 |
          { printf '\0\0\0\013ssh-ed25519\0\0\0\040'; cat; } | openssl dgst -sha256 -binary | base64 | tr -d '=')
check json_key_fingerprints '[[ $(grep -c "\"key_type\":\"ssh-ed25519\",\"bits\":256" cer.json) == 60 ]] && grep "\"input\":\"certs/c7.pem\"" cer.json | grep -qF "SHA256:$want_fp" && grep "\"input\":\"certs/c7.pem\"" pub.json | grep -qF "SHA256:$want_fp"'
check pem2der_matches_openssl 'openssl x509 -in certs/c7.pem -outform der | cmp -s - cer8/c7.cer'
"$bin/sshpubfromcert" -r certs -j 8 > lines8.txt
"$bin/sshpubfromcert" -r certs -j 1 > lines1.txt
check sshpubfromcert_stdout_in_input_order '[[ $(wc -l < lines8.txt) == 60 ]] && cmp -s lines1.txt lines8.txt && head -1 lines8.txt | grep -q " vm1$"'

if [[ -x $bin/key2ppk ]]; then
    # --- key2ppk over the key folder
    set +e; "$bin/key2ppk" -r keys -d ppk -j 8 --json > report.json 2> err.txt; rc=$?; set -e
    check key2ppk_batch_exit_1_when_some_fail '[[ $rc == 1 ]]'
    check key2ppk_batch_summary "grep -qx 'converted $good_keys, skipped 1 (not a key), failed $broken' err.txt"
    check key2ppk_one_line_per_failure "[[ \$(grep -c '^key2ppk: keys/.*broken' err.txt) == $broken ]]"
    check key2ppk_names_the_skip "grep -qx 'key2ppk: keys/notakey.pem: skipped (not a key)' err.txt"
    check key2ppk_files_appear "[[ \$(find ppk -name '*.ppk' | wc -l) == $good_keys ]]"
    check key2ppk_keeps_structure '[[ -f ppk/team/a/rsa3.ppk && -f ppk/team/b/ed5.ppk && -f ppk/ec9.ppk ]]'
    check key2ppk_skips_hidden_and_symlinks '[[ ! -e ppk/.hidden.ppk && ! -e ppk/link.ppk ]]'
    check key2ppk_modes_0600 '[[ -z $(find ppk -name "*.ppk" ! -perm 600) && $(stat -c %a ppk) == 700 ]]'
    check key2ppk_no_temp_files '[[ -z $(find ppk -name ".keypipe-*") ]]'
    for f in team/a/rsa3 team/b/rsa8-4 ec9 team/ecp8-11 team/b/ed5 edp8-12; do
        src=keys/$f; [[ -f $src ]] || src=keys/$f.pem
        want=$(ssh-keygen -y -f "$src" 2>/dev/null | cut -d' ' -f1-2 || true)
        [[ -n $want ]] || want=$(openssl pkey -in "$src" -pubout 2>/dev/null | ssh-keygen -i -m PKCS8 -f /dev/stdin 2>/dev/null | cut -d" " -f1-2 || true)
        got=$(puttygen -L "ppk/$f.ppk" | cut -d' ' -f1-2)
        if [[ $f == edp8-12 ]]; then  # ssh-keygen reads no Ed25519 PKCS#8: build the blob from openssl's raw key
            want="ssh-ed25519 $({ printf '\0\0\0\013ssh-ed25519\0\0\0\040'
                                 openssl pkey -in "$src" -pubout -outform der | tail -c 32; } | base64 -w0)"
        fi
        check "puttygen_reads_$(basename "$f")" '[[ -n $got && $got == "$want" ]]'
    done
    /usr/bin/python3 - report.json > json-check.txt <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
summary = rows.pop()["summary"]
ok = [r for r in rows if r["status"] == "converted"]
bad = [r for r in rows if r["status"] == "failed"]
assert summary["converted"] == len(ok) == 300, summary
assert summary["failed"] == len(bad) == 2, summary
assert summary["skipped"] == 1 and summary["skipped_by_reason"] == {"not a key": 1}, summary
for r in ok:
    assert os.path.isfile(r["output"]), r
    assert r["key_type"] in ("ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ssh-ed25519"), r
    assert r["fingerprint"].startswith("SHA256:") and r["encrypted"] is False and r["error"] is None, r
    assert r["output_encrypted"] is False, r
for r in bad:
    assert r["error"] and r["output"] is None, r
print("json ok")
PY
    check key2ppk_json_matches_files 'grep -qx "json ok" json-check.txt'

    # --- a progress line only when stderr is a terminal (script(1) gives it one)
    if need script; then
        # A plain batch of 303 keys can finish before the first line is due (100 ms):
        # one Argon2 pass per key makes both runs last about a second.
        printf 'progress\n' > progress-pw.txt
        slow="--passout file:progress-pw.txt --ppk-param memory=8192,passes=1"
        script -qec "$bin/key2ppk $slow -r keys -d progress-tty" /dev/null > tty.txt 2>&1 || true
        check progress_line_on_a_terminal 'grep -q "\] [0-9]*/303 .*ETA" tty.txt'
        # shellcheck disable=SC2086
        "$bin/key2ppk" $slow -r keys -d progress-file 2> notty.txt || true
        check no_progress_line_when_not_a_terminal '! grep -q "ETA" notty.txt && ! grep -q $'"'"'\r'"'"' notty.txt && grep -q "^converted 300" notty.txt'
    else
        skip "progress line on a terminal" "script(1) is not installed"
    fi

    # --- re-run skips everything; -f overwrites
    touch -d '2000-01-01' ppk/ec9.ppk
    set +e; "$bin/key2ppk" -r keys -d ppk 2> err.txt; rc=$?; set -e
    check rerun_skips_existing "grep -qx 'converted 0, skipped $((good_keys + 1)) ($good_keys exists, 1 not a key), failed $broken' err.txt"
    # the first 10 skips are named, the rest folded into one line
    check rerun_names_first_skips "[[ \$(grep -c '^key2ppk: keys/.*: skipped, ppk/.*\.ppk exists (use -f to replace it)$' err.txt) == 10 ]] && grep -qx 'key2ppk: ... and $((good_keys - 9)) more skipped (use --json for every input)' err.txt"
    set +e; "$bin/key2ppk" -q -r keys -d ppk 2> quiet.txt; set -e
    check quiet_prints_failures_and_summary "[[ \$(wc -l < quiet.txt) == $((broken + 1)) ]] && ! grep -q skipped, quiet.txt"
    check rerun_leaves_files_alone '[[ $(stat -c %Y ppk/ec9.ppk) == $(date -d 2000-01-01 +%s) ]]'
    set +e; "$bin/key2ppk" -r keys -d ppk -f 2> err.txt; set -e
    check force_overwrites "grep -qx 'converted $good_keys, skipped 1 (not a key), failed $broken' err.txt && [[ \$(stat -c %Y ppk/ec9.ppk) != \$(date -d 2000-01-01 +%s) ]]"
    set +e; "$bin/key2ppk" -r keys -d dry --dry-run > dry.txt 2> err.txt; set -e
    check dry_run_writes_nothing "[[ ! -e dry ]] && grep -qx 'would convert $good_keys, skipped 1 (not a key), failed $broken' err.txt"
    check dry_run_lists_outputs "[[ \$(grep -c '^dry/.*\.ppk$' dry.txt) == $good_keys ]] && grep -qx dry/team/a/rsa3.ppk dry.txt"
    set +e; "$bin/key2ppk" -j 1 --fail-fast keys/broken3.pem keys/ec1.pem keys/ec2.pem -d ff 2> err.txt; rc=$?; set -e
    check fail_fast_stops "[[ \$rc == 1 && ! -e ff/ec1.ppk ]] && grep -q 'not run 2' err.txt"
    mkdir -p clash/x clash/y && cp keys/ec1.pem clash/x/k.pem && cp keys/ec2.pem clash/y/k.pem
    set +e; "$bin/key2ppk" clash/x/k.pem clash/y/k.pem -d clashout 2> err.txt; rc=$?; set -e
    check same_output_refused_before_writing '[[ $rc == 2 && ! -e clashout ]] && grep -q "would both write" err.txt'

    # --- -o with --json: the file is the output; when it cannot be written, every input
    # is failed and the summary still comes
    set +e; "$bin/sshpubfromcert" certs/c1.pem certs/c2.pem -o both.pub --json > one.json 2> err.txt; rc=$?; set -e
    check json_with_o_names_the_file '[[ $rc == 0 ]] && [[ $(grep -c "\"output\":\"both.pub\",.*\"status\":\"converted\"" one.json) == 2 ]]'
    set +e; "$bin/sshpubfromcert" certs/c1.pem certs/c2.pem -o nodir/x.pub --json > nodir.json 2> err.txt; rc=$?; set -e
    # (an -o FILE that cannot be created is refused before any input is read)
    check json_output_file_that_cannot_be_created '[[ $rc == 1 ]] && grep -q "nodir/x.pub: cannot create" err.txt'
    # --- a file name that is not UTF-8 still gives valid JSON (U+FFFD), not an abort
    mkdir -p odd && cp keys/ec1.pem "odd/bad$(printf '\377')name.pem" && cp keys/ec2.pem odd/good.pem
    set +e; "$bin/key2ppk" -r odd -d oddout --json > odd.json 2> err.txt; rc=$?; set -e
    check json_survives_non_utf8_names '[[ $rc == 0 ]] && /usr/bin/python3 -c "import json,sys; rows=[json.loads(l) for l in open(\"odd.json\")]; assert rows[-1][\"summary\"][\"converted\"] == 2"'

    # --- killing a batch leaves no partial file: encrypted output makes each key slow
    printf 'batch-pass\n' > pw.txt
    for sig in INT KILL; do
        rm -rf "killed-$sig"
        # (a background job of a script starts with SIGINT ignored: restore the default)
        env --default-signal=INT "$bin/key2ppk" -r keys -d "killed-$sig" -j 2 --passout file:pw.txt --ppk-param passes=13 2>/dev/null &
        pid=$!
        sleep 1.5
        kill -s "$sig" "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        # (the run may have been killed before it made the folder: find must not fail then)
        mkdir -p "killed-$sig"
        n=$(find "killed-$sig" -name '*.ppk' | wc -l)
        partial=0
        while IFS= read -r f; do
            puttygen -L "$f" >/dev/null 2>&1 || partial=$((partial + 1))
            tail -1 "$f" | grep -q '^Private-MAC: [0-9a-f]\{64\}$' || partial=$((partial + 1))
        done < <(find "killed-$sig" -name '*.ppk')
        check "kill_$sig: no partial file ($n complete)" '[[ $partial == 0 && $n -lt $good_keys && -z $(find "killed-$sig" -name ".keypipe-*") ]]'
    done
else
    echo "SKIP: key2ppk not built yet (key2ppk batch checks)"
fi

if [[ -x $bin/ppk2key ]]; then
    "$bin/ppk2key" -r keys/team/b -d ossh 2>/dev/null || true
    check ppk2key_batch_writes_key_files '[[ -f ossh/ed3.key && $(stat -c %a ossh/ed3.key) == 600 ]] && ssh-keygen -y -f ossh/ed3.key >/dev/null'
fi

finish
