#!/usr/bin/python3
"""Layer trees for the layer tests: "make DIR" builds one with everything a layer may hold,
"digest DIR" prints a line per entry (type, mode, owner, time, size, content hash, link target,
device, the xattrs a layer keeps, hard link groups) so that two trees can be compared."""
import hashlib
import os
import stat
import sys

CAPABILITY = bytes([1, 0, 0, 2, 0x80, 32, 0, 0, 0x80, 32, 0, 0] + [0] * 8)  # cap_setuid, cap_net_raw


def make(root):
    os.makedirs(f"{root}/usr/bin")
    with open(f"{root}/usr/bin/ping", "w") as f:
        f.write("#!/bin/true\n")
    os.setxattr(f"{root}/usr/bin/ping", "security.capability", CAPABILITY)
    with open(f"{root}/usr/bin/su", "w") as f:
        f.write("setuid\n")
    os.chown(f"{root}/usr/bin/su", 1234, 5678)
    os.chmod(f"{root}/usr/bin/su", 0o4755)
    os.setxattr(f"{root}/usr/bin/su", "user.note", b"hello")
    os.link(f"{root}/usr/bin/su", f"{root}/usr/bin/su-again")
    os.symlink("/bin/busybox", f"{root}/usr/bin/sh")
    os.makedirs(f"{root}/dev")
    os.mknod(f"{root}/dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.mknod(f"{root}/dev/fifo", 0o640 | stat.S_IFIFO)
    os.mknod(f"{root}/deleted", stat.S_IFCHR, os.makedev(0, 0))
    os.makedirs(f"{root}/opaque")
    os.setxattr(f"{root}/opaque", "trusted.overlay.opaque", b"y")
    with open(f"{root}/sparse", "wb") as f:
        f.write(b"head")
        f.seek(16 << 20)
        f.write(b"tail")
        f.truncate((16 << 20) + (1 << 20))
    deep = root
    for i in range(5):
        deep = os.path.join(deep, "d" * 60 + str(i))
    os.makedirs(deep)
    with open(os.path.join(deep, "f" * 200), "w") as f:
        f.write("long names")
    os.makedirs(f"{root}/ro")
    with open(f"{root}/ro/inside", "w") as f:
        f.write("x")
    os.chmod(f"{root}/ro", 0o555)
    os.utime(f"{root}/usr/bin/ping", (1000000000, 1000000000), follow_symlinks=False)
    os.chmod(root, 0o755)


def kept(name):
    return name == "security.capability" or name.startswith("trusted.overlay.") or name.startswith("user.")


def digest(root):
    lines = {}
    inodes = {}
    for top, dirs, files in os.walk(root):
        # subdirectories come as their own "top"; links to directories are listed in dirs but not entered
        entries = [top] + [os.path.join(top, n) for n in files] + [os.path.join(top, n) for n in dirs if os.path.islink(os.path.join(top, n))]
        for path in entries:
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            line = f"{rel} mode={st.st_mode:o} owner={st.st_uid}:{st.st_gid} mtime={int(st.st_mtime)}"
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    line += f" size={st.st_size} sha256={hashlib.sha256(f.read()).hexdigest()}"
            elif stat.S_ISLNK(st.st_mode):
                line += " -> " + os.readlink(path)
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                line += f" rdev={os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"
            if not stat.S_ISLNK(st.st_mode):
                for x in sorted(os.listxattr(path, follow_symlinks=False)):
                    if kept(x):
                        line += f" {x}={os.getxattr(path, x, follow_symlinks=False).hex()}"
            if not stat.S_ISDIR(st.st_mode) and st.st_nlink > 1:
                inodes.setdefault(st.st_ino, []).append(rel)
            lines[rel] = line
    for names in inodes.values():
        for n in names:
            lines[n] += " links=" + ",".join(sorted(names))
    for rel in sorted(lines):
        print(lines[rel])


if __name__ == "__main__":
    {"make": make, "digest": digest}[sys.argv[1]](sys.argv[2])
