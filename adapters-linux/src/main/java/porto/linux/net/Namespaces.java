package porto.linux.net;

import java.util.concurrent.atomic.AtomicReference;
import porto.ports.KernelException;

/**
 * Work done inside another network namespace: on a fresh platform thread (setns changes only the
 * calling thread, and a virtual thread's carrier must never be left elsewhere) that enters it,
 * does the work and returns to where it was before it ends.
 */
final class Namespaces {
    private Namespaces() {}

    interface Work<T> {
        T run() throws KernelException;
    }

    /** Runs {@code work} in the namespace of the file {@code nsPath}. */
    static <T> T inside(String nsPath, Work<T> work) throws KernelException {
        return onOwnThread(() -> {
            int target = NetNative.open(nsPath, NetNative.O_RDONLY);
            if (target < 0)
                throw new KernelException(-target, "open(" + nsPath + ")");
            int home = NetNative.open("/proc/thread-self/ns/net", NetNative.O_RDONLY);
            try {
                int rc = NetNative.setns(target, NetNative.CLONE_NEWNET);
                if (rc < 0)
                    throw new KernelException(-rc, "setns(" + nsPath + ")");
                try {
                    return work.run();
                } finally {
                    goHome(home);
                }
            } finally {
                NetNative.close(target);
                NetNative.close(home);
            }
        });
    }

    /** Makes a new namespace and bind-mounts it on the existing empty file {@code path}. */
    static void create(String path) throws KernelException {
        onOwnThread(() -> {
            int home = NetNative.open("/proc/thread-self/ns/net", NetNative.O_RDONLY);
            if (home < 0)
                throw new KernelException(-home, "open(/proc/thread-self/ns/net)");
            try {
                int rc = NetNative.unshare(NetNative.CLONE_NEWNET);
                if (rc < 0)
                    throw new KernelException(-rc, "unshare(CLONE_NEWNET)");
                try {
                    rc = NetNative.bindMount("/proc/thread-self/ns/net", path);
                    if (rc < 0)
                        throw new KernelException(-rc, "mount --bind of a new netns on " + path);
                } finally {
                    goHome(home);
                }
                return null;
            } finally {
                NetNative.close(home);
            }
        });
    }

    private static void goHome(int home) {
        if (NetNative.setns(home, NetNative.CLONE_NEWNET) < 0)
            throw new IllegalStateException("cannot return to the daemon's network namespace"); // the thread ends anyway
    }

    private static <T> T onOwnThread(Work<T> work) throws KernelException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("porto-netns").start(() -> {
            try {
                result.set(work.run());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(4, "interrupted while working in a network namespace");
        }
        Throwable e = failure.get();
        if (e instanceof KernelException k)
            throw k;
        if (e instanceof RuntimeException r)
            throw r;
        if (e instanceof Error err)
            throw err;
        return result.get();
    }
}
