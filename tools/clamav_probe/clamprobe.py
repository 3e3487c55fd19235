"""Probes clamscan/sigtool behaviour (how docs/file-types.md was established).

  python3 clamprobe.py types FILE...      CL_TYPE clamscan gives each file
  python3 clamprobe.py passes FILE        which targets/buffers match a marker
  python3 clamprobe.py force CL_TYPE_X    passes of a forced type (.ftm trick)
  python3 clamprobe.py ftm                the built-in .ftm table of libclamav

Needs clamscan and sigtool (ClamAV 1.4.6 was used). Each helper runs one
clamscan with a private, minimal database in a temporary directory.
"""
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARKER = b'QzXwKq'  # mixed case: raw passes see it, normalised ones see qzxwkq


def _run_clamscan(files, dbs, extra=()):
    cmd = ['clamscan', '--no-summary', '--disable-cache', '--max-scantime=5000']
    for d in dbs:
        cmd += ['-d', d]
    return subprocess.run(cmd + list(extra) + files, capture_output=True,
                          text=True, errors='replace')


def types(blobs):
    """CL_TYPE_* of each blob from clamscan --gen-json (None: not typed)."""
    d = tempfile.mkdtemp()
    try:
        db = os.path.join(d, 'none.ndb')
        open(db, 'w').write('Never:0:*:0102030405060708090a0b0c0d0e0f10\n')
        paths = []
        for i, b in enumerate(blobs):
            p = os.path.join(d, 'f%05d' % i)
            open(p, 'wb').write(b)
            paths.append(p)
        r = _run_clamscan(paths, [db], ['--gen-json', '--debug'])
        found = dict(re.findall(r'"FileName":"(f\d+)",\s*"FileType":"(CL_TYPE_\w+)"', r.stderr))
        return [found.get('f%05d' % i) for i in range(len(blobs))]
    finally:
        shutil.rmtree(d)


def marker_sigs():
    """An .ndb and .ldb signature per target type for MARKER and its lower case."""
    nd, ld = [], []
    for t in range(15):
        if t == 8:
            continue
        for tag, pat in (('R', MARKER), ('N', MARKER.lower())):
            nd.append('%s%d:%d:*:%s' % (tag, t, t, pat.hex()))
            ld.append('L%s%d;Engine:51-255,Target:%d;0;%s' % (tag, t, t, pat.hex()))
    return {'ndb': nd, 'ldb': ld}


def scan_layers(data, dbs_lines, ftm=None):
    """(signature, layer type, layer size) of every alert, from the FP debug lines."""
    d = tempfile.mkdtemp()
    try:
        dbs = []
        for ext, lines in dbs_lines.items():
            p = os.path.join(d, 't.' + ext)
            open(p, 'w').write('\n'.join(lines) + '\n')
            dbs.append(p)
        if ftm:
            p = os.path.join(d, 't.ftm')
            open(p, 'w').write(ftm + '\n')
            dbs.append(p)
        f = os.path.join(d, 'sample')
        open(f, 'wb').write(data)
        r = _run_clamscan([f], dbs, ['-z', '--debug'])
        return re.findall(r'FP SIGNATURE: \w+:\d+:(\S+?)\.UNOFFICIAL\s+# Name: \S+, Type: (\S+)',
                          r.stderr)
    finally:
        shutil.rmtree(d)


def passes(data, ftm=None):
    """Alert counts per marker signature: R<t> raw, N<t> normalised, L* logical."""
    return collections.Counter(s for s, _ in scan_layers(data, marker_sigs(), ftm))


def forced_passes(cl_type):
    """Types a file as cl_type with a private .ftm entry, then probes its passes."""
    ftm = '0:0:5a5a545950455a5a:Test:CL_TYPE_ANY:%s' % cl_type
    return passes(b'ZZTYPEZZ\n hello ' + MARKER + b' world\n' + b'\0' * 8, ftm)


def builtin_ftm():
    """The .ftm lines compiled into libclamav (its strings)."""
    libs = glob.glob('/usr/lib/*/libclamav.so.*') + glob.glob('/usr/lib/libclamav.so.*')
    out = subprocess.run(['strings', '-n', '6', sorted(libs)[-1]], capture_output=True,
                         text=True).stdout
    return [l for l in out.splitlines() if re.match(r'^[014]:[^:]*:[^:]+:[^:]*:CL_TYPE_', l)]


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'types':
        for f, t in zip(args, types([open(a, 'rb').read() for a in args])):
            print(t, f)
    elif cmd == 'passes':
        print(json.dumps(passes(open(args[0], 'rb').read()), sort_keys=True))
    elif cmd == 'force':
        print(json.dumps(forced_passes(args[0]), sort_keys=True))
    elif cmd == 'ftm':
        print('\n'.join(builtin_ftm()))
