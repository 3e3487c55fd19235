#!/usr/bin/env python3
"""bench/gen_containers.py CORPUS OUT [--mb N] [--seed S]

A container-heavy corpus for the container benchmark (bench/containers.sh):
files of CORPUS (the shared 1 GiB corpus, with its planted detections)
packed into zip (deflate), tar.gz, 7z, mail with base64 attachments, an
mbox, and nesting (a zip inside a tar.gz inside a 7z; a zip attached to a
mail), until about N MiB of members (default 256) are packed. Writes OUT/
and OUT.manifest.json (container -> member paths). Needs zip, tar, 7z.
"""
import argparse
import email.message
import email.policy
import json
import os
import random
import shutil
import subprocess
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--mb", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    files = []
    for root, _, names in os.walk(a.corpus):
        for n in names:
            p = os.path.join(root, n)
            if os.path.isfile(p) and not os.path.islink(p):
                files.append(p)
    files.sort()
    rng.shuffle(files)
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    budget = a.mb << 20
    packed = 0
    manifest = {}
    work = tempfile.mkdtemp()
    kinds = ["zip", "tgz", "7z", "eml", "mbox", "nested", "zipmail"]
    i = 0
    while packed < budget and files:
        kind = kinds[i % len(kinds)]
        group = [files.pop() for _ in range(min(len(files), rng.randint(3, 12)))]
        size = sum(os.path.getsize(f) for f in group)
        stage = os.path.join(work, "g%d" % i)
        os.makedirs(stage)
        names = []
        for j, f in enumerate(group):
            n = "%02d_%s" % (j, os.path.basename(f))
            shutil.copy(f, os.path.join(stage, n))
            names.append(n)
        out = os.path.join(a.out, "c%05d.%s" % (i, {"zipmail": "eml", "nested": "7z"}.get(kind, kind)))

        def zip_to(path):
            subprocess.run(["zip", "-q", "-r", path] + names, cwd=stage, check=True)

        def mail(path, attachments):
            parts = []
            m = email.message.EmailMessage()
            m["From"] = "bench@example.org"
            m["To"] = "user@example.org"
            m["Subject"] = "container benchmark %d" % i
            m.set_content("Attached.\n")
            for n, data in attachments:
                m.add_attachment(data, maintype="application", subtype="octet-stream", filename=n,
                                 cte="base64")
            return m.as_bytes(policy=email.policy.SMTP)

        if kind == "zip":
            zip_to(out)
        elif kind == "tgz":
            subprocess.run(["tar", "-czf", out] + names, cwd=stage, check=True)
        elif kind == "7z":
            subprocess.run(["7z", "a", "-bd", "-bso0", out] + names, cwd=stage, check=True)
        elif kind in ("eml", "mbox"):
            msgs = [mail(out, [(n, open(os.path.join(stage, n), "rb").read()) for n in names])]
            data = msgs[0]
            if kind == "mbox":
                data = b"From bench@example.org Mon Nov 30 00:00:00 2026\n" + data.replace(b"\r\n", b"\n")
            open(out, "wb").write(data)
        elif kind == "nested":
            zip_to(os.path.join(work, "inner%d.zip" % i))
            subprocess.run(["tar", "-czf", os.path.join(work, "inner%d.tgz" % i), "inner%d.zip" % i],
                           cwd=work, check=True)
            subprocess.run(["7z", "a", "-bd", "-bso0", out, "inner%d.tgz" % i], cwd=work, check=True)
        elif kind == "zipmail":
            z = os.path.join(work, "att%d.zip" % i)
            zip_to(z)
            open(out, "wb").write(mail(out, [("attachment.zip", open(z, "rb").read())]))
        manifest[os.path.basename(out)] = [os.path.relpath(f, a.corpus) for f in group]
        packed += size
        i += 1
        shutil.rmtree(stage)
    shutil.rmtree(work)
    with open(a.out.rstrip("/") + ".manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
    print("%d containers, %.1f MiB of members" % (i, packed / 1048576))


if __name__ == "__main__":
    main()
