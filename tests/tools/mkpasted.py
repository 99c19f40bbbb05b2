#!/usr/bin/env python3
"""mkpasted.py OUTDIR FILE... - every way an Expressway log reaches the user
pasted, quoted, forwarded, folded or re-encoded, made from the clean FILEs.

For each FILE and each form, writes OUTDIR/FORM/<n>-<basename>: the same
log as a Notepad++ "Find All" result, grep -n and cat -n output, syslog
lines (priority, doubled program tag, BSD relay stamps, RFC 5424 headers,
#012-escaped line breaks), mail quotes of any depth, markdown indentation
(spaces, tabs, both), code fences (markdown, Jira), "| INVITE", values
padded inside their quotes, folds at several widths (every line, header
lines only, quoted after folding), entry lines broken between fields, UTF-16 with and without a byte order
mark, CRLF and CR CR LF, the characters a web page puts for spaces and
quotes. Every form must read as the same calls and messages as the clean
file (tests/sh/pasted.sh). Prints the form names, one a line.
"""
import os
import re
import sys

HEADER = re.compile(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*) (\S+) (\S+?): (.*)$')
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def is_header(line):
    return HEADER.match(line) is not None


def prefixed(fmt):
    """Every line with a prefix made by fmt(index, line)."""
    return lambda lines: [fmt(i, l) for i, l in enumerate(lines)]


def notepad(lines):
    out = ['Search "." (%d hits in 1 file of 1 searched)' % len(lines),
           '  C:\\Users\\tac\\Downloads\\log.txt (%d hits)' % len(lines)]
    return out + ['\tLine %d: %s' % (i + 1, l) for i, l in enumerate(lines)]


def syslog_doubled(lines):
    return ['<166>' + l.replace(' tvcs: ', ' tvcs: tvcs: ', 1) if is_header(l) else l
            for l in lines]


def syslog_bsd(lines):
    """A relay's "<166>Sep 19 14:01:48 host tvcs: ..." without the ISO time,
    when the entry has a UTCTime to take it from."""
    out = []
    for l in lines:
        m = HEADER.match(l)
        if m and 'UTCTime="' in l:
            t = m.group(1)
            stamp = '%s %2d %s' % (MONTHS[int(t[5:7]) - 1], int(t[8:10]), t[11:19])
            out.append('<166>%s %s %s: %s' % (stamp, m.group(2), m.group(3), m.group(4)))
        else:
            out.append(l)
    return out


def syslog_5424(lines):
    out = []
    for l in lines:
        m = HEADER.match(l)
        out.append('<166>1 %s %s %s - - - %s' % m.groups() if m else l)
    return out


def syslog_escaped(lines):
    """rsyslog: one line per entry, its line breaks written #012."""
    out, cur = [], None
    for l in lines:
        if is_header(l):
            if cur is not None:
                out.append('<166>' + cur)
            cur = l
        elif cur is not None and l.strip() != '':
            cur += '#012' + l
        elif cur is not None:
            out.append('<166>' + cur)
            cur = None
            out.append(l)
        else:
            out.append(l)
    if cur is not None:
        out.append('<166>' + cur)
    return out


def fenced(lines):
    return ['Here is the log:', '', '```text'] + lines + ['```', '', 'Thanks']


def jira(lines):
    return ['{code}'] + lines + ['{code}']


def mixed_indent(lines):
    """Entries indented by a tab, their other lines by four spaces."""
    return ['\t' + l if is_header(l) else ('    ' + l if l else l) for l in lines]


def pipe_space(lines):
    return [re.sub(r'^( ?)\|(?=[A-Z])', r'\1| ', l) for l in lines]


PAIR = re.compile(r'(?<![\w-])([A-Z][A-Za-z-]*)="([^"]*)"(?=$|[ :])')
PADDED = {'UTCTime', 'Module', 'Level', 'Action', 'Event', 'Service', 'Reason', 'Src-ip',
          'Src-port', 'Dst-ip', 'Dst-port', 'Local-ip', 'Local-port', 'Remote-ip',
          'Remote-port', 'Msg-Hash', 'Protocol'}


def padded(lines):
    """The fields of entry lines padded inside their quotes (the free text of
    Detail left as it is: it may hold quotes of its own)."""
    return [PAIR.sub(lambda m: '%s=" %s "' % (m.group(1), m.group(2)) if m.group(1) in PADDED
                     else m.group(0), l) if is_header(l) else l for l in lines]


def fold(width, headers_only=False):
    def f(lines):
        out = []
        for l in lines:
            if headers_only and not is_header(l):
                out.append(l)
                continue
            if l == '':
                out.append(l)
            while len(l) > 0:
                out.append(l[:width])
                l = l[width:]
        return out
    return f


FIELD = re.compile(r' (?=[A-Z][A-Za-z-]*=")')


def wrap_fields(lines):
    """Entry lines broken between two fields at about 100 columns, the blank
    there dropped: text copied out of a PDF or a word processor."""
    out = []
    for l in lines:
        if not is_header(l):
            out.append(l)
            continue
        cur = ''
        for p in FIELD.split(l):
            if cur and len(cur) + len(p) > 100:
                out.append(cur)
                cur = p
            else:
                cur = cur + ' ' + p if cur else p
        out.append(cur)
    return out


def quoted_fold(lines):
    return ['> ' + l for l in fold(76)(lines)]


def web(lines):
    """Copied from a web page: quotes opening and closing values typographic,
    the framing spaces no-break ones."""
    out = []
    for l in lines:
        if is_header(l):
            l = PAIR.sub(lambda m: '%s=\u201c%s\u201d' % (m.group(1), m.group(2)), l)
        elif l.startswith(' '):
            l = '\u00a0' + l[1:]
        out.append(l)
    return out


FORMS = {
    'notepad': notepad,
    'grep-n': prefixed(lambda i, l: '%d:%s' % (i + 1, l)),
    'grep-file': prefixed(lambda i, l: 'loggingsnapshot.txt:%d:%s' % (i + 1, l)),
    'cat-n': prefixed(lambda i, l: '%6d\t%s' % (i + 1, l)),
    'syslog-doubled': syslog_doubled,
    'syslog-bsd': syslog_bsd,
    'syslog-5424': syslog_5424,
    'syslog-escaped': syslog_escaped,
    'quote': prefixed(lambda i, l: '> ' + l),
    'quote-deep': prefixed(lambda i, l: ('> > > ' + l) if l else '> > >'),
    'quote-tight': prefixed(lambda i, l: '>>' + l),
    'indent4': prefixed(lambda i, l: '    ' + l if l else l),
    'indent-tab': prefixed(lambda i, l: '\t' + l if l else l),
    'indent-mixed': mixed_indent,
    'fence': fenced,
    'fence-quoted': lambda lines: ['> ' + l for l in fenced(lines)],
    'jira': jira,
    'pipe-space': pipe_space,
    'padded': padded,
    'fold200': fold(200),
    'fold76': fold(76),
    'fold133-headers': fold(133, headers_only=True),
    'fold-quoted': quoted_fold,
    'wrap-fields': wrap_fields,
    'web': web,
}

# forms of the bytes rather than the lines
ENCODINGS = {
    'utf16le-bom': lambda t: b'\xff\xfe' + t.encode('utf-16-le', 'surrogatepass'),
    'utf16be': lambda t: t.encode('utf-16-be', 'surrogatepass'),
    'crlf': lambda t: t.replace('\n', '\r\n').encode('utf-8', 'surrogateescape'),
    'crcrlf': lambda t: t.replace('\n', '\r\r\n').encode('utf-8', 'surrogateescape'),
    'fold80-crlf': lambda t: '\r\n'.join(fold(80)(t.split('\n'))).encode('utf-8', 'surrogateescape'),
}


def main():
    out, files = sys.argv[1], sys.argv[2:]
    for name in list(FORMS) + list(ENCODINGS):
        os.makedirs(os.path.join(out, name), exist_ok=True)
        print(name)
    for n, path in enumerate(files):
        with open(path, 'rb') as f:
            text = f.read().decode('utf-8', 'surrogateescape')
        text = text.replace('\r\n', '\n')
        lines = text.split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        base = '%d-%s' % (n, os.path.basename(path))
        for name, form in FORMS.items():
            body = '\n'.join(form(lines)) + '\n'
            with open(os.path.join(out, name, base), 'wb') as f:
                f.write(body.encode('utf-8', 'surrogateescape'))
        for name, enc in ENCODINGS.items():
            with open(os.path.join(out, name, base), 'wb') as f:
                f.write(enc('\n'.join(lines) + '\n'))


if __name__ == '__main__':
    main()
