"""Parses a keypipe tool's --help (the one source of its documentation) for the man page
and bash completion generators. The layout is Tool::print_help's: a Usage line, summary
lines, option groups from Boost.ProgramOptions ("  -o [ --output ] FILE   text"), an
Examples section and an Exit status line."""
import re
import subprocess


class Option:
    def __init__(self, short, long, value, text):
        self.short, self.long, self.value, self.text = short, long, value, text
        self.default = None

    def choices(self):
        """Fixed choices, written as value names like "rsa|ecdsa|ed25519"."""
        if self.value and '|' in self.value and re.fullmatch(r'[a-z0-9|.-]+', self.value):
            return self.value.split('|')
        return []

    def flags(self):
        return [f for f in (self.short and '-' + self.short, '--' + self.long) if f]


def parse(tool_path):
    text = subprocess.run([tool_path, '--help'], capture_output=True, text=True, check=True).stdout
    lines = text.splitlines()
    usage = lines[0][len('Usage: '):]
    name = usage.split()[0]
    summary, i = [], 1
    while i < len(lines) and lines[i].strip():
        summary.append(lines[i].strip())
        i += 1
    options, examples, output_names, exit_status, section = [], [], [], '', None
    # Boost starts every description at one column: the indentation of wrapped lines.
    end = min([lines.index(h) for h in ('Examples:', 'Output names:') if h in lines] or [len(lines)])
    option_lines = lines[i:end]
    wrapped = [len(l) - len(l.lstrip(' ')) for l in option_lines if re.match(r'^ {6,}\S', l)]
    col = min(wrapped) if wrapped else 40
    opt_re = re.compile(r'^  (?:-(\w) \[ --([\w-]+) \]|--([\w-]+))(?: ([^\s(]\S*))?(?: \(=([^)]*)\))?$')
    for line in lines[i:]:
        if line.endswith(':') and not line.startswith(' '):
            section = line[:-1]
            continue
        if line.startswith('Exit status:'):
            exit_status = line[len('Exit status:'):].strip()
            continue
        if section == 'Examples' and line.startswith('  '):
            examples.append(line[2:])
            continue
        if section == 'Output names':
            if line.startswith('  '):
                output_names.append(line[2:])
            continue
        head, desc = line.rstrip(), ''
        if len(line) > col and line[col - 1] == ' ' and line[:col].strip():
            head, desc = line[:col].rstrip(), line[col:]
        m = opt_re.match(head)
        if m and section and section != 'Examples':
            short, long1, long2, value, default = m.groups()
            options.append(Option(short, long1 or long2, value, (desc or '').strip()))
            options[-1].default = default
        elif options and line.startswith(' ' * col) and section != 'Examples':
            options[-1].text = (options[-1].text + ' ' + line.strip()).strip()
    return {'name': name, 'usage': usage, 'summary': summary, 'options': options,
            'examples': examples, 'output_names': output_names, 'exit_status': exit_status}
