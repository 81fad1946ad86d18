package porto.linux;

import jnr.ffi.LibraryLoader;

/** The few libc calls that neither the JDK nor jnr-posix offer. */
public final class Native {
    static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;

    // Public: jnr-ffi implements it from a class loader of its own.
    public interface LibC {
        int fallocate(int fd, int mode, long offset, long length);
    }

    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private Native() {}
}
