package porto.domain.layer;

import porto.domain.ErrorCode;
import porto.domain.PortoException;

/**
 * Places: directories holding porto_layers, porto_storage and porto_volumes. A request names one or
 * gets the default; as upstream, it must be absolute, normal and outside the system directories.
 */
public final class Places {
    private static final String[] SYSTEM = {"/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
        "/root", "/sbin", "/sys", "/usr", "/var"};

    private final String defaultPlace;

    public Places(String defaultPlace) {
        this.defaultPlace = defaultPlace;
    }

    public String defaultPlace() {
        return defaultPlace;
    }

    /** The place a request means: {@code requested}, or the default when it is empty. */
    public String resolve(String requested) throws PortoException {
        if (requested == null || requested.isEmpty())
            return defaultPlace;
        if (!requested.startsWith("/"))
            throw new PortoException(ErrorCode.InvalidPath, "Place path " + requested + " must be absolute");
        if (!normal(requested))
            throw new PortoException(ErrorCode.InvalidPath, "Place path " + requested + " must be normalized");
        if (requested.equals("/") || requested.equals("/home"))
            throw new PortoException(ErrorCode.InvalidPath, "Place path " + requested + " in system directory");
        for (String s : SYSTEM)
            if (requested.equals(s) || requested.startsWith(s + "/"))
                throw new PortoException(ErrorCode.InvalidPath, "Place path " + requested + " in system directory");
        return requested;
    }

    private static boolean normal(String path) {
        if (path.length() > 1 && path.endsWith("/"))
            return false;
        for (String part : path.substring(1).split("/", -1))
            if (part.isEmpty() || part.equals(".") || part.equals(".."))
                return path.equals("/");
        return true;
    }
}
