#!/usr/bin/env bash
# Named pipes, sockets and other users' files at an output name (issue 14 item 1). The
# attack: in a shared sticky folder another user (here `nobody`) makes a FIFO with the
# name a victim will write, and reads it. A private key is never written into a FIFO,
# socket, file or device owned by another user (root's are fine), -f or not; without -f
# every existing target is refused but /dev/null and the process's own streams; and
# opening a FIFO that nobody reads fails at once instead of hanging.
# Needs root (setpriv to other users) for the attack itself; the rest runs as anyone.
# Run by CTest with KEYPIPE_BIN set; stand-alone: KEYPIPE_BIN=$PWD/build/bin bash tests/hostile/fifo_owner.sh
set -euo pipefail
# shellcheck source=tests/testlib.sh
source "$(dirname "$0")/../testlib.sh"

openssl genpkey -algorithm ed25519 -out key.pem 2>/dev/null
chmod 644 key.pem  # readable by the unprivileged victim below
# run TOOL ARGS...: the tool, bounded in time; sets rc, err (stderr text)
run() {
    set +e
    timeout 20 "$@" > out.txt 2> err.txt
    rc=$?
    set -e
    err=$(cat err.txt); [[ -n ${DEBUG:-} ]] && echo "rc=$rc err=$err" >&2 || true
}

if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
    nobody=$(id -u nobody) nogroup=$(id -g nobody)
    as_nobody=(setpriv --reuid="$nobody" --regid="$nogroup" --clear-groups)
    as_user=(setpriv --reuid=12345 --regid=12345 --clear-groups)  # a victim with no name
    chmod 755 "$work"
    mkdir shared && chmod 1777 shared  # like /tmp
    "${as_nobody[@]}" mkfifo shared/id.ppk
    # The attacker keeps reading the FIFO (opened read-write: never sees end of file).
    "${as_nobody[@]}" sh -c 'exec cat 0<>shared/id.ppk' > stolen.txt &
    reader=$!
    for _ in $(seq 100); do [[ $(readlink "/proc/$reader/fd/0" 2>/dev/null) == "$work/shared/id.ppk" ]] && break; sleep 0.05; done

    run "$bin/key2ppk" key.pem -o shared/id.ppk
    check root_never_writes_into_another_users_fifo \
        '[[ $rc == 1 && $err == "key2ppk: shared/id.ppk: refusing to write to another user'"'"'s named pipe" ]]'
    run "$bin/key2ppk" -f key.pem -o shared/id.ppk
    check not_even_with_force '[[ $rc == 1 ]] && grep -q "another user.s named pipe" err.txt'
    # An unprivileged victim, with -f
    run "${as_user[@]}" "$bin/key2ppk" -f key.pem -o shared/id.ppk
    check user_never_writes_into_another_users_fifo '[[ $rc == 1 ]] && grep -q "another user.s named pipe" err.txt'
    run "${as_user[@]}" "$bin/ppk2key" -f key.pem -o "$work/shared/id.ppk"
    check ppk2key_neither '[[ $rc == 1 ]] && grep -q "another user.s named pipe" err.txt'
    sleep 0.2
    kill "$reader" 2>/dev/null || true
    wait "$reader" 2>/dev/null || true
    check the_attacker_read_nothing '[[ ! -s stolen.txt ]]'
    check the_fifo_is_still_there '[[ -p shared/id.ppk ]]'

    # another user's device, even a /dev/null
    mknod shared/null c 1 3 && chown "$nobody:$nogroup" shared/null
    run "$bin/key2ppk" -f key.pem -o shared/null
    check never_writes_to_another_users_device '[[ $rc == 1 ]] && grep -q "another user.s device" err.txt'
    # another user's regular file is replaced (with -f) or refused, never written into
    "${as_nobody[@]}" sh -c 'echo theirs > shared/theirs.ppk; chmod 666 shared/theirs.ppk'
    run "${as_user[@]}" "$bin/key2ppk" -f key.pem -o shared/theirs.ppk
    check another_users_file_is_not_written_into '[[ $rc == 1 && $(cat shared/theirs.ppk) == theirs ]]'
    # root's own FIFO is fine for a user who asks with -f ("root excepted")
    mkfifo shared/roots-fifo && chmod 666 shared/roots-fifo
    cat shared/roots-fifo > from-roots-fifo.txt &
    for _ in $(seq 100); do
        run "${as_user[@]}" "$bin/key2ppk" -f key.pem -o shared/roots-fifo
        grep -q "no process is reading" err.txt || break
        sleep 0.05
    done
    wait
    check roots_fifo_is_written_with_force '[[ $rc == 0 ]] && grep -q "^PuTTY-User-Key-File-3: ssh-ed25519" from-roots-fifo.txt'
else
    skip "attacks by another user" "they need root and setpriv"
fi

# Own FIFO: refused without -f; with -f and nobody reading, an error at once, not a hang
mkfifo own.fifo
run "$bin/key2ppk" key.pem -o own.fifo
check own_fifo_refused_without_force '[[ $rc == 1 && $err == "key2ppk: own.fifo: is a named pipe (use -f to write to it)" ]]'
run "$bin/key2ppk" -f key.pem -o own.fifo
check fifo_nobody_reads_is_an_error_not_a_hang '[[ $rc == 1 && $err == "key2ppk: own.fifo: no process is reading the named pipe" ]]'
# a socket
/usr/bin/python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' own.sock
run "$bin/key2ppk" -f key.pem -o own.sock
check socket_refused '[[ $rc == 1 && $err == "key2ppk: own.sock: is a socket (not written)" ]]'
# a device of ours other than /dev/null: refused without -f
run "$bin/pem2der" key.pem -o /dev/zero
check device_refused_without_force '[[ $rc == 1 && $err == "pem2der: /dev/zero: is a device (use -f to write to it)" ]]'

# What stays allowed without -f: /dev/null and the process's own streams
run "$bin/key2ppk" key.pem -o /dev/null
check dev_null_without_force '[[ $rc == 0 ]]'
set +e; "$bin/key2ppk" key.pem -o /dev/stdout 2> err.txt | cat > via-stdout.ppk; set -e
check dev_stdout_pipe_without_force 'grep -q "^PuTTY-User-Key-File-3" via-stdout.ppk && [[ ! -s err.txt ]]'
"$bin/key2ppk" key.pem -o /dev/stderr 2> via-stderr.ppk
check dev_stderr_without_force 'grep -q "^PuTTY-User-Key-File-3" via-stderr.ppk'
"$bin/key2ppk" key.pem -o /dev/fd/3 3> via-fd3.ppk
check dev_fd_n_without_force 'grep -q "^PuTTY-User-Key-File-3" via-fd3.ppk'
"$bin/key2ppk" key.pem -o >(cat > via-substitution.ppk)
wait
check process_substitution_without_force 'grep -q "^PuTTY-User-Key-File-3" via-substitution.ppk'
run "$bin/key2ppk" key.pem -o /dev/fd/9
check closed_fd_is_an_error '[[ $rc == 1 && $err == "key2ppk: /dev/fd/9: descriptor 9 is not open" ]]'

finish
