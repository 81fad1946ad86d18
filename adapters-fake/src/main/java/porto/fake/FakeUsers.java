package porto.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import porto.ports.Users;

/**
 * A small user database: root(0), daemon(1), bin(2) and alice(1000), each with a group of the same
 * name and id, plus groups porto(990) and porto-containers(991). Nobody is in porto until
 * {@link #addMember} says so.
 */
public final class FakeUsers implements Users {
    public static final int ROOT = 0;
    public static final int DAEMON = 1;
    public static final int BIN = 2;
    public static final int ALICE = 1000;
    public static final int PORTO_GROUP = 990;
    public static final int PORTO_CONTAINERS_GROUP = 991;

    private record User(String name, int uid, int gid, String home) {}

    private final Map<Integer, User> users = new TreeMap<>();
    private final Map<Integer, String> groups = new TreeMap<>();
    private final Map<Integer, Set<Integer>> members = new TreeMap<>();

    FakeUsers() {
        addUser("root", ROOT, ROOT, "/root");
        addUser("daemon", DAEMON, DAEMON, "/usr/sbin");
        addUser("bin", BIN, BIN, "/bin");
        addUser("alice", ALICE, ALICE, "/home/alice");
        addGroup("porto", PORTO_GROUP);
        addGroup("porto-containers", PORTO_CONTAINERS_GROUP);
    }

    /** Adds a user and a group of the same name with id {@code gid} if there is none. */
    public synchronized void addUser(String name, int uid, int gid, String home) {
        users.put(uid, new User(name, uid, gid, home));
        groups.putIfAbsent(gid, name);
    }

    public synchronized void addGroup(String name, int gid) {
        groups.put(gid, name);
    }

    public synchronized void addMember(int gid, int uid) {
        members.computeIfAbsent(gid, g -> new TreeSet<>()).add(uid);
    }

    public synchronized void removeMember(int gid, int uid) {
        members.getOrDefault(gid, new TreeSet<>()).remove(uid);
    }

    /** Puts alice in group porto or takes her out. */
    public void setAliceInPorto(boolean member) {
        if (member)
            addMember(PORTO_GROUP, ALICE);
        else
            removeMember(PORTO_GROUP, ALICE);
    }

    @Override
    public synchronized OptionalInt uid(String user) {
        for (User u : users.values())
            if (u.name().equals(user))
                return OptionalInt.of(u.uid());
        return OptionalInt.empty();
    }

    @Override
    public synchronized OptionalInt gid(String group) {
        for (var e : groups.entrySet())
            if (e.getValue().equals(group))
                return OptionalInt.of(e.getKey());
        return OptionalInt.empty();
    }

    @Override
    public synchronized Optional<String> userName(int uid) {
        User u = users.get(uid);
        return u == null ? Optional.empty() : Optional.of(u.name());
    }

    @Override
    public synchronized Optional<String> groupName(int gid) {
        return Optional.ofNullable(groups.get(gid));
    }

    @Override
    public synchronized OptionalInt primaryGid(int uid) {
        User u = users.get(uid);
        return u == null ? OptionalInt.empty() : OptionalInt.of(u.gid());
    }

    @Override
    public synchronized List<Integer> groupsOf(int uid) {
        User u = users.get(uid);
        if (u == null)
            return List.of();
        List<Integer> out = new ArrayList<>();
        out.add(u.gid());
        members.forEach((gid, uids) -> {
            if (uids.contains(uid) && gid != u.gid())
                out.add(gid);
        });
        return out;
    }

    @Override
    public synchronized Optional<String> home(int uid) {
        User u = users.get(uid);
        return u == null ? Optional.empty() : Optional.of(u.home());
    }
}
