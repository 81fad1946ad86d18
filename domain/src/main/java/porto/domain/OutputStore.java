package porto.domain;

import java.nio.charset.StandardCharsets;
import porto.ports.KernelException;
import porto.ports.LaunchSpec;

/**
 * A container's stored stdout and stderr: files in its working directory that rotation keeps at
 * most {@code stdout_limit} long by dropping their head. Offsets are counted from the start of the
 * stream, so a reader's position stays valid across rotations; the dropped part is reported as
 * {@code stdout_offset} / {@code stderr_offset}.
 */
final class OutputStore {
    private final ContainerService s;

    OutputStore(ContainerService s) {
        this.s = s;
    }

    private String value(Container c, String property) throws PortoException {
        return s.properties().find(property).read(s, c);
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
            return new Location("/", s.defaultCwd(c) + "/" + configured, true);
        return new Location(FilesystemPlanner.hostRoot(s, c), PathAccess.streamInside(s, c, configured), false);
    }

    private long size(Location at, LaunchSpec.Cred reader) throws KernelException {
        return at.stored() ? s.kernel.files().size(at.path()) : s.kernel.files().size(at.root(), at.path(), reader);
    }

    private PortoException readFailure(String stream, Caller reader, KernelException e) {
        if (PathAccess.refused(e))
            return new PortoException(ErrorCode.Permission, "user " + s.userName(reader.uid()) + " may not read the file of "
                    + stream + ": " + e.getMessage());
        return new PortoException(ErrorCode.Unknown, "cannot read " + stream + ": " + e.getMessage(), e.errno());
    }

    private static long offset(Container c, String stream) {
        return stream.equals("stdout") ? c.stdoutOffset : c.stderrOffset;
    }

    /**
     * Reads "stdout", "stdout[offset:]", "stdout[:length]" or "stdout[offset:length]" for
     * {@code reader}: the daemon's own storage to anyone who may read the container, a file the
     * user named only as far as the reader could read it themselves.
     */
    String read(Container c, String stream, String range, Caller reader) throws PortoException {
        Location at = location(c, stream);
        if (at == null)
            throw new PortoException(ErrorCode.InvalidData, stream + " goes to a descriptor of the client and is not stored");
        LaunchSpec.Cred as = PathAccess.credentials(s, reader);
        long size;
        try {
            size = size(at, as);
        } catch (KernelException e) {
            throw readFailure(stream, reader, e);
        }
        if (size < 0)
            return "";
        long dropped = offset(c, stream);
        long end = dropped + size;
        long limit = FilesystemProperties.STDOUT_LIMIT.value(c);
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
            byte[] data = at.stored() ? s.kernel.files().read(at.path(), from - dropped, length)
                    : s.kernel.files().read(at.root(), at.path(), from - dropped, length, as);
            return new String(data, StandardCharsets.UTF_8);
        } catch (KernelException e) {
            throw readFailure(stream, reader, e);
        }
    }

    /** Drops the head of stored streams that grew past stdout_limit. */
    void rotate(Container c) {
        for (String stream : new String[] {"stdout", "stderr"}) {
            try {
                Location at = location(c, stream);
                if (at == null || !at.stored())
                    continue; // only our own storage rotates; a user's file is the user's
                String path = at.path();
                long size = s.kernel.files().size(path);
                long limit = FilesystemProperties.STDOUT_LIMIT.value(c);
                if (size <= limit)
                    continue;
                long dropped = s.kernel.files().dropHead(path, size - limit);
                if (stream.equals("stdout"))
                    c.stdoutOffset += dropped;
                else
                    c.stderrOffset += dropped;
                s.persistence().save(c);
            } catch (PortoException | KernelException e) {
                // The next round tries again; reading still works on the longer file.
            }
        }
    }
}
