# A throw-away sshd on 127.0.0.1 for login tests, and login helpers for ssh and plink.
# Source it, then:  start_sshd DIR   (writes config, host key and authorized_keys path in DIR;
# exports SSHD_PORT, SSHD_HOSTKEY_FP, SSHD_KNOWN_HOSTS, SSHD_AUTHORIZED_KEYS)
#                   ssh_login KEY CMD      plink_login PPK CMD      stop_sshd (also on EXIT)
# Runs as root (sshd needs it); password logins are off, so only keys can get in.
# shellcheck shell=bash

_sshd_pidfile=""

free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

start_sshd() {
    local dir=$1
    mkdir -p "$dir" /run/sshd
    chmod 755 /run/sshd
    SSHD_PORT=$(free_port)
    ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519" -C host
    SSHD_AUTHORIZED_KEYS=$dir/authorized_keys
    : > "$SSHD_AUTHORIZED_KEYS"
    cat > "$dir/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
AuthorizedKeysFile $SSHD_AUTHORIZED_KEYS
PidFile $dir/sshd.pid
StrictModes no
UsePAM no
PermitRootLogin yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
LogLevel VERBOSE
CONF
    _sshd_pidfile=$dir/sshd.pid
    trap stop_sshd EXIT
    /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
    for _ in $(seq 1 100); do
        [[ -s $_sshd_pidfile ]] && (exec 3<>"/dev/tcp/127.0.0.1/$SSHD_PORT") 2>/dev/null && break
        sleep 0.05
    done
    SSHD_HOSTKEY_FP=$(ssh-keygen -l -f "$dir/host_ed25519.pub" | cut -d' ' -f2)
    SSHD_KNOWN_HOSTS=$dir/known_hosts
    echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1-2 "$dir/host_ed25519.pub")" > "$SSHD_KNOWN_HOSTS"
    export SSHD_PORT SSHD_HOSTKEY_FP SSHD_KNOWN_HOSTS SSHD_AUTHORIZED_KEYS
}

stop_sshd() {
    if [[ -n $_sshd_pidfile && -s $_sshd_pidfile ]]; then
        kill "$(cat "$_sshd_pidfile")" 2>/dev/null || true
    fi
    _sshd_pidfile=""
}

# ssh_login KEY CMD: log in with `ssh -i KEY` and run CMD; no prompts, no agent.
ssh_login() {
    timeout 30 ssh -i "$1" -p "$SSHD_PORT" -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none \
        -o UserKnownHostsFile="$SSHD_KNOWN_HOSTS" -o StrictHostKeyChecking=yes -o ConnectTimeout=10 \
        -o LogLevel=ERROR root@127.0.0.1 "$2"
}

# plink_login PPK CMD: log in with PuTTY's plink and run CMD.
plink_login() {
    timeout 30 plink -batch -noagent -hostkey "$SSHD_HOSTKEY_FP" -i "$1" -P "$SSHD_PORT" root@127.0.0.1 "$2" < /dev/null
}
