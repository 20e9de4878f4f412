#!/usr/bin/env bash
# Bash completion driven in a real interactive bash on a pty: `--passin file:<TAB>`
# completes the path after file: (no space after "file:", the colon not escaped), and
# "prompt" is offered. Each completed line is turned into `printf '<%s>\n' WORDS...` (Ctrl-A
# and a prefix), so the words bash would run are checked, not the screen.
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"
completion=$(cd "$bin/.." && pwd)/completion/key2ppk
printf 'x\n' > pw-file.txt
mkdir -p keys && printf 'x\n' > keys/only-key

/usr/bin/python3 - "$completion" "$bin" > typed.txt <<'PY'
import os, pty, re, select, sys, time

completion, bindir = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    env = {"PATH": bindir + ":/usr/bin:/bin", "HOME": os.getcwd(), "TERM": "dumb", "PS1": "$ ", "INPUTRC": "/dev/null"}
    os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)

def read(seconds):
    out, end = b"", time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return out.decode(errors="replace")

def run(keys):
    os.write(fd, keys.encode())
    read(0.6)
    os.write(fd, b"\x01printf '<%s>\\n' \r")  # Ctrl-A: to the start; the words as printf args
    return read(0.6)

read(0.5)
os.write(fd, f"source {completion}\r".encode())
read(0.5)
screen = run("key2ppk --passin fi\tpw\t")
screen += run("key2ppk --passout pr\t")
screen += run("key2ppk -r keys --passin file:keys/\t")
os.write(fd, b"exit\r")
print(re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]|\r", "", screen))
PY
check passin_file_completes_the_path 'grep -qx "<file:pw-file.txt>" typed.txt'
check no_space_and_no_escape_after_file_colon '! grep -qx "<file:>" typed.txt && ! grep -qF "file\\:" typed.txt'
check prompt_is_offered 'grep -qx "<prompt>" typed.txt'
check path_in_a_folder_after_file_colon 'grep -qx "<file:keys/only-key>" typed.txt'
[[ $fail == 0 ]] || cat typed.txt
finish
