"""A small writer of RAR 4.x and RAR 5.0 archives, for test fixtures.

No free tool writes RAR (RARLAB's rar is non-free), so the tests build their
archives here, from RARLAB's published format descriptions: "RAR version
x.xx - Technical information" (technote.txt, the RAR 1.5-4.x format) and
"RAR 5.0 archive format" (the RAR 5.0 technote). Standard library only.

Only what a test needs: members stored (method "store", no compression),
any number of them, directories, and members or headers *marked*
encrypted. Nothing is really encrypted: an encrypted member's data, and an
encrypted header, are pseudo-random bytes of the right length, which is
all a reader can look at without the password.

Member fields may be overridden (a wrong CRC, an absurd packed size) to make
damaged archives on purpose.

    rar4([Member("a.txt", b"hello")])        -> bytes of a RAR 4.x archive
    rar5([Member("a.txt", b"hello")])        -> bytes of a RAR 5.0 archive
"""

import random
import struct
import zlib

RAR4_SIGNATURE = b"Rar!\x1a\x07\x00"
RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"

# A fixed modification time (2024-01-02 03:04:06), so fixtures are stable.
MTIME_UNIX = 1704164646
MTIME_DOS = ((2024 - 1980) << 25) | (1 << 21) | (2 << 16) | (3 << 11) | (4 << 5) | (6 >> 1)


class Member:
    """One archive member.

    name: str (RAR4: must be ASCII/Latin-1 here, RAR5: any Unicode).
    data: the member's bytes (stored as they are, unless encrypted).
    directory: a directory entry (no data).
    encrypted: the header says the data is encrypted (the data written is
        pseudo-random, of the size an AES-encrypted copy would have).
    crc, pack_size: override the values written in the header (damage).
    """

    def __init__(self, name, data=b"", directory=False, encrypted=False, crc=None,
                 pack_size=None):
        self.name = name
        self.data = b"" if directory else data
        self.directory = directory
        self.encrypted = encrypted
        self.crc = crc
        self.pack_size = pack_size


def crc32(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def _noise(n, seed):
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def _padded16(n):
    return (n + 15) // 16 * 16


# ------------------------------------------------------------------ RAR 4.x
#
# Every block: HEAD_CRC (2, the low 16 bits of the CRC32 of the block's
# header from HEAD_TYPE on), HEAD_TYPE (1), HEAD_FLAGS (2), HEAD_SIZE (2),
# then the type's fields; flag 0x8000 adds a 4-byte ADD_SIZE, the size of
# the data that follows the header (a file header's PACK_SIZE).

R4_MAIN = 0x73
R4_FILE = 0x74
R4_ENDARC = 0x7B

R4_MHD_PASSWORD = 0x0080  # block headers are encrypted

R4_LHD_PASSWORD = 0x0004  # file data encrypted
R4_LHD_DIRECTORY = 0x00E0  # dictionary bits all set: a directory
R4_LHD_SALT = 0x0400
R4_LONG_BLOCK = 0x8000  # ADD_SIZE present / data follows
R4_SKIP_IF_UNKNOWN = 0x4000

R4_HOST_WIN32 = 2
R4_METHOD_STORE = 0x30
R4_ATTR_ARCHIVE = 0x20
R4_ATTR_DIRECTORY = 0x10


def _r4_block(head_type, flags, fields):
    """A block header: CRC, type, flags, size, fields."""
    size = 7 + len(fields)
    body = struct.pack("<BHH", head_type, flags, size) + fields
    return struct.pack("<H", crc32(body) & 0xFFFF) + body


def _r4_file(m, index):
    flags = R4_LONG_BLOCK
    data = m.data
    salt = b""
    unp_ver = 20
    if m.directory:
        flags |= R4_LHD_DIRECTORY
    if m.encrypted:
        # RAR 3.x AES-128: an 8-byte salt in the header, the data padded to
        # the cipher block size.
        flags |= R4_LHD_PASSWORD | R4_LHD_SALT
        salt = _noise(8, "salt4-%d" % index)
        data = _noise(_padded16(len(m.data)), "data4-%d" % index)
        unp_ver = 29
    name = m.name.encode("latin-1")
    pack_size = len(data) if m.pack_size is None else m.pack_size
    fields = struct.pack("<IIBIIBBHI",
                         pack_size,                         # PACK_SIZE
                         len(m.data),                       # UNP_SIZE
                         R4_HOST_WIN32,                     # HOST_OS
                         crc32(m.data) if m.crc is None else m.crc,  # FILE_CRC
                         MTIME_DOS,                         # FTIME
                         unp_ver,                           # UNP_VER
                         R4_METHOD_STORE,                   # METHOD
                         len(name),                         # NAME_SIZE
                         R4_ATTR_DIRECTORY if m.directory else R4_ATTR_ARCHIVE)
    return _r4_block(R4_FILE, flags, fields + name + salt) + data


def rar4(members, encrypted_headers=False):
    """A RAR 4.x archive of `members` (a list of Member).

    encrypted_headers: the main header says every later header is encrypted
    (RAR's -hp): each is then an 8-byte salt and pseudo-random bytes."""
    main_flags = R4_MHD_PASSWORD if encrypted_headers else 0
    out = bytearray(RAR4_SIGNATURE)
    out += _r4_block(R4_MAIN, main_flags, struct.pack("<HI", 0, 0))  # RESERVED1, RESERVED2
    for i, m in enumerate(members):
        block = _r4_file(m, i)
        if encrypted_headers:
            block = _noise(8, "hsalt4-%d" % i) + _noise(_padded16(len(block)), "head4-%d" % i)
        out += block
    end = _r4_block(R4_ENDARC, R4_SKIP_IF_UNKNOWN, b"")
    if encrypted_headers:
        end = _noise(8, "hsalt4-end") + _noise(16, "head4-end")
    out += end
    return bytes(out)


# ------------------------------------------------------------------ RAR 5.0
#
# Every header: CRC32 (4, of everything after it up to the end of the
# header), header size (vint, from the type on), type (vint), flags
# (vint), [extra area size (vint)], [data size (vint)], the type's fields,
# [extra area]; then the data area, if any. A vint holds 7 bits a byte,
# lowest first, the high bit set on every byte but the last.

R5_MAIN = 1
R5_FILE = 2
R5_CRYPT = 4
R5_ENDARC = 5

R5_HFL_EXTRA = 0x0001
R5_HFL_DATA = 0x0002

R5_FHFL_DIRECTORY = 0x0001
R5_FHFL_UTIME = 0x0002
R5_FHFL_CRC32 = 0x0004

R5_HOST_WINDOWS = 0
R5_FILE_EXTRA_CRYPT = 0x01


def vint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _r5_header(head_type, flags, fields, extra=b"", data_size=None):
    """A header (without its data area)."""
    if extra:
        flags |= R5_HFL_EXTRA
    if data_size is not None:
        flags |= R5_HFL_DATA
    body = vint(head_type) + vint(flags)
    if extra:
        body += vint(len(extra))
    if data_size is not None:
        body += vint(data_size)
    body += fields + extra
    sized = vint(len(body)) + body
    return struct.pack("<I", crc32(sized)) + sized


def _r5_crypt_record(index):
    """A file encryption extra record: AES-256 (version 0), password check
    data present (flag 0x0001), KDF count 15, salt, IV, check value."""
    data = (vint(R5_FILE_EXTRA_CRYPT) + vint(0) + vint(0x0001) + bytes([15]) +
            _noise(16, "salt5-%d" % index) + _noise(16, "iv5-%d" % index) +
            _noise(12, "check5-%d" % index))
    return vint(len(data)) + data


def _r5_file(m, index):
    data = m.data
    extra = b""
    if m.encrypted:
        extra = _r5_crypt_record(index)
        data = _noise(_padded16(len(m.data)), "data5-%d" % index)
    file_flags = R5_FHFL_UTIME | R5_FHFL_CRC32
    attributes = 0x20
    if m.directory:
        file_flags = R5_FHFL_UTIME | R5_FHFL_DIRECTORY
        attributes = 0x10
    name = m.name.encode("utf-8")
    # Compression information: version 0, not solid, method 0 (store),
    # dictionary 128 KiB (bits 10-13 zero).
    compression = 0
    fields = vint(file_flags) + vint(len(m.data)) + vint(attributes)
    fields += struct.pack("<I", MTIME_UNIX)
    if file_flags & R5_FHFL_CRC32:
        fields += struct.pack("<I", crc32(m.data) if m.crc is None else m.crc)
    fields += vint(compression) + vint(R5_HOST_WINDOWS) + vint(len(name)) + name
    pack_size = len(data) if m.pack_size is None else m.pack_size
    # Every file header gets a data area, a directory's empty: the technote
    # makes it optional, but libarchive 3.6 stops at a file header without
    # one ("no data found in file/service block").
    header = _r5_header(R5_FILE, 0, fields, extra, pack_size)
    return header, data


def _r5_encrypted(header, tag):
    """An encrypted header as it is stored after an archive encryption
    header: a 16-byte IV, then the header padded to the AES block size."""
    return _noise(16, "hiv5-" + tag) + _noise(_padded16(len(header)), "head5-" + tag)


def rar5(members, encrypted_headers=False):
    """A RAR 5.0 archive of `members` (a list of Member).

    encrypted_headers: an archive encryption header follows the signature
    (RAR's -hp), and every later header is stored encrypted (IV, then
    pseudo-random bytes); member data is then marked encrypted too."""
    out = bytearray(RAR5_SIGNATURE)
    if encrypted_headers:
        # Version 0 (AES-256), flag 0x0001 (check value present), KDF count,
        # salt, check value.
        fields = (vint(0) + vint(0x0001) + bytes([15]) + _noise(16, "asalt5") +
                  _noise(12, "acheck5"))
        out += _r5_header(R5_CRYPT, 0, fields)
    main = _r5_header(R5_MAIN, 0, vint(0))  # archive flags: none
    out += _r5_encrypted(main, "main") if encrypted_headers else main
    for i, m in enumerate(members):
        if encrypted_headers and not m.encrypted:
            m = Member(m.name, m.data, m.directory, True, m.crc, m.pack_size)
        header, data = _r5_file(m, i)
        out += _r5_encrypted(header, str(i)) if encrypted_headers else header
        out += data
    end = _r5_header(R5_ENDARC, 0, vint(0))  # end of archive flags: last volume
    out += _r5_encrypted(end, "end") if encrypted_headers else end
    return bytes(out)
