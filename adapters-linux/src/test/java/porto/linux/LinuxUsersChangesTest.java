package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** One {@link LinuxUsers} keeps what it read only while the files stay as they were. */
class LinuxUsersChangesTest {
    @Test
    void aUserAddedOrAFileReplacedIsSeenByTheNextQuestion() throws Exception {
        Path dir = Files.createTempDirectory("porto-users-changes");
        try {
            Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            Path group = Files.writeString(dir.resolve("group"), "root:x:0:\n");
            LinuxUsers users = new LinuxUsers(passwd, group);
            assertEquals(OptionalInt.empty(), users.uid("bob"));
            assertEquals(OptionalInt.of(0), users.uid("root"));

            Files.writeString(passwd, "bob:x:1001:1001::/home/bob:/bin/sh\n", java.nio.file.StandardOpenOption.APPEND);
            assertEquals(OptionalInt.of(1001), users.uid("bob"));

            // Replaced by a rename, as adduser and vipw do: a new file of the same size.
            Path next = Files.writeString(dir.resolve("passwd.new"), "root:x:0:0:root:/root:/bin/sh\ncarl:x:1002:1002::/home/bob:/bin/sh\n");
            Files.move(next, passwd, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertEquals(OptionalInt.empty(), users.uid("bob"));
            assertEquals(OptionalInt.of(1002), users.uid("carl"));

            Files.writeString(group, "root:x:0:\nstaff:x:50:carl\n");
            assertEquals(List.of(1002, 50), users.groupsOf(1002));
        } finally {
            Scratch.removeTree(dir);
        }
    }
}
