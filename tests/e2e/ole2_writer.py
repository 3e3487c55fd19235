"""A small writer of OLE2 compound files ([MS-CFB]) and of the VBA project
storage inside them ([MS-OVBA]), for test fixtures. Standard library only.
The C++ unit tests have a twin of this writer
(tests/unit/formats/ole2/ole2_test.cc: WriteCfb, VbaStorage, OvbaCompress).

A version 3 compound file is a 512-byte header, then 512-byte sectors
numbered from 0:

    FAT sectors        the chain table of the regular sectors (the header's
                       DIFAT array lists them; up to 109, 6.8 MB of file)
    directory          128-byte entries: the root, then every storage and
                       stream; the children of a storage form a red-black
                       tree ordered by name length, then upper-cased name
    MiniFAT            the chain table of the 64-byte mini sectors
    mini stream        every stream shorter than 4096 bytes, in 64-byte
                       mini sectors (the root entry locates it)
    regular streams    the others, each in its own run of sectors

The red-black tree of each storage is the balanced tree over its sorted
children; the nodes of an incomplete last level are red, every other node
is black, which keeps every path to a leaf at the same black height.

A VBA project (a Word vbaProject.bin, or the "Macros" storage of a .doc) is
a storage named "VBA" holding "dir" (the compressed project records, which
name each module's stream and where its compressed source starts in it),
"_VBA_PROJECT" and one stream per module (a performance cache the readers
skip, then the compressed source), next to a "PROJECT" text stream.

The MS-OVBA compression here stores each full 4096-byte chunk raw and the
last, shorter one as a compressed chunk of literal tokens only (a flag
byte of 0 before every 8 bytes). A literal-only chunk grows by one byte in
eight, so the last chunk must be at most 3640 bytes: the writer asserts it.
A string longer than 8 bytes in a source under 4096 bytes is therefore
never contiguous in the module stream.

    cfb([Stream("a", b"..."), Storage("s", [Stream("b", b"...")])]) -> bytes
    vba_project([("Module1", b"Sub X()...")]) -> bytes (a vbaProject.bin)
"""

import struct

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
END = 0xFFFFFFFE  # ENDOFCHAIN
FREE = 0xFFFFFFFF  # FREESECT
FAT_SECT = 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF
MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")

CHUNK = 4096  # MS-OVBA decompressed chunk size
MAX_LITERAL_CHUNK = 3640  # 3640 + 455 flag bytes = 4095 <= 4096


class Stream:
    def __init__(self, name, data):
        self.name, self.data, self.children = name, bytes(data), None


class Storage:
    def __init__(self, name, children):
        self.name, self.data, self.children = name, b"", list(children)


# ------------------------------------------------------------ [MS-CFB]


class _Entry:
    def __init__(self, name, kind, data=b""):
        self.name, self.kind, self.data = name, kind, data
        self.left = self.right = self.child = NO_STREAM
        self.red = False
        self.start, self.size = END, len(data)


def _name_key(name):
    # [MS-CFB] 2.6.4: shorter names first, then by upper-cased UTF-16.
    return (len(name.encode("utf-16-le")), name.upper().encode("utf-16-be"))


def _tree(entries, indices, depth, red_depth):
    """The balanced tree over `indices` (sorted); returns its root."""
    if not indices:
        return NO_STREAM
    mid = len(indices) // 2
    root = entries[indices[mid]]
    root.red = depth >= red_depth
    root.left = _tree(entries, indices[:mid], depth + 1, red_depth)
    root.right = _tree(entries, indices[mid + 1:], depth + 1, red_depth)
    return indices[mid]


def _flatten(node, parent, entries):
    first = len(entries)
    for c in node.children:
        entries.append(_Entry(c.name, 1 if c.children is not None else 2, c.data))
    kids = sorted(range(first, len(entries)), key=lambda i: _name_key(entries[i].name))
    assert len({_name_key(entries[i].name) for i in kids}) == len(kids), "duplicate names"
    full_levels = (len(kids) + 1).bit_length() - 1  # levels of a full tree
    entries[parent].child = _tree(entries, kids, 0, full_levels)
    for i, c in zip(range(first, len(entries)), node.children):
        if c.children is not None:
            _flatten(c, i, entries)


def _sectors(n, size=SECTOR):
    return (n + size - 1) // size


def _chain(table, first, n):
    for k in range(n):
        table[first + k] = first + k + 1 if k + 1 < n else END


def _entry_bytes(e):
    if e is None:  # an unused slot
        return bytes(64) + struct.pack("<HBBIII", 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM) + bytes(48)
    raw = e.name.encode("utf-16-le") + b"\0\0"
    assert len(raw) <= 64, e.name
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), e.kind, 0 if e.red else 1) +
            struct.pack("<III", e.left, e.right, e.child) + bytes(16) + bytes(4) + bytes(16) +
            struct.pack("<IQ", e.start, e.size))


def _mini_stream(entries):
    """The mini stream and the MiniFAT; sets start of each small stream."""
    mini, minifat = b"", []
    for e in entries[1:]:
        if e.kind != 2 or e.size == 0 or e.size >= MINI_CUTOFF:
            continue
        n = _sectors(e.size, MINI_SECTOR)
        e.start = len(minifat)
        minifat += [0] * n
        _chain(minifat, e.start, n)
        mini += e.data.ljust(n * MINI_SECTOR, b"\0")
    return mini, minifat


def cfb(children):
    """A version 3 compound file whose root storage holds `children`."""
    entries = [_Entry("Root Entry", 5)]
    _flatten(Storage("", children), 0, entries)
    mini, minifat = _mini_stream(entries)
    big = [e for e in entries[1:] if e.kind == 2 and e.size >= MINI_CUTOFF]
    dir_n = _sectors(len(entries) * 128)
    minifat_bytes = struct.pack("<%dI" % len(minifat), *minifat)
    minifat_n, mini_n = _sectors(len(minifat_bytes)), _sectors(len(mini))
    data_n = dir_n + minifat_n + mini_n + sum(_sectors(e.size) for e in big)
    per = SECTOR // 4
    fat_n = 1
    while fat_n * per < fat_n + data_n:
        fat_n += 1
    assert fat_n <= 109, "no DIFAT sectors: file too large"
    fat = [FREE] * (fat_n * per)
    fat[:fat_n] = [FAT_SECT] * fat_n
    body = []  # the data sectors' bytes, in order from sector fat_n
    next_sector = [fat_n]

    def place(data, n):
        if n == 0:
            return END
        first = next_sector[0]
        _chain(fat, first, n)
        next_sector[0] += n
        body.append(data.ljust(n * SECTOR, b"\0"))
        return first

    dir_start = fat_n  # placed last, once every start is known
    next_sector[0] += dir_n
    _chain(fat, dir_start, dir_n)
    minifat_start = place(minifat_bytes, minifat_n)
    entries[0].start = place(mini, mini_n)
    entries[0].size = len(mini)
    for e in big:
        e.start = place(e.data, _sectors(e.size))
    slots = entries + [None] * (dir_n * 4 - len(entries))
    directory = b"".join(_entry_bytes(e) for e in slots)
    header = MAGIC + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, fat_n, dir_start, 0, MINI_CUTOFF,
                          minifat_start if minifat_n else END, minifat_n, END, 0)
    header += struct.pack("<109I", *(list(range(fat_n)) + [FREE] * (109 - fat_n)))
    assert len(header) == SECTOR
    return header + struct.pack("<%dI" % len(fat), *fat) + directory + b"".join(body)


# ----------------------------------------------------------- [MS-OVBA]


def ovba_compress(data):
    """MS-OVBA CompressedContainer of `data`: raw full chunks, then one
    literal-only compressed chunk (always one, even for empty data)."""
    out = b"\x01"
    full = len(data) // CHUNK * CHUNK
    for pos in range(0, full, CHUNK):
        out += struct.pack("<H", 0x3000 | (CHUNK + 2 - 3)) + data[pos:pos + CHUNK]
    rest = data[full:]
    if rest or not data:
        assert len(rest) <= MAX_LITERAL_CHUNK, "last chunk too long for literal tokens"
        chunk = b"".join(b"\0" + rest[k:k + 8] for k in range(0, len(rest), 8))
        out += struct.pack("<H", 0xB000 | (len(chunk) + 2 - 3)) + chunk
    return out


def _record(rec_id, body):
    return struct.pack("<HI", rec_id, len(body)) + body


def _u32(v):
    return struct.pack("<I", v)


def _utf16(s):
    return s.encode("utf-16-le")


def dir_stream(modules, offsets):
    """The decompressed dir stream ([MS-OVBA] 2.3.4.2) of a project with
    `modules` (name, source) whose sources start at `offsets` in their
    streams (named after the modules)."""
    d = _record(0x0001, _u32(1))  # PROJECTSYSKIND: 32-bit Windows
    d += _record(0x0002, _u32(0x409)) + _record(0x0014, _u32(0x409))  # LCID, LCIDINVOKE
    d += _record(0x0003, struct.pack("<H", 1252))  # PROJECTCODEPAGE
    d += _record(0x0004, b"VBAProject")
    d += _record(0x0005, b"") + _record(0x0040, b"")  # PROJECTDOCSTRING
    d += _record(0x0006, b"") + _record(0x003D, b"")  # PROJECTHELPFILEPATH
    d += _record(0x0007, _u32(0)) + _record(0x0008, _u32(0))  # HELPCONTEXT, LIBFLAGS
    # PROJECTVERSION: its "Reserved" field says 4, then 6 bytes follow.
    d += struct.pack("<HIIH", 0x0009, 4, 1, 2)
    d += _record(0x000C, b"") + _record(0x003C, b"")  # PROJECTCONSTANTS
    # PROJECTREFERENCES: one REFERENCENAME + REFERENCEREGISTERED.
    d += _record(0x0016, b"stdole") + _record(0x003E, _utf16("stdole"))
    libid = b"*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"
    d += _record(0x000D, _u32(len(libid)) + libid + _u32(0) + struct.pack("<H", 0))
    # PROJECTMODULES: count, cookie, then one MODULE record per module.
    d += _record(0x000F, struct.pack("<H", len(modules))) + _record(0x0013, b"\xff\xff")
    for (name, _), offset in zip(modules, offsets):
        d += _record(0x0019, name.encode()) + _record(0x0047, _utf16(name))
        d += _record(0x001A, name.encode()) + _record(0x0032, _utf16(name))
        d += _record(0x001C, b"") + _record(0x0048, b"")  # MODULEDOCSTRING
        d += _record(0x0031, _u32(offset))  # MODULEOFFSET
        d += _record(0x001E, _u32(0)) + _record(0x002C, b"\xff\xff")  # HELPCONTEXT, COOKIE
        d += _record(0x0021, b"")  # MODULETYPE: procedural
        d += _record(0x002B, b"")  # module terminator
    return d + _record(0x0010, b"")  # dir terminator


def vba_storage(modules):
    """The "VBA" storage of `modules` [(name, source bytes)]: each module
    stream starts with a fake performance cache of i * 37 + 5 bytes."""
    children, offsets = [], []
    for i, (name, source) in enumerate(modules):
        cache = i * 37 + 5
        offsets.append(cache)
        children.append(Stream(name, b"\xcc" * cache + ovba_compress(source)))
    children.append(Stream("_VBA_PROJECT", b"\xcc\x61\xff\xff\x00\x00\x00"))
    children.append(Stream("dir", ovba_compress(dir_stream(modules, offsets))))
    return Storage("VBA", children)


def project_stream(modules):
    """The PROJECT stream ([MS-OVBA] 2.3.1): the project's text properties."""
    lines = ['ID="{00000000-0000-0000-0000-000000000000}"']
    lines += ["Module=%s" % name for name, _ in modules]
    lines += ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              'CMG=""', 'DPB=""', 'GC=""', "", "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000", ""]
    return "\r\n".join(lines).encode("ascii")


def vba_project(modules):
    """A vbaProject.bin (as in a .docm) holding `modules` [(name, source)]."""
    names = b"".join(n.encode() + b"\0" + _utf16(n) + b"\0\0" for n, _ in modules)
    return cfb([Stream("PROJECT", project_stream(modules)),
                Stream("PROJECTwm", names + b"\0\0"),
                vba_storage(modules)])
