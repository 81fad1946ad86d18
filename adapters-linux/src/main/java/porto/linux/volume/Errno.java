package porto.linux.volume;

/** Names of the errno values volumes meet, for messages. */
final class Errno {
    private Errno() {}

    static String name(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 5 -> "EIO";
            case 13 -> "EACCES";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST";
            case 19 -> "ENODEV";
            case 20 -> "ENOTDIR";
            case 22 -> "EINVAL";
            case 28 -> "ENOSPC";
            case 95 -> "EOPNOTSUPP";
            case 122 -> "EDQUOT";
            default -> "errno " + errno;
        };
    }
}
