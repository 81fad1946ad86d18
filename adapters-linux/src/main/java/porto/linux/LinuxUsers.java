package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import porto.ports.Users;

/** Users and groups from /etc/passwd and /etc/group, read afresh on each question (they change). */
public final class LinuxUsers implements Users {
    private final Path passwd;
    private final Path group;

    public LinuxUsers() {
        this(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    LinuxUsers(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    private static List<String[]> entries(Path file) {
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
