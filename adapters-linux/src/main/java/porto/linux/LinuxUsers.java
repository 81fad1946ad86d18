package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import porto.ports.Users;

/**
 * Users and groups from /etc/passwd and /etc/group. They change, so each question checks the
 * file's identity (inode, size, modification time: one stat) and reads it again only when that
 * changed; a start asks several questions, which used to read both files each time.
 */
public final class LinuxUsers implements Users {
    private final Path passwd;
    private final Path group;
    private final Map<Path, Table> tables = new ConcurrentHashMap<>();

    /** A file's parsed lines and the identity they were read at. */
    private record Table(Object key, FileTime modified, long size, List<String[]> entries) {}

    public LinuxUsers() {
        this(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    LinuxUsers(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    private List<String[]> entries(Path file) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return List.of(); // No database: only numeric ids work.
        }
        Table known = tables.get(file);
        if (known != null && java.util.Objects.equals(known.key, attrs.fileKey()) && known.modified.equals(attrs.lastModifiedTime())
                && known.size == attrs.size())
            return known.entries;
        List<String[]> entries = read(file);
        tables.put(file, new Table(attrs.fileKey(), attrs.lastModifiedTime(), attrs.size(), entries));
        return entries;
    }

    private static List<String[]> read(Path file) {
        List<String[]> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isEmpty() || line.startsWith("#"))
                    continue;
                out.add(line.split(":", -1));
            }
        } catch (IOException e) {
            // No database: only numeric ids work.
        }
        return out;
    }

    @Override
    public OptionalInt uid(String user) {
        for (String[] e : entries(passwd))
            if (e.length > 2 && e[0].equals(user))
                return OptionalInt.of(Integer.parseInt(e[2]));
        return OptionalInt.empty();
    }

    @Override
    public OptionalInt gid(String name) {
        for (String[] e : entries(group))
            if (e.length > 2 && e[0].equals(name))
                return OptionalInt.of(Integer.parseInt(e[2]));
        return OptionalInt.empty();
    }

    @Override
    public Optional<String> userName(int uid) {
        for (String[] e : entries(passwd))
            if (e.length > 2 && e[2].equals(Integer.toString(uid)))
                return Optional.of(e[0]);
        return Optional.empty();
    }

    @Override
    public Optional<String> groupName(int gid) {
        for (String[] e : entries(group))
            if (e.length > 2 && e[2].equals(Integer.toString(gid)))
                return Optional.of(e[0]);
        return Optional.empty();
    }

    @Override
    public OptionalInt primaryGid(int uid) {
        for (String[] e : entries(passwd))
            if (e.length > 3 && e[2].equals(Integer.toString(uid)))
                return OptionalInt.of(Integer.parseInt(e[3]));
        return OptionalInt.empty();
    }

    @Override
    public List<Integer> groupsOf(int uid) {
        List<Integer> out = new ArrayList<>();
        primaryGid(uid).ifPresent(out::add);
        Optional<String> name = userName(uid);
        if (name.isEmpty())
            return out;
        for (String[] e : entries(group)) {
            if (e.length < 4 || e[3].isEmpty())
                continue;
            for (String member : e[3].split(","))
                if (member.equals(name.get())) {
                    int gid = Integer.parseInt(e[2]);
                    if (!out.contains(gid))
                        out.add(gid);
                }
        }
        return out;
    }

    @Override
    public Optional<String> home(int uid) {
        for (String[] e : entries(passwd))
            if (e.length > 5 && e[2].equals(Integer.toString(uid)))
                return Optional.of(e[5]);
        return Optional.empty();
    }
}
