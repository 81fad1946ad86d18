package porto.domain.volume;

import porto.domain.ErrorCode;
import porto.domain.PortoException;

/** The volume backends of the manual, by their property value. */
public enum Backend {
    PLAIN("plain"),
    BIND("bind"),
    TMPFS("tmpfs"),
    QUOTA("quota"),
    NATIVE("native"),
    OVERLAY("overlay"),
    SQUASH("squash"),
    LOOP("loop"),
    RBD("rbd"),
    LVM("lvm");

    private final String text;

    Backend(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static Backend parse(String text) throws PortoException {
        for (Backend b : values())
            if (b.text.equals(text))
                return b;
        throw new PortoException(ErrorCode.NotSupported, "Unknown volume backend: " + text);
    }

    /** Whether limits are enforced by project quota on the storage directory. */
    boolean limitsByProjectQuota() {
        return this == QUOTA || this == NATIVE || this == OVERLAY || this == SQUASH;
    }
}
