package porto.domain.layer;

import java.nio.charset.StandardCharsets;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.KernelException;
import porto.ports.layer.LayerFiles;

/**
 * What is remembered of a layer or storage, read from its {@code _private_} file as upstream
 * keeps it: the owner (-1 when unknown), the time of the last change or use, the private value.
 */
public record StorageMeta(StorageRef ref, int ownerUid, int ownerGid, long lastChange, String privateValue) {
    static final int PRIVATE_MAX = 4096;

    /** Loads it; LayerNotFound (or VolumeNotFound for a storage) when it does not exist. */
    static StorageMeta load(LayerFiles files, StorageRef ref) throws PortoException {
        LayerFiles.Stat priv = files.stat(ref.sibling(StorageRef.PRIVATE_PREFIX));
        LayerFiles.Stat self = files.stat(ref.path());
        if (self == null || !files.isDirectory(ref.path()))
            throw missing(ref);
        if (priv == null)
            return new StorageMeta(ref, -1, -1, self.mtime(), "");
        byte[] text = files.readFile(ref.sibling(StorageRef.PRIVATE_PREFIX), PRIVATE_MAX);
        return new StorageMeta(ref, priv.uid(), priv.gid(), priv.mtime(), text == null ? "" : new String(text, StandardCharsets.UTF_8));
    }

    static PortoException missing(StorageRef ref) {
        // Upstream has no code of its own for a missing storage: VolumeNotFound.
        ErrorCode code = ref.kind() == StorageRef.Kind.LAYER ? ErrorCode.LayerNotFound : ErrorCode.VolumeNotFound;
        return new PortoException(code, ref.kindName() + " " + ref.name() + " not found");
    }

    /** Writes owner and private value beside the entry. */
    static void save(LayerFiles files, StorageRef ref, int uid, int gid, String privateValue) throws PortoException {
        if (privateValue.getBytes(StandardCharsets.UTF_8).length > PRIVATE_MAX)
            throw new PortoException(ErrorCode.InvalidValue, "private value too long, max " + PRIVATE_MAX + " bytes");
        try {
            files.writeFile(ref.sibling(StorageRef.PRIVATE_PREFIX), privateValue.getBytes(StandardCharsets.UTF_8),
                    Math.max(uid, 0), Math.max(gid, 0));
        } catch (KernelException e) {
            throw new PortoException(ErrorCode.Unknown, "cannot save private value of " + ref.name() + ": " + e.getMessage(), e.errno());
        }
    }

    /** Seconds since the last change or use, as upstream's last_usage. */
    long lastUsage(long nowSeconds) {
        return Math.max(0, nowSeconds - lastChange);
    }
}
