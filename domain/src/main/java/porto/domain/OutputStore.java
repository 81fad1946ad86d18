package porto.domain;

import java.nio.charset.StandardCharsets;
import porto.ports.ContainerFiles;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * A container's stored stdout and stderr: files in its working directory that rotation keeps at
 * most {@code stdout_limit} long by dropping their head. Offsets are counted from the start of the
 * stream, so a reader's position stays valid across rotations; the dropped part is reported as
 * {@code stdout_offset} / {@code stderr_offset}.
 */
final class OutputStore {
    private final ContainerFiles files;
    private final UserDatabase users;
    private final Properties properties;
    private final DomainConfig config;
    private final Persistence persistence;

    OutputStore(ContainerFiles files, UserDatabase users, Properties properties, DomainConfig config, Persistence persistence) {
        this.files = files;
        this.users = users;
        this.properties = properties;
        this.config = config;
        this.persistence = persistence;
    }

    private String value(Container c, String property) throws PortoException {
        return properties.value(c, property);
    }

    /**
     * Where a stream's text is: the daemon's storage in the working directory (root "/"), or a
     * file the user named, inside the container's root; null for a client's descriptor.
     */
    private record Location(String root, String path, boolean stored) {}

    private Location location(Container c, String stream) throws PortoException {
        String configured = value(c, stream + "_path");
        if (configured.startsWith("/dev/fd/"))
            return null;
        if (!c.config.containsKey(stream + "_path"))
            return new Location("/", config.workDir(c.name) + "/" + configured, true);
        return new Location(FilesystemPlanner.hostRoot(c), PathAccess.streamInside(properties, c, configured), false);
    }

    private long size(Location at, LaunchSpec.Cred reader) throws KernelException {
        return at.stored() ? files.size(at.path()) : files.size(at.root(), at.path(), reader);
    }

    private PortoException readFailure(String stream, Caller reader, KernelException e) {
        if (PathAccess.refused(e))
            return new PortoException(ErrorCode.Permission, "user " + users.userName(reader.uid()) + " may not read the file of "
                    + stream + ": " + e.getMessage());
        return new PortoException(ErrorCode.Unknown, "cannot read " + stream + ": " + e.getMessage(), e.errno());
    }

    private static long offset(Container c, String stream) {
        return stream.equals("stdout") ? c.stdoutOffset : c.stderrOffset;
    }

    /**
     * A read of "stdout", "stdout[offset:]", "stdout[:length]" or "stdout[offset:length]" for
     * {@code reader}, as far as it can be decided from memory: made with the tree lock held, it is
     * then {@link Reading#perform performed} without it, as the file may be a user's on a file
     * system that never answers. The daemon's own storage is read for anyone who may read the
     * container; a file the user named only as far as the reader could read it themselves.
     */
    Reading reading(Container c, String stream, String range, Caller reader) throws PortoException {
        Location at = location(c, stream);
        if (at == null)
            throw new PortoException(ErrorCode.InvalidData, stream + " goes to a descriptor of the client and is not stored");
        return new Reading(stream, at, offset(c, stream), FilesystemProperties.STDOUT_LIMIT.value(c), range,
                reader, users.credentials(reader));
    }

    /** What a read needs, taken under the lock; while it is performed, rotation leaves the container alone. */
    final class Reading {
        private final String stream;
        private final Location at;
        private final long dropped;
        private final long limit;
        private final String range;
        private final Caller reader;
        private final LaunchSpec.Cred as;

        private Reading(String stream, Location at, long dropped, long limit, String range, Caller reader, LaunchSpec.Cred as) {
            this.stream = stream;
            this.at = at;
            this.dropped = dropped;
            this.limit = limit;
            this.range = range;
            this.reader = reader;
            this.as = as;
        }

        /** The file work; no tree lock needed. */
        String perform() throws PortoException {
            long size;
            try {
                size = size(at, as);
            } catch (KernelException e) {
                throw readFailure(stream, reader, e);
            }
            if (size < 0)
                return "";
            long end = dropped + size;
            long from = Math.max(dropped, end - limit);
            long to = end;
            if (range != null && !range.isEmpty()) {
                int colon = range.indexOf(':');
                String off = colon < 0 ? range : range.substring(0, colon);
                String len = colon < 0 ? "" : range.substring(colon + 1);
                if (!off.isEmpty()) {
                    from = Values.parseUnsigned(off);
                    if (from < dropped)
                        throw new PortoException(ErrorCode.InvalidValue, stream + " before offset " + dropped
                                + " was dropped by rotation; asked for " + from);
                }
                if (!len.isEmpty()) {
                    long want = Values.parseUnsigned(len);
                    if (off.isEmpty())
                        from = Math.max(dropped, end - want);
                    to = Math.min(end, from + want);
                }
            }
            if (from >= to)
                return "";
            try {
                int length = (int) Math.min(to - from, Integer.MAX_VALUE - 8);
                byte[] data = at.stored() ? files.read(at.path(), from - dropped, length)
                        : files.read(at.root(), at.path(), from - dropped, length, as);
                return new String(data, StandardCharsets.UTF_8);
            } catch (KernelException e) {
                throw readFailure(stream, reader, e);
            }
        }
    }

    /** Reads with the lock held (the daemon's own use, and property readers that hold it anyway). */
    String read(Container c, String stream, String range, Caller reader) throws PortoException {
        return reading(c, stream, range, reader).perform();
    }

    /** Drops the head of stored streams that grew past stdout_limit. */
    void rotate(Container c) {
        for (String stream : new String[] {"stdout", "stderr"}) {
            try {
                Location at = location(c, stream);
                if (at == null || !at.stored())
                    continue; // only our own storage rotates; a user's file is the user's
                if (c.outputReaders > 0)
                    continue; // a read outside the lock counts on the offset it took: next round
                String path = at.path();
                long size = files.size(path);
                long limit = FilesystemProperties.STDOUT_LIMIT.value(c);
                if (size <= limit)
                    continue;
                long dropped = files.dropHead(path, size - limit);
                if (stream.equals("stdout"))
                    c.stdoutOffset += dropped;
                else
                    c.stderrOffset += dropped;
                persistence.save(c);
            } catch (PortoException | KernelException e) {
                // The next round tries again; reading still works on the longer file.
            }
        }
    }
}
