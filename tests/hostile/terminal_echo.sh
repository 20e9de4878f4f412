#!/usr/bin/env bash
# Terminal echo (issue 14 item 8): a signal that ends a tool while its passphrase prompt
# has echo off (Ctrl-C, Ctrl-\, kill, hang-up...) must leave the terminal with echo on,
# as ssh-keygen does. The tool runs on a pseudo-terminal of its own; the test waits until
# echo is off (the prompt is up), sends the signal and reads the terminal's modes back.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=$PWD/build/bin bash tests/hostile/terminal_echo.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

openssl genpkey -algorithm ed25519 -out key.pem 2>/dev/null
openssl pkcs8 -topk8 -in key.pem -passout pass:pw -out enc.pem 2>/dev/null

cat > prompt.py <<'EOF'
# prompt.py HOW COMMAND...: runs COMMAND on a new pseudo-terminal, waits until echo is off,
# ends it (HOW: "ctrl-c", "ctrl-backslash" or a signal name for kill) and prints "echo on"
# or "echo off" as the terminal is left.
import os, signal, sys, termios, time
how, cmd = sys.argv[1], sys.argv[2:]
master, slave = os.openpty()
pid = os.fork()
if pid == 0:
    os.setsid()
    import fcntl
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    os.execv(cmd[0], cmd)
deadline = time.time() + 15
while termios.tcgetattr(slave)[3] & termios.ECHO:
    if time.time() > deadline:
        sys.exit("the prompt never turned echo off")
    time.sleep(0.02)
time.sleep(0.1)
if how == "ctrl-c":
    os.write(master, b"\x03")
elif how == "ctrl-backslash":
    os.write(master, b"\x1c")
else:
    os.kill(pid, getattr(signal, how))
os.waitpid(pid, 0)
print("echo on" if termios.tcgetattr(slave)[3] & termios.ECHO else "echo off")
EOF

for how in ctrl-c ctrl-backslash SIGTERM SIGHUP SIGALRM SIGUSR1; do  # (a batch ignores SIGPIPE)
    result=$(timeout 30 /usr/bin/python3 prompt.py "$how" "$bin/ppk2key" enc.pem -o out.key 2>&1 || true)
    check "echo restored after $how at the prompt" '[[ $result == "echo on" ]]'
done
result=$(timeout 30 /usr/bin/python3 prompt.py ctrl-c "$bin/key2ppk" --passout prompt key.pem -o out.ppk 2>&1 || true)
check "echo restored after ctrl-c at a new-passphrase prompt" '[[ $result == "echo on" ]]'
check "no output file after the interrupted prompts" '[[ ! -e out.key && ! -e out.ppk ]]'

finish
