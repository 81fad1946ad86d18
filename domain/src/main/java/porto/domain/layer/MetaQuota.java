package porto.domain.layer;

import porto.domain.PortoException;

/** The space and inode limits of a meta storage (project quota), given by the volume domain. */
public interface MetaQuota {
    /** Sets the limits of the directory {@code path} (0: none). */
    void set(String path, long spaceLimit, long inodeLimit) throws PortoException;

    /** Drops the limits of {@code path}. */
    void remove(String path);

    /** Without project quota: any limit is refused. */
    MetaQuota NONE = new MetaQuota() {
        @Override
        public void set(String path, long spaceLimit, long inodeLimit) throws PortoException {
            if (spaceLimit != 0 || inodeLimit != 0)
                throw new PortoException(porto.domain.ErrorCode.NotSupported,
                        "space and inode limits of meta storage " + path + " need project quota, which this place lacks");
        }

        @Override
        public void remove(String path) {}
    };
}
