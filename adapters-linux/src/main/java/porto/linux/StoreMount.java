package porto.linux;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import porto.linux.volume.VolumeCalls;

/**
 * The record stores (/run/porto/kvs, /run/porto/vkvs) on a tmpfs of their own, as upstream keeps
 * them: a record written to a disk filesystem costs a journal transaction (0.34 ms on this VM's
 * ext4, about six per container cycle), on tmpfs a page copy. The mount is the host's, so it
 * outlives the daemon that made it and the next daemon finds the records; a full stop that leaves
 * no record takes it away. Records a daemon of an earlier version left in the plain directory
 * are moved into the tmpfs, never hidden under it.
 */
public final class StoreMount {
    /** Room for some 60,000 records of a page each; tmpfs takes memory only for what is written. */
    static final long SIZE_BYTES = 256L << 20;
    private static final long MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8;

    private StoreMount() {}

    /**
     * Mounts a tmpfs at {@code store} unless one is there, then moves in the records of the plain
     * directory it covered (set aside first, so a crash in between loses none). When the mount is
     * refused the store stays a plain directory: slower, but the containers are kept.
     */
    public static void mount(Path store, Consumer<String> log) throws IOException {
        // mountinfo names mount points by their real paths: a store reached through a link is
        // looked up, set aside and mounted by its real path.
        Files.createDirectories(store);
        Path dir = store.toRealPath();
        Path aside = dir.resolveSibling(dir.getFileName() + ".disk");
        MountTable.Entry holder = MountTable.holding(dir.toString());
        boolean mounted = holder != null && holder.mountPoint().equals(dir.toString());
        if (mounted && !holder.type().equals("tmpfs"))
            log.accept(dir + " is a " + holder.type() + " mount, not a tmpfs: records stay there");
        if (!mounted) {
            if (hasEntries(dir)) {
                if (Files.exists(aside))
                    moveRecords(dir, aside, true); // a start interrupted before: gather all in one place
                else
                    Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.createDirectories(dir);
            int rc = VolumeCalls.mount(source(dir), dir.toString(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                    "size=" + SIZE_BYTES + ",mode=0750");
            if (rc != 0) {
                log.accept("cannot mount a tmpfs at " + dir + " (errno " + -rc + "): records are kept on its filesystem");
                if (Files.isDirectory(aside))
                    moveRecords(aside, dir, false);
                return;
            }
        }
        if (Files.isDirectory(aside)) {
            int moved = moveRecords(aside, dir, false);
            log.accept("moved " + moved + " records from " + aside + " into the tmpfs at " + dir);
        }
    }

    /**
     * Takes the tmpfs at {@code store} away when no record is left in it (after a full stop); a store
     * that still holds records (volumes outlive their daemon) stays for the next daemon.
     */
    public static void unmountIfEmpty(Path store, Consumer<String> log) {
        try {
            if (!Files.isDirectory(store))
                return;
            Path dir = store.toRealPath();
            String path = dir.toString();
            MountTable.Entry holder = MountTable.holding(path);
            // Only the tmpfs a daemon mounted: one the host's administrator put there stays.
            if (holder == null || !holder.mountPoint().equals(path) || !holder.type().equals("tmpfs")
                    || !holder.source().equals(source(dir)) || hasEntries(dir))
                return;
            int rc = VolumeCalls.umount2(path, VolumeCalls.MNT_DETACH);
            if (rc != 0)
                log.accept("cannot unmount the tmpfs at " + dir + " (errno " + -rc + ")");
        } catch (IOException e) {
            log.accept("cannot look into " + store + ": " + e.getMessage());
        }
    }

    /** The device name the daemon's tmpfs shows in mountinfo: porto_kvs, porto_vkvs. */
    private static String source(Path dir) {
        return "porto_" + dir.getFileName();
    }

    /** True when {@code dir} holds any record (temporary files of an interrupted write do not count). */
    private static boolean hasEntries(Path dir) throws IOException {
        if (!Files.isDirectory(dir))
            return false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files)
                if (!f.getFileName().toString().startsWith("."))
                    return true;
        }
        return false;
    }

    /**
     * Copies each record of {@code from} (those {@code to} has too only when {@code newer}) through
     * a temporary name, so a reader never meets half a record, then removes {@code from}. Returns
     * how many were copied.
     */
    private static int moveRecords(Path from, Path to, boolean newer) throws IOException {
        int moved = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(f) && (newer || !Files.exists(to.resolve(name)))) {
                    Path tmp = to.resolve("." + name + ".tmp");
                    Files.copy(f, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, to.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                    moved++;
                }
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from)) {
            for (Path f : files)
                Files.delete(f);
        }
        Files.delete(from);
        return moved;
    }
}
