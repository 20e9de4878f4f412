#!/usr/bin/env bash
# Behaviour tests for the output promises every tool shares (common/output.cpp, cli.cpp):
# private files are 0600 from the start whatever the umask, an existing file is never
# replaced without -f, a failure leaves no file, a private key is never written to a
# terminal, and a needed passphrase with no terminal is a clear error, never a hang.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=build/bin bash tests/cli/safe_output.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

openssl req -x509 -nodes -newkey rsa:2048 -keyout key.pem -out cert.pem -subj /CN=t -days 2 2>/dev/null

# private_output_is_0600_even_with_umask_000
(umask 000; "$bin/pem2der" --label 'PRIVATE KEY' key.pem -o key.der)
check private_output_is_0600_even_with_umask_000 '[[ $(stat -c %a key.der) == 600 ]]'
(umask 000; "$bin/pem2der" cert.pem -o cert.der)
check public_output_follows_umask '[[ $(stat -c %a cert.der) == 666 ]]'
(umask 022; "$bin/pem2der" --label 'PRIVATE KEY' -d outdir key.pem)
check out_dir_for_private_keys_is_0700 '[[ $(stat -c %a outdir) == 700 && $(stat -c %a outdir/key.der) == 600 ]]'

# never_replaces_without_force
echo original > existing.der
set +e; "$bin/pem2der" cert.pem -o existing.der 2> err.txt; rc=$?; set -e
check refuses_existing_file_exit_1 '[[ $rc == 1 ]]'
check refuses_existing_file_keeps_content '[[ $(cat existing.der) == original ]]'
check refuses_existing_file_says_so 'grep -qx "pem2der: existing.der: file exists (use -f to replace it)" err.txt'
"$bin/pem2der" -f cert.pem -o existing.der
check force_replaces 'cmp -s existing.der cert.der'
set +e; "$bin/pem2der" garbage-does-not-exist.pem -o existing.der 2> err.txt; rc=$?; set -e
check existing_output_refused_before_reading_input '[[ $rc == 1 ]] && grep -qx "pem2der: existing.der: file exists (use -f to replace it)" err.txt'

# devices are written to, never replaced (renaming over /dev/null would replace it)
# (on a private copy of /dev/null: a regression must not break the machine's own)
if mknod null c 1 3 2>/dev/null; then
    "$bin/pem2der" cert.pem -o null
    "$bin/pem2der" -f --label 'PRIVATE KEY' key.pem -o null
    check device_output_is_written_not_replaced '[[ -c null ]]'
fi
mkfifo fifo
cat fifo > from-fifo.der &
for try in $(seq 100); do  # until cat has opened the FIFO: a writer never waits for a reader
    "$bin/pem2der" -f cert.pem -o fifo 2> err.txt && break
    grep -q "no process is reading the named pipe" err.txt || break
    sleep 0.1
done
wait
check fifo_output_is_written_not_replaced '[[ -p fifo ]] && cmp -s from-fifo.der cert.der'

# no_file_left_on_failure
printf 'garbage' > garbage.pem
set +e; "$bin/pem2der" garbage.pem -o left.der 2> err.txt; rc=$?; set -e
check no_file_left_on_failure '[[ $rc == 1 && ! -e left.der && $(wc -l < err.txt) == 1 ]]'
check no_temp_file_left '[[ -z $(find . -name ".keypipe-*") ]]'
set +e; "$bin/pem2der" cert.pem garbage.pem -o both.der 2> err.txt; rc=$?; set -e
check output_file_not_written_when_an_input_fails '[[ $rc == 1 && ! -e both.der ]]'

# refuses_terminal (script(1) gives the tool a pty as stdout)
if need script; then
    script -qec "$bin/pem2der --label 'PRIVATE KEY' key.pem" /dev/null > tty.txt 2>&1 || true
    check refuses_private_key_to_terminal 'grep -q "refusing to write a private key to a terminal" tty.txt && ! grep -q "^0" tty.txt'
    script -qec "$bin/pem2der cert.pem | wc -c" /dev/null > tty2.txt 2>&1 || true
    check public_output_to_pipe_is_fine 'grep -q "[0-9]" tty2.txt'
else
    skip "private key to a terminal" "script(1) is not installed"
fi

# no_hang_without_passphrase: encrypted input, no --passin, no terminal
openssl pkcs8 -topk8 -in key.pem -passout pass:pw -out enc.pem 2>/dev/null
if [[ -x $bin/ppk2key ]]; then
    set +e; setsid -w timeout 20 "$bin/ppk2key" enc.pem -o dec.key < /dev/null 2> err.txt; rc=$?; set -e
    check no_hang_without_passphrase '[[ $rc == 1 ]] && grep -q -- "--passin" err.txt && [[ ! -e dec.key ]]'
    set +e; "$bin/ppk2key" --passin pass:s3cr3t-guess enc.pem -o dec.key 2> err.txt; rc=$?; set -e
    check wrong_passphrase_one_line_without_the_secret '[[ $rc == 1 && $(wc -l < err.txt) == 1 ]] && grep -q "wrong passphrase" err.txt && ! grep -q s3cr3t err.txt'
    "$bin/ppk2key" --passin pass:unused key.pem -o plain.key
    check unneeded_passphrase_is_ignored '[[ -s plain.key && $(stat -c %a plain.key) == 600 ]]'
fi

# prompts: the passphrase is read from the terminal (script(1) gives the tool one), a new
# one is asked twice, and a mismatch is an error
if need script && [[ -x $bin/ppk2key ]]; then
    printf 'pw\n' | script -qec "$bin/ppk2key enc.pem -o prompted.key" /dev/null > tty3.txt 2>&1 || true
    check prompt_reads_passphrase_from_terminal '[[ -s prompted.key ]] && grep -q "Enter passphrase for enc.pem" tty3.txt'
    # (prompted.key stays encrypted with pw, as its input was: asked first)
    printf 'pw\nnew\nnew\n' | script -qec "$bin/ppk2key --passout prompt prompted.key -o reprompted.key" /dev/null > tty4.txt 2>&1 || true
    check prompt_asks_twice_for_a_new_passphrase '[[ -s reprompted.key ]] && ssh-keygen -y -P new -f reprompted.key >/dev/null'
    printf 'pw\none\ntwo\n' | script -qec "$bin/ppk2key --passout prompt prompted.key -o mismatch.key" /dev/null > tty5.txt 2>&1 || true
    check prompt_mismatch_is_an_error '[[ ! -e mismatch.key ]] && grep -q "passphrases do not match" tty5.txt'
else
    skip "passphrase prompts" "script(1) is not installed"
fi

# an empty new passphrase is refused, never taken as "no encryption"
: > empty-pw.txt
for cmd in "genkeycert --type ed25519 --keyout empty-enc.key --out empty-enc.pem --passout file:empty-pw.txt" \
           "genkeycert --type ed25519 --keyout empty-enc.key --out empty-enc.pem --passout env:KEYPIPE_EMPTY" \
           "key2ppk key.pem -o empty-enc.key --passout file:empty-pw.txt" \
           "key2ppk key.pem -o empty-enc.key --passout env:KEYPIPE_EMPTY" \
           "ppk2key key.pem -o empty-enc.key --passout file:empty-pw.txt" \
           "ppk2key key.pem -o empty-enc.key --passout pass:" \
           "ppk2key --format pkcs8 key.pem -o empty-enc.key --passout env:KEYPIPE_EMPTY"; do
    set +e; read -ra a <<<"$cmd"; KEYPIPE_EMPTY= "$bin/${a[0]}" "${a[@]:1}" > out.txt 2> err.txt; rc=$?; set -e
    check "empty --passout refused: $cmd" \
        '[[ $rc == 1 && ! -e empty-enc.key && ! -e empty-enc.pem && ! -s out.txt && $(wc -l < err.txt) == 1 ]] && grep -q "^${a[0]}: .*--passout gives an empty passphrase" err.txt'
    rm -f empty-enc.key empty-enc.pem
done
if need script && [[ -x $bin/ppk2key ]]; then
    printf '\n\n' | script -qec "$bin/ppk2key --passout prompt key.pem -o empty-prompt.key" /dev/null > tty6.txt 2>&1 || true
    check empty_prompted_new_passphrase_refused '[[ ! -e empty-prompt.key ]] && grep -q "empty passphrase" tty6.txt'
else
    skip "empty prompted passphrase" "script(1) is not installed"
fi

# usage errors are exit 2, one line
set +e; "$bin/pem2der" --no-such-option 2> err.txt; rc=$?; set -e
check usage_error_exit_2 '[[ $rc == 2 && $(wc -l < err.txt) == 1 ]]'
set +e; "$bin/pem2der" -o a -d b cert.pem 2> err.txt; rc=$?; set -e
check o_and_d_conflict '[[ $rc == 2 ]]'

finish
