#!/usr/bin/env bash
# Runs every hostile file (files/, listed in expectations.tsv by make.py) through every
# tool that takes that kind of input, as a file argument and on stdin, and asserts for
# each run: exit status exactly 1 (no signal, no time-out, no usage error), exactly one
# stderr line "TOOL: INPUT: ..." matching the expected regex, at most 512 bytes and free of
# control characters (input text in it is escaped and cut), nothing on stdout, and no
# output or temporary file left — under a 4 GiB address-space cap (skipped in sanitizer
# builds, whose shadow memory needs more) and a 20 s time cap.
set -euo pipefail
bin=${KEYPIPE_BIN:?set KEYPIPE_BIN to the folder with the built tools}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
failures=()

limit_memory=1
[[ ${KEYPIPE_SANITIZED:-0} == 1 ]] && limit_memory=0

# The checks after each run are bash builtins, not wc/grep/ls: hundreds of runs, and on a
# small machine every process started costs several milliseconds.
ctrl=$'[\x01-\x09\x0b-\x1f\x7f]'
mkdir "$work/out"
run_one() {  # run_one TOOL FILE MODE(file|stdin) REGEX
    local tool=$1 file=$2 mode=$3 regex=$4 out=$work/out rc
    local args=()
    # every reader gets the passphrase (unneeded, it is ignored), so the files behind it are tested
    args+=(--passin "file:$here/passphrase.txt")
    [[ $tool == key2pfx ]] && args+=(--passout "file:$here/passphrase.txt")
    set +e
    if [[ $mode == file ]]; then
        (((limit_memory)) && ulimit -v 4194304; exec timeout 20 "$bin/$tool" "${args[@]}" -o "$out/result" "$file") \
            > "$work/stdout" 2> "$work/stderr" < /dev/null
    else
        (((limit_memory)) && ulimit -v 4194304; exec timeout 20 "$bin/$tool" "${args[@]}") \
            > "$work/stdout" 2> "$work/stderr" < "$file"
    fi
    rc=$?
    set -e
    # stderr as bytes: the whole file, or up to a NUL byte (then read succeeds)
    local LC_ALL=C err="" nul=0 newlines left files matches=0
    IFS= read -r -d '' err < "$work/stderr" && nul=1
    newlines=${err//[!$'\n']/}
    shopt -s nullglob dotglob
    files=("$out"/*)
    shopt -u nullglob dotglob
    left=${files[*]##*/}
    local why=""
    if [[ $rc != 1 ]]; then why="exit $rc"
    elif ((nul)); then why="NUL byte on stderr"
    elif [[ ${#newlines} != 1 ]]; then why="${#newlines} stderr lines"
    elif [[ $err != *$'\n' ]]; then why="stderr does not end with a newline"
    elif [[ $err != "$tool: "* ]]; then why="stderr does not start with '$tool: '"
    elif ((${#err} > 512)); then why="stderr line of ${#err} bytes"
    elif [[ $err == *$ctrl* ]]; then why="control character on stderr"
    elif shopt -s nocasematch; [[ ${err%$'\n'} =~ $regex ]] && matches=1; shopt -u nocasematch; ((!matches)); then
        why="message does not match /$regex/"
    elif [[ -s $work/stdout ]]; then why="stdout not empty"
    elif [[ -n $left ]]; then why="left a file: $left"
    fi
    [[ -z $left ]] || { rm -rf "$out" && mkdir "$out"; }
    if [[ -z $why ]]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failures+=("$tool $(basename "$file") ($mode): $why: $(head -c 200 "$work/stderr")")
    fi
}

found_tool=0
while IFS=$'\t' read -r name tools regex; do
    [[ $name == \#* || -z $name ]] && continue
    for tool in $tools; do
        [[ -x $bin/$tool ]] || continue
        found_tool=1
        run_one "$tool" "$here/files/$name" file "$regex"
        run_one "$tool" "$here/files/$name" stdin "$regex"
    done
done < "$here/expectations.tsv"

# Over the input size limit (generated here: 64 MiB + 1 byte is not worth committing).
head -c $((64 * 1024 * 1024 + 1)) /dev/zero > "$work/input-64mib-plus-one"
for tool in pem2der key2ppk; do
    [[ -x $bin/$tool ]] && run_one "$tool" "$work/input-64mib-plus-one" file 'larger than the 64 MiB limit'
done

# Input text that ends up in the message: escape sequences and a 200 000-byte label.
label=$'\e]0;pwned\a\e[2J\e[31mX'
printf -- '-----BEGIN %s-----\nAAAA\n-----END %s-----\n' "$label" "$label" > "$work/label-escapes.pem"
long=$(head -c 200000 /dev/zero | tr '\0' L)
printf -- '-----BEGIN %s-----\nAAAA\n-----END %s-----\n' "$long" "$long" > "$work/label-200000-bytes.pem"
for f in label-escapes.pem label-200000-bytes.pem; do
    for tool in pem2der der2pem sshpubfromcert key2ppk ppk2key; do
        [[ -x $bin/$tool ]] && run_one "$tool" "$work/$f" file '.'
    done
done
printf 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: \e[2J%s\nComment: x\n' "$long" > "$work/ppk-encryption-escapes.ppk"
for tool in key2ppk ppk2key; do
    [[ -x $bin/$tool ]] && run_one "$tool" "$work/ppk-encryption-escapes.ppk" file '.'
done

((found_tool)) || { echo "no keypipe tool found in $bin"; exit 1; }
for f in "${failures[@]}"; do echo "FAIL $f"; done
echo "$pass passed, $fail failed"
((fail == 0))
