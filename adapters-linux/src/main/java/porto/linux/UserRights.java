package porto.linux;

import java.util.function.IntSupplier;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/** Raw calls made with a client's file system rights, for adapters outside this package (see {@link AsUser}). */
public final class UserRights {
    private UserRights() {}

    /** Runs {@code calls} with the rights of {@code as} (null: the daemon's) and returns what they return. */
    public static int run(LaunchSpec.Cred as, IntSupplier calls) throws KernelException {
        return AsUser.call(as, calls::getAsInt);
    }
}
