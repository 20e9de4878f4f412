#!/usr/bin/python3
"""gen-man.py TOOL_BINARY VERSION > TOOL.1 — a man page from the tool's own --help."""
import sys
from helpparse import parse

TOOLS = ['genkeycert', 'pem2der', 'der2pem', 'sshpubfromcert', 'key2ppk', 'ppk2key']


def esc(s):
    s = s.replace('\\', '\\e').replace('-', '\\-')
    return ('\\&' + s) if s.startswith(('.', "'")) else s


def main():
    h = parse(sys.argv[1])
    version = sys.argv[2]
    name = h['name']
    out = [f'.TH {name.upper()} 1 "" "keypipe {version}" "keypipe"',
           '.SH NAME', f'{name} \\- {esc(h["summary"][0].rstrip("."))}',
           '.SH SYNOPSIS', f'.B {name}', esc(h['usage'][len(name):].strip()),
           '.SH DESCRIPTION']
    out += [esc(s) for s in h['summary']]
    out.append('.SH OPTIONS')
    for o in h['options']:
        flags = ', '.join(f'\\fB{esc(f)}\\fR' for f in o.flags())
        text = o.text + (f' (default: {o.default})' if o.default else '')
        out += ['.TP', flags + (f' \\fI{esc(o.value)}\\fR' if o.value else ''), esc(text)]
    if h['examples']:
        out += ['.SH EXAMPLES', '.nf']
        out += [esc(e) for e in h['examples']]
        out.append('.fi')
    if h['output_names']:
        out += ['.SH OUTPUT NAMES'] + [esc(l) + '\n.br' for l in h['output_names']]
    out += ['.SH EXIT STATUS', esc(h['exit_status']),
            '.SH ENVIRONMENT',
            esc('Variables named by env:VAR in --passin and --passout. BOTAN_MLOCK_POOL_SIZE: the locked memory '
                'pool for secrets in KiB (default 32; the user\'s own value wins).'),
            '.SH FILES',
            esc('/dev/tty: passphrase prompts. OUTPUT: written through an unnamed temporary file (O_TMPFILE) in '
                'the same folder and linked into place when complete; where the filesystem has no O_TMPFILE, '
                'a temporary .keypipe-PID-N.tmp there instead, removed on failure.'),
            '.SH SEE ALSO',
            ', '.join(f'\\fB{t}\\fR(1)' for t in TOOLS if t != name) + ', \\fBopenssl\\fR(1), \\fBssh\\-keygen\\fR(1), \\fBputtygen\\fR(1)']
    print('\n'.join(out))


main()
