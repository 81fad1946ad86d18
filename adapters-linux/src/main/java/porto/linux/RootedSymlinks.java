package porto.linux;

import static porto.ports.Errno.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * The symlink property's links, made inside a container's root: the link's directory is found
 * with openat2(2) RESOLVE_IN_ROOT from the root's descriptor (so no link on the way can lead out
 * of the root), missing directories are made one at a time below it, and the link itself is
 * made with symlinkat(2) beside a temporary name and renamed over an older link, as upstream
 * does, so a reader never sees it missing.
 */
final class RootedSymlinks {
    private static final int O_DIRECTORY = 0200000;
    private static final int O_PATH = 010000000;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final ValueLayout A = ValueLayout.ADDRESS;
    private static final MethodHandle SYMLINKAT = handle("symlinkat", FunctionDescriptor.of(I, A, I, A));
    private static final MethodHandle UNLINKAT = handle("unlinkat", FunctionDescriptor.of(I, I, A, I));
    private static final MethodHandle RENAMEAT = handle("renameat", FunctionDescriptor.of(I, I, A, I, A));
    private static final MethodHandle READLINKAT = handle("readlinkat", FunctionDescriptor.of(L, I, A, A, L));
    private static final MethodHandle FCHOWNAT = handle("fchownat", FunctionDescriptor.of(I, I, A, I, I, I));

    private RootedSymlinks() {}

    private static MethodHandle handle(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d, Linker.Option.captureCallState("errno"));
    }

    static void set(String root, String path, String target, LaunchSpec.Cred as, int uid, int gid) throws KernelException {
        Path link = Path.of(path);
        if (!link.isAbsolute() || link.getParent() == null || !link.normalize().equals(link))
            throw new KernelException(EINVAL, "symlink " + path + " is not an absolute normal path");
        String dir = link.getParent().toString();
        String name = link.getFileName().toString();
        String text = target == null ? null : relativeText(link.getParent(), Path.of(target));
        String[] failed = {""};
        int rc = AsUser.call(as, () -> {
            int rootFd = Native.open(root, O_PATH | O_DIRECTORY);
            if (rootFd < 0)
                return fail(failed, "open root " + root, rootFd);
            try {
                int dirFd = directory(rootFd, dir, target != null, as == null, uid, gid, failed);
                if (dirFd < 0)
                    return dirFd == -ENOENT && target == null ? 0 : dirFd;
                try {
                    return change(dirFd, name, text, failed);
                } finally {
                    Native.close(dirFd);
                }
            } finally {
                Native.close(rootFd);
            }
        });
        if (rc < 0)
            throw new KernelException(-rc, "symlink " + path + (root.equals("/") ? "" : " in " + root) + ": cannot " + failed[0]);
    }

    /** The link's text: the target relative to the link's directory, as upstream writes it. */
    private static String relativeText(Path dir, Path target) {
        String relative = dir.relativize(target).toString();
        return relative.isEmpty() ? "." : relative;
    }

    /** The directory {@code dir} inside the root (made when missing and {@code create}); a descriptor or -errno. */
    private static int directory(int rootFd, String dir, boolean create, boolean chown, int uid, int gid, String[] failed) {
        int fd = Native.openat2(rootFd, dir, O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
        if (fd != -ENOENT || !create)
            return fd < 0 ? fail(failed, "open " + dir, fd) : fd;
        StringBuilder prefix = new StringBuilder();
        int parent = Native.openat2(rootFd, "/", O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT);
        if (parent < 0)
            return fail(failed, "open the root", parent);
        for (Path part : Path.of(dir)) {
            prefix.append('/').append(part);
            int next = Native.openat2(rootFd, prefix.toString(), O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            if (next == -ENOENT) {
                int made = Native.mkdirat(parent, part.toString(), 0775);
                if (made < 0 && made != -17) { // EEXIST: made meanwhile
                    Native.close(parent);
                    return fail(failed, "make directory " + prefix, made);
                }
                if (made == 0 && chown)
                    call(FCHOWNAT, parent, part.toString(), uid, gid, AT_SYMLINK_NOFOLLOW);
                next = Native.openat2(rootFd, prefix.toString(), O_PATH | O_DIRECTORY, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            }
            Native.close(parent);
            if (next < 0)
                return fail(failed, "open " + prefix, next);
            parent = next;
        }
        return parent;
    }

    /** Makes, replaces or (text null) removes the link {@code name} in {@code dirFd}: 0 or -errno. */
    private static int change(int dirFd, String name, String text, String[] failed) {
        String current = readlink(dirFd, name);
        if (text == null) {
            if (current == null)
                return 0; // no link of ours there
            int rc = (int) call(UNLINKAT, dirFd, name, 0);
            return rc < 0 ? fail(failed, "remove it", rc) : 0;
        }
        if (text.equals(current))
            return 0;
        if (current == null) {
            int rc = (int) call(SYMLINKAT, text, dirFd, name);
            return rc < 0 ? fail(failed, "make it", rc) : 0;
        }
        String next = ".next_" + name;
        call(UNLINKAT, dirFd, next, 0);
        int rc = (int) call(SYMLINKAT, text, dirFd, next);
        if (rc < 0)
            return fail(failed, "make it", rc);
        rc = (int) call(RENAMEAT, dirFd, next, dirFd, name);
        if (rc < 0) {
            call(UNLINKAT, dirFd, next, 0);
            return fail(failed, "replace it", rc);
        }
        return 0;
    }

    /** The text of the link {@code name}, or null when there is none (or it is no link). */
    private static String readlink(int dirFd, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(4096);
            long n = call(READLINKAT, dirFd, name, buffer, 4096L);
            if (n < 0)
                return null;
            return new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    private static int fail(String[] failed, String what, int rc) {
        failed[0] = what;
        return rc;
    }

    /** Calls {@code h}; String arguments become C strings; the result, or -errno. */
    private static long call(MethodHandle h, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            Object[] all = new Object[args.length + 1];
            all[0] = state;
            for (int i = 0; i < args.length; i++)
                all[i + 1] = args[i] instanceof String s ? arena.allocateFrom(s) : args[i];
            Object rc = h.invokeWithArguments(all);
            long r = rc instanceof Integer n ? n : (Long) rc;
            return r >= 0 ? r : -(int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
