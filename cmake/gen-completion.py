#!/usr/bin/python3
"""gen-completion.py TOOL_BINARY > TOOL — bash completion from the tool's own --help:
every option, fixed choices for values written "a|b|c", file names for inputs and for
FILE/DIR values (directories only for DIR), and for SRC the passphrase sources with a
path after file: (bash splits words at ':', so the word being completed is taken from
the line itself, and only the part after the last ':' is replaced)."""
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
        action = '_keypipe_passphrase_source'

    elif o.value in ('FILE',):
        action = 'COMPREPLY=($(compgen -f -- "$cur"))'
    else:
        action = 'COMPREPLY=()'
    cases.append(f'        {pattern}) {action}; return ;;')
print(f'''# bash completion for {name} (keypipe), generated from `{name} --help`
_keypipe_passphrase_source() {{
    if [[ $cur == file:* ]]; then
        local IFS=$'\\n'
        COMPREPLY=($(compgen -f -- "${{cur#file:}}"))
        COMPREPLY=("${{COMPREPLY[@]/#/file:}}")
    else
        compopt +o filenames  # a source name is not a file name: no quoting of its ':'
        COMPREPLY=($(compgen -W "pass: env: file: fd: prompt" -- "$cur"))
        [[ ${{#COMPREPLY[@]}} == 1 && ${{COMPREPLY[0]}} == *: ]] && compopt -o nospace
    fi
    if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
        local before=${{cur%"${{cur##*:}}"}}
        COMPREPLY=("${{COMPREPLY[@]#"$before"}}")
    fi
}}
{func}() {{
    local line=${{COMP_LINE:0:COMP_POINT}} cur prev words
    cur=${{line##*[[:space:]]}}
    read -ra words <<< "${{line%"$cur"}}"
    prev=${{words[${{#words[@]}}-1]}}
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
