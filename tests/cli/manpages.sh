#!/usr/bin/env bash
# Every tool has a man page and a bash completion (generated at build time from its
# --help) that list every option its --help lists. The options are taken from --help here
# by a plain grep, independently of the generator, so a generator that drops one fails.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
build=$(cd "$bin/.." && pwd)
tools=(genkeycert pem2der der2pem sshpubfromcert key2ppk ppk2key keyinfo key2pfx)
for tool in "${tools[@]}"; do
    check "$tool is built" '[[ -x $bin/$tool ]]'
    [[ -x $bin/$tool ]] || continue
    man=$build/man/$tool.1 completion=$build/completion/$tool
    check "$tool has a man page" '[[ -s $man ]]'
    check "$tool has a completion" '[[ -s $completion ]]'
    if need man; then
        check "$tool man page renders" 'man -l "$man" >/dev/null 2>&1'
    else
        skip "$tool man page renders" "no man(1) (man-db) installed"
    fi
    for section in "OUTPUT NAMES" ENVIRONMENT FILES; do
        check "$tool man page has $section" 'grep -qx "\.SH $section" "$man"'
    done
    # Options: "  -x [ --long ]" or "  --long" at the start of a help line, before Examples.
    mapfile -t opts < <("$bin/$tool" --help | sed '/^Examples:/,$d' | grep -oE '^  (-[a-zA-Z] \[ )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*')
    check "$tool --help lists options" '(( ${#opts[@]} >= 5 ))'
    for o in "${opts[@]}"; do
        check "$tool man page lists $o" 'grep -q -- "\\\\fB${o//-/\\\\-}\\\\fR" "$man"'
        check "$tool completion offers $o" 'grep -qE -- "[ \"]$o[ \"]" "$completion"'
    done
    while read -r short; do
        check "$tool man page lists $short" 'grep -q -- "\\\\fB\\\\-${short#-}\\\\fR" "$man"'
        check "$tool completion offers $short" 'grep -qE -- "[ \"]$short[ \"]" "$completion"'
    done < <("$bin/$tool" --help | grep -oE '^  -[a-zA-Z] \[' | grep -oE -- '-[a-zA-Z]')
done
finish
