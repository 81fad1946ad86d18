package porto.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import porto.conformance.UsersConformance;
import porto.ports.Users;

/** {@link LinuxUsers} over scratch passwd and group files holding the suite's database. */
class LinuxUsersConformanceTest extends UsersConformance {
    @Override
    protected Fixture newFixture() throws Exception {
        Path dir = Files.createTempDirectory("porto-conformance-users");
        Path passwd = Files.writeString(dir.resolve("passwd"), String.join("\n",
                "root:x:0:0:root:/root:/bin/bash", "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
                "bin:x:2:2:bin:/bin:/usr/sbin/nologin", "# a comment", "alice:x:1000:1000:Alice,,,:/home/alice:/bin/sh", ""));
        Path group = dir.resolve("group");
        List<String> groups = new ArrayList<>(List.of("root:x:0:", "daemon:x:1:", "bin:x:2:", "alice:x:1000:",
                "porto:x:990:", "porto-containers:x:991:"));
        Files.write(group, groups);
        return new Fixture() {
            @Override
            public Users users() {
                return new LinuxUsers(passwd, group);
            }

            @Override
            public void addMember(int gid, int uid) throws Exception {
                String name = users().userName(uid).orElseThrow();
                for (int i = 0; i < groups.size(); i++) {
                    String[] f = groups.get(i).split(":", -1);
                    if (f[2].equals(Integer.toString(gid)))
                        groups.set(i, groups.get(i) + (f[3].isEmpty() ? "" : ",") + name);
                }
                Files.write(group, groups);
            }

            @Override
            public void close() throws Exception {
                Scratch.removeTree(dir);
            }
        };
    }
}
