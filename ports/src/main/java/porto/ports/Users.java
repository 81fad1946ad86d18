package porto.ports;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The host's user and group database. */
public interface Users {

    OptionalInt uid(String user);

    OptionalInt gid(String group);

    Optional<String> userName(int uid);

    Optional<String> groupName(int gid);

    /** The primary group of a user, when the user is known. */
    OptionalInt primaryGid(int uid);

    /** Supplementary groups of a user (including the primary one). */
    List<Integer> groupsOf(int uid);

    /** Home directory, when known. */
    Optional<String> home(int uid);
}
