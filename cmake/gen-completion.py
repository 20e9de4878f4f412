#!/usr/bin/python3
"""gen-completion.py TOOL_BINARY > TOOL — bash completion from the tool's own --help:
every option, fixed choices for values written "a|b|c", file names for inputs and for
FILE/DIR/SRC values (directories only for DIR)."""
import sys
from helpparse import parse

h = parse(sys.argv[1])
name = h['name']
func = '_keypipe_' + name.replace('-', '_')
flags = ' '.join(f for o in h['options'] for f in o.flags())
cases = []
for o in h['options']:
    if not o.value:
        continue
    pattern = '|'.join(o.flags())
    if o.choices():
        action = f'COMPREPLY=($(compgen -W "{" ".join(o.choices())}" -- "$cur"))'
    elif o.value == 'DIR':
        action = 'COMPREPLY=($(compgen -d -- "$cur"))'
    elif o.value == 'SRC':
        action = 'COMPREPLY=($(compgen -W "pass: env: file: fd:" -- "$cur")); [[ $cur == file:* ]] && COMPREPLY=($(compgen -P file: -f -- "${cur#file:}"))'
    elif o.value in ('FILE',):
        action = 'COMPREPLY=($(compgen -f -- "$cur"))'
    else:
        action = 'COMPREPLY=()'
    cases.append(f'        {pattern}) {action}; return ;;')
print(f'''# bash completion for {name} (keypipe), generated from `{name} --help`
{func}() {{
    local cur prev
    cur=${{COMP_WORDS[COMP_CWORD]}}
    prev=${{COMP_WORDS[COMP_CWORD-1]}}
    case $prev in
{chr(10).join(cases)}
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "{flags}" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F {func} {name}''')
