"""A small writer of Microsoft Compiled HTML Help files (.chm), for test
fixtures.

Debian has no light CHM compiler (Free Pascal's chmcmd needs the whole FPC
toolchain), so the tests build their files here, from the published format
descriptions: the libmspack documentation (mspack.h, chm.h) and Matthew
T. Russotto's "Microsoft's HTML Help (.chm) format". Standard library only.
The C++ unit tests have a twin of this writer
(tests/unit/formats/chm/chm_writer.cc).

A CHM file ("ITSF") is:

    ITSF header (0x60 bytes, version 3)
    header section 0 (0x18 bytes: the file's length)
    header section 1: the directory, an ITSP header then PMGL chunks of
        4096 bytes listing every file as
        ENCINT name length, UTF-8 name, ENCINT section, ENCINT offset,
        ENCINT length
    content section 0: the bytes of every section-0 file, uncompressed

Section 1 ("MSCompressed") is one LZX stream holding every section-1 file
back to back. It is itself a section-0 file,
::DataSpace/Storage/MSCompressed/Content, described by ControlData (window
and reset interval), the reset table (where each 32 KiB frame starts in
the compressed stream) and SpanInfo (the uncompressed length).

The LZX stream is written with UNCOMPRESSED blocks (block type 3: the bytes
as they are after a small header), or, with lzx="verbatim", VERBATIM blocks
(type 1) with fixed Huffman trees: every literal is an 8- or 9-bit code and
a run of 8 copies of the previous byte is one 9-bit match (repeated offset
R0 = 1). Each reset interval (64 KiB, the window size) is one block; the
stream is padded with zeros to a whole interval, as Microsoft's compiler
does.

    chm([("/a.htm", 0, b"..."), ("/b.exe", 1, b"...")]) -> bytes
"""

import struct

FRAME = 0x8000  # LZX frame: 32 KiB of output
WINDOW = 0x10000  # LZX window, 2^16
RESET_INTERVAL = 0x10000  # one reset (and one block) per 64 KiB
CHUNK_SIZE = 0x1000
DENSITY = 2  # a quickref entry every 1 + 2^2 = 5 directory entries

GUID_ITSF_DIR = bytes.fromhex("10fd017caa7bd0119e0c00a0c922e6ec")
GUID_ITSF_STREAM = bytes.fromhex("11fd017caa7bd0119e0c00a0c922e6ec")
GUID_ITSP = bytes.fromhex("6a92025d2e21d0119df900a0c922e6ec")
LZX_TRANSFORM = "{7FC28940-9D31-11D0-9B27-00A0C91E9C7C}"

MSCOMPRESSED = "::DataSpace/Storage/MSCompressed/"
CONTENT = MSCOMPRESSED + "Content"
CONTROL = MSCOMPRESSED + "ControlData"
SPANINFO = MSCOMPRESSED + "SpanInfo"
TRANSFORM_LIST = MSCOMPRESSED + "Transform/List"
RESET_TABLE = MSCOMPRESSED + "Transform/" + LZX_TRANSFORM + "/InstanceData/ResetTable"
NAMELIST = "::DataSpace/NameList"


def encint(value):
    """CHM's variable-length integer: 7 bits a byte, most significant
    first, the high bit set on every byte but the last."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


class BitWriter:
    """LZX's bit order: 16-bit little-endian words, filled from their most
    significant bit."""

    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.count = 0

    def put(self, value, bits):
        self.acc = (self.acc << bits) | (value & ((1 << bits) - 1))
        self.count += bits
        while self.count >= 16:
            self.count -= 16
            self.out += struct.pack("<H", (self.acc >> self.count) & 0xFFFF)
        self.acc &= (1 << self.count) - 1

    def align(self):
        """Pads with zero bits to the next word."""
        if self.count:
            self.put(0, 16 - self.count)

    def raw(self, data):
        assert self.count == 0
        self.out += data


# Fixed Huffman codes of the verbatim blocks. Main tree: literals 0-254
# have 8-bit codes (the byte itself), literal 255 and symbol 262 (a match:
# position slot 0 = repeated offset R0, length header 6 = 8 bytes) 9-bit
# codes 510 and 511. Pretree: the deltas 0, 8 and 9 (a code length of 0,
# 9 and 8 after a reset) as '0', '10' and '11'. The length tree is empty.
MATCH_SYMBOL = 256 + 6
PRETREE_LENGTHS = {0: 1, 8: 2, 9: 2}
PRETREE_CODES = {0: (0, 1), 8: (2, 2), 9: (3, 2)}
NUM_OFFSETS = 32 << 3  # 32 position slots for a 2^16 window


def _main_lengths():
    lens = [0] * (256 + NUM_OFFSETS)
    for i in range(255):
        lens[i] = 8
    lens[255] = 9
    lens[MATCH_SYMBOL] = 9
    return lens


def _write_lengths(bits, lengths):
    """One READ_LENGTHS: the pretree, then each length as a delta from 0
    (the lengths after a reset)."""
    for sym in range(20):
        bits.put(PRETREE_LENGTHS.get(sym, 0), 4)
    for length in lengths:
        code, n = PRETREE_CODES[(-length) % 17]
        bits.put(code, n)


def _verbatim_interval(bits, data, frame_starts):
    bits.put(1, 3)  # block type: verbatim
    bits.put(len(data) >> 8, 16)
    bits.put(len(data) & 0xFF, 8)
    lens = _main_lengths()
    _write_lengths(bits, lens[:256])
    _write_lengths(bits, lens[256:])
    _write_lengths(bits, [0] * 249)
    i = 0
    while i < len(data):
        frame_end = min((i // FRAME + 1) * FRAME, len(data))
        while i < frame_end:
            if i >= 1 and i + 8 <= frame_end and data[i:i + 8] == bytes([data[i - 1]]) * 8:
                bits.put(511, 9)
                i += 8
            elif data[i] == 255:
                bits.put(510, 9)
                i += 1
            else:
                bits.put(data[i], 8)
                i += 1
        bits.align()  # the decoder realigns at each frame's end
        if i < len(data):
            frame_starts.append(len(bits.out))


def _uncompressed_interval(bits, data, frame_starts):
    bits.put(3, 3)  # block type: uncompressed
    bits.put(len(data) >> 8, 16)
    bits.put(len(data) & 0xFF, 8)
    if bits.count == 0:
        bits.put(0, 16)  # the decoder skips 1-16 bits, never 0
    bits.align()
    bits.raw(struct.pack("<III", 1, 1, 1))  # R0, R1, R2
    start = len(bits.out)
    bits.raw(data)
    for f in range(FRAME, len(data), FRAME):
        frame_starts.append(start + f)
    if len(data) & 1:
        bits.raw(b"\0")


def lzx(data, mode="uncompressed"):
    """The LZX stream of `data` (padded to a whole reset interval) and the
    compressed offset of each 32 KiB frame."""
    padded = bytes(data) + bytes(-len(data) % RESET_INTERVAL)
    bits = BitWriter()
    frame_starts = []
    for at in range(0, len(padded), RESET_INTERVAL):
        frame_starts.append(len(bits.out))
        bits.put(0, 1)  # the interval's header: no E8 translation
        piece = padded[at:at + RESET_INTERVAL]
        if mode == "verbatim":
            _verbatim_interval(bits, piece, frame_starts)
        else:
            _uncompressed_interval(bits, piece, frame_starts)
        bits.align()
    return bytes(bits.out), frame_starts


def _utf16(s):
    return s.encode("utf-16-le")


def _namelist():
    body = struct.pack("<H", 2)
    for name in ("Uncompressed", "MSCompressed"):
        body += struct.pack("<H", len(name)) + _utf16(name) + b"\0\0"
    return struct.pack("<H", (len(body) + 2) // 2) + body


def _pmgl_chunks(entries):
    """Directory chunks for (name, section, offset, length) entries."""
    encoded = []
    for name, section, offset, length in sorted(entries, key=lambda e: e[0].lower()):
        raw = name.encode("utf-8")
        encoded.append(encint(len(raw)) + raw + encint(section) + encint(offset) + encint(length))
    groups, current, used = [], [], 0x14
    for e in encoded:
        quickrefs = (len(current) + 1) // (1 + (1 << DENSITY))
        if current and used + len(e) + 2 + 2 * quickrefs > CHUNK_SIZE:
            groups.append(current)
            current, used = [], 0x14
        current.append(e)
        used += len(e)
    groups.append(current)
    chunks = []
    for n, group in enumerate(groups):
        body = b"".join(group)
        tail = bytearray(struct.pack("<H", len(group)))
        offsets, at = [], 0
        for i, e in enumerate(group):
            if i and i % (1 + (1 << DENSITY)) == 0:
                offsets.append(at)
            at += len(e)
        for off in offsets:  # quickref M sits 2*M bytes before the count
            tail[0:0] = struct.pack("<H", off)
        prev = n - 1 if n else 0xFFFFFFFF
        nxt = n + 1 if n + 1 < len(groups) else 0xFFFFFFFF
        free = CHUNK_SIZE - 0x14 - len(body)
        head = b"PMGL" + struct.pack("<IIII", free, 0, prev, nxt)
        chunk = head + body + bytes(CHUNK_SIZE - 0x14 - len(body) - len(tail)) + bytes(tail)
        assert len(chunk) == CHUNK_SIZE
        chunks.append(chunk)
    return chunks


def chm(files, lzx_mode="uncompressed", extra_entries=()):
    """A CHM holding `files`: (name, section, data) with section 0
    (uncompressed) or 1 (LZX). Names are CHM paths ("/index.htm").
    `extra_entries`: (name, section, offset, length) directory entries
    added as they are (to make damaged files)."""
    sec0 = bytearray()
    entries = [("/", 0, 0, 0)]

    def put0(name, data):
        entries.append((name, 0, len(sec0), len(data)))
        sec0.extend(data)

    for name, section, data in files:
        if section == 0:
            put0(name, data)
    stream = bytearray()
    for name, section, data in files:
        if section == 1:
            entries.append((name, 1, len(stream), len(data)))
            stream.extend(data)
    content, frame_starts = lzx(bytes(stream), lzx_mode)
    put0(NAMELIST, _namelist())
    put0(CONTENT, content)
    put0(CONTROL, struct.pack("<I4sIIIII", 6, b"LZXC", 2, RESET_INTERVAL // FRAME,
                              WINDOW // FRAME, 1, 0))
    put0(SPANINFO, struct.pack("<Q", len(stream)))
    put0(TRANSFORM_LIST, _utf16(LZX_TRANSFORM))
    table = struct.pack("<IIIIQQQ", 2, len(frame_starts), 8, 0x28, len(stream), len(content), FRAME)
    put0(RESET_TABLE, table + b"".join(struct.pack("<Q", f) for f in frame_starts))
    entries.extend(extra_entries)

    chunks = _pmgl_chunks(entries)
    itsp = b"ITSP" + struct.pack("<IIIIIIiIIiII", 1, 0x54, 10, CHUNK_SIZE, DENSITY, 1, -1, 0,
                                 len(chunks) - 1, -1, len(chunks), 0x409)
    itsp += GUID_ITSP + struct.pack("<Iiii", 0x54, -1, -1, -1)
    assert len(itsp) == 0x54
    directory = itsp + b"".join(chunks)
    hs0_at, dir_at = 0x60, 0x78
    sec0_at = dir_at + len(directory)
    total = sec0_at + len(sec0)
    itsf = b"ITSF" + struct.pack("<IIIII", 3, 0x60, 1, 0x12345678, 0x409)
    itsf += GUID_ITSF_DIR + GUID_ITSF_STREAM
    itsf += struct.pack("<QQQQQ", hs0_at, 0x18, dir_at, len(directory), sec0_at)
    assert len(itsf) == 0x60
    hs0 = struct.pack("<IIQII", 0x1FE, 0, total, 0, 0)
    return itsf + hs0 + directory + bytes(sec0)
