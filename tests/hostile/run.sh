#!/usr/bin/env bash
# Runs every hostile file (files/, listed in expectations.tsv by make.py) through every
# tool that takes that kind of input, as a file argument and on stdin, and asserts for
# each run: exit status exactly 1 (no signal, no time-out, no usage error), exactly one
# stderr line "TOOL: INPUT: ..." matching the expected regex, nothing on stdout, and no
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

run_one() {  # run_one TOOL FILE MODE(file|stdin) REGEX
    local tool=$1 file=$2 mode=$3 regex=$4 out=$work/out rc
    rm -rf "$out" && mkdir "$out"
    local args=()
    [[ $tool == key2ppk || $tool == ppk2key ]] && args+=(--passin "file:$here/passphrase.txt")
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
    local why=""
    if [[ $rc != 1 ]]; then why="exit $rc"
    elif [[ $(wc -l < "$work/stderr") != 1 ]]; then why="$(wc -l < "$work/stderr") stderr lines"
    elif ! grep -q "^$tool: " "$work/stderr"; then why="stderr does not start with '$tool: '"
    elif ! grep -qiE -- "$regex" "$work/stderr"; then why="message does not match /$regex/"
    elif [[ -s $work/stdout ]]; then why="stdout not empty"
    elif [[ -n $(ls -A "$out") ]]; then why="left a file: $(ls -A "$out")"
    fi
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

((found_tool)) || { echo "no keypipe tool found in $bin"; exit 1; }
for f in "${failures[@]}"; do echo "FAIL $f"; done
echo "$pass passed, $fail failed"
((fail == 0))
