#!/usr/bin/env python3
"""Writes the binary container inputs of the signature golden tests.

Run from this directory; the outputs are committed, so this only needs to
run again when a case changes. Deterministic: fixed tar and gzip times.
"""
import gzip
import hashlib
import io
import os
import tarfile

HDB = b"44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n"
STIME = 1624412045


def tar(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def header(version, sigs, flevel, md5):
    text = "ClamAV-VDB:22 Jun 2021 21-34 -0400:%s:%d:%d:%s:X:golden:%d" % (
        version, sigs, flevel, md5, STIME)
    return text.encode().ljust(512, b" ")


def manifest(version, sigs, flevel, members, dsig):
    lines = ["ClamAV-VDB:22 Jun 2021 21-34 -0400:%d:%d:%d:X:X:golden:%d" % (
        version, sigs, flevel, STIME)]
    for name, data in members:
        lines.append("%s:%d:%s" % (name, len(data), hashlib.sha256(data).hexdigest()))
    if dsig:
        lines.append("DSIG:notverifiedbyvigil")
    return ("\n".join(lines) + "\n").encode()


def container(members, version=5, flevel=216, dsig=False, listed=None,
              md5=None, raw_body=None, version_text=None):
    listed = members if listed is None else listed
    info = manifest(version, 1, flevel, listed, dsig)
    body = raw_body if raw_body is not None else gzip.compress(
        tar([("COPYING", b"golden test data\n"), ("golden.info", info)] + members),
        mtime=0)
    digest = md5 or hashlib.md5(body).hexdigest()
    return header(version_text or str(version), 1, flevel, digest) + body


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


def main():
    ok = [("golden.hdb", HDB)]
    write("E0701-cvd-header.cud", b"NotAClamAVDatabase".ljust(600, b" "))
    write("E0702-cvd-header-field.cud", container(ok, version_text="x"))
    write("E0703-cvd-md5.cvd", container(ok, dsig=True, md5="0" * 32))
    write("E0704-cvd-compression.cud",
          container(ok, raw_body=b"\x1f\x8b" + b"not gzip data" * 8))
    write("E0705-cvd-tar.cud",
          container(ok, raw_body=gzip.compress(b"not a tar archive" * 40, mtime=0)))
    no_info = gzip.compress(tar([("golden.hdb", HDB)]), mtime=0)
    write("E0706-cvd-info.cud", container(ok, raw_body=no_info))
    write("E0707-cvd-member.cud",
          container(ok + [("extra.hdb", HDB)], listed=ok))
    write("W0003-container-flevel.cud", container(ok, flevel=999))
    os.makedirs("W0006-duplicate-container", exist_ok=True)
    write("W0006-duplicate-container/golden.cvd", container(ok, version=5, dsig=True))
    write("W0006-duplicate-container/golden.cld", container(ok, version=6, dsig=True))


if __name__ == "__main__":
    main()
