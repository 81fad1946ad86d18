package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.linux.FileStateStore;

/**
 * Volumes outlive the daemon as containers do: after a reload, an upgrade or a SIGKILL the next
 * daemon knows every volume, its links and limits, the mounts were never touched, and unlinking
 * still tears everything down. A volume recorded in the middle of its construction, and a
 * directory of porto_volumes no record names, are removed with their mounts when a daemon starts.
 */
class VolumePersistenceTest extends PortodTest {
    private Path scratch;

    @BeforeEach
    void makeScratch() throws IOException {
        scratch = Files.createTempDirectory("porto-volumes-persist");
    }

    @AfterEach
    void releaseScratch() throws Exception {
        for (String line : ok("vlist", "-1").out().split("\n"))
            if (!line.isBlank())
                portod.portoctl("vunlink", "-A", line.trim());
        portod.portoctl("destroy", "holder");
        HostMounts.release(scratch);
        PortodProcess.deleteTree(scratch);
    }

    private static boolean mounted(String path) throws IOException {
        return HostMounts.under(Path.of(path)).contains(path);
    }

    private void survives(String signal, boolean master) throws Exception {
        Path tmp = Files.createDirectories(scratch.resolve("tmp"));
        Path target = scratch.resolve("target");
        ok("vcreate", tmp.toString(), "backend=tmpfs", "space_limit=2M", "private=kept");
        String auto = ok("vcreate", "-A", "backend=plain").line();
        Files.writeString(Path.of(auto, "data"), "survives");
        ok("create", "holder");
        ok("vlink", tmp.toString(), "holder", target.toString());
        String before = ok("vlist", "-v", tmp.toString(), auto).out();

        long old = portod.daemonPid();
        PortodProcess.signal(master ? portod.masterPid() : old, signal);
        if (signal.equals("USR2")) // the master re-executes itself and keeps serving the same daemon
            Await.until("the master says it upgraded", Duration.ofSeconds(30), () -> portod.logText().contains("upgraded: serving daemon"));
        else
            portod.awaitNewDaemon(old, Duration.ofSeconds(30));

        assertEquals(before.replaceAll("(space|inode)_(used|available) +[0-9]+", ""),
                ok("vlist", "-v", tmp.toString(), auto).out().replaceAll("(space|inode)_(used|available) +[0-9]+", ""),
                "the next daemon describes the volumes as the last one did");
        assertTrue(mounted(tmp.toString()) && mounted(target.toString()) && mounted(auto));
        assertEquals("survives", Files.readString(Path.of(auto, "data")));
        ok("destroy", "holder");
        assertFalse(mounted(target.toString()), "the link of a destroyed container goes");
        ok("vunlink", tmp.toString());
        ok("vunlink", auto);
        assertFalse(mounted(tmp.toString()) || mounted(auto));
        assertFalse(Files.exists(Path.of(auto)));
    }

    @Test
    void volumesSurviveReload() throws Exception {
        survives("HUP", true);
    }

    @Test
    void volumesSurviveUpgrade() throws Exception {
        survives("USR2", true);
    }

    @Test
    void volumesSurviveKillOfTheDaemon() throws Exception {
        survives("KILL", false);
    }

    @Test
    void aVolumeCutShortByADeadDaemonIsTornDown() throws Exception {
        // What a daemon killed during a build leaves: its record says building, a mount is made.
        Path internals = portod.volumePlace.resolve("porto_volumes/900");
        Path half = Files.createDirectories(internals.resolve("volume"));
        Path user = Files.createDirectories(scratch.resolve("user"));
        HostMounts.run("mount", "-t", "tmpfs", "-o", "size=1M", "half", half.toString());
        HostMounts.run("mount", "--bind", half.toString(), user.toString());
        assertTrue(mounted(half.toString()) && mounted(user.toString()));
        Map<String, String> record = new LinkedHashMap<>();
        record.put("id", "900");
        record.put("path", user.toString());
        record.put("auto_path", "false");
        record.put("place", portod.volumePlace.toString());
        record.put("backend", "tmpfs");
        record.put("storage", "");
        record.put("storage_path", internals + "/tmpfs");
        record.put("keep_storage", "false");
        record.put("layers", "");
        record.put("read_only", "false");
        for (String k : List.of("uid", "gid", "owner_uid", "owner_gid", "inode_limit", "space_guarantee", "inode_guarantee"))
            record.put(k, "0");
        record.put("permissions", Integer.toString(0775));
        record.put("space_limit", Long.toString(1 << 20));
        record.put("state", "BUILDING");
        record.put("links", "/\t\tfalse\tfalse\t");
        new FileStateStore(portod.runDir.resolve("vkvs"), m -> { }).save("volume-900", record);
        // ... and one killed before its record was written: a directory with a mount and no record
        Path orphan = Files.createDirectories(portod.volumePlace.resolve("porto_volumes/901/volume"));
        HostMounts.run("mount", "-t", "tmpfs", "-o", "size=1M", "orphan", orphan.toString());

        long old = portod.daemonPid();
        PortodProcess.signal(old, "KILL");
        portod.awaitNewDaemon(old, Duration.ofSeconds(30));

        assertFalse(mounted(user.toString()), "the half-built volume's path is unmounted");
        assertTrue(HostMounts.under(portod.volumePlace).isEmpty(), "nothing is left mounted in the place");
        assertFalse(Files.exists(internals));
        assertFalse(Files.exists(orphan.getParent()));
        assertTrue(Files.isDirectory(user), "the client's own directory stays");
        fails("VolumeNotFound", "vlist", user.toString());
        assertFalse(Files.exists(portod.runDir.resolve("vkvs/volume-900")), "its record is gone");
    }
}
