package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.client.PropertyDescription;
import porto.client.ValueOrError;
import porto.client.WaitEvent;
import porto.rpc.Rpc.EError;
import porto.rpc.Rpc.TContainerSpec;

/** The API beyond the quick start: get, wait, AsyncWait, weak containers, specs, portoctl exec. */
class ApiTest extends PortodTest {
    @Test
    void getReadsManyValuesWithErrorsPerValue() {
        try (PortoClient c = portod.client()) {
            c.create("g1");
            c.create("g2");
            c.setProperty("g2", "private", "two");
            Map<String, Map<String, ValueOrError>> got = c.get(List.of("g1", "g2", "missing"), List.of("state", "private", "exit_status"));
            assertEquals("stopped", got.get("g1").get("state").value());
            assertEquals("two", got.get("g2").get("private").value());
            assertEquals(EError.InvalidState, got.get("g1").get("exit_status").error());
            assertEquals(EError.ContainerDoesNotExist, got.get("missing").get("state").error());
            c.destroy("g1");
            c.destroy("g2");
        }
    }

    @Test
    void waitReturnsTheFirstDeadContainerOrTimesOut() {
        try (PortoClient c = portod.client()) {
            c.create("w-slow");
            c.setProperty("w-slow", "command", "sleep 1000");
            c.start("w-slow");
            c.create("w-fast");
            c.setProperty("w-fast", "command", "sleep 0.3");
            c.start("w-fast");
            assertNull(c.waitContainers(List.of("w-slow"), 100), "timeout");
            assertEquals("w-fast", c.waitContainers(List.of("w-slow", "w-fast"), 10_000));
            assertEquals("w-fast", c.waitContainers(List.of("w-*"), 10_000), "masks match");
            c.destroy("w-slow");
            c.destroy("w-fast");
        }
    }

    @Test
    void asyncWaitPushesStateChanges() {
        try (PortoClient watcher = portod.client(); PortoClient c = portod.client()) {
            watcher.asyncWait(List.of("aw-*"));
            c.create("aw-1");
            c.setProperty("aw-1", "command", "true");
            c.start("aw-1");
            List<String> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!seen.contains("aw-1 dead") && System.currentTimeMillis() < deadline) {
                WaitEvent e = watcher.nextEvent(500);
                if (e != null)
                    seen.add(e.name() + " " + e.state());
            }
            assertTrue(seen.contains("aw-1 running") && seen.contains("aw-1 dead"), seen.toString());
            c.destroy("aw-1");
        }
    }

    @Test
    void weakContainerGoesWithItsClient() {
        try (PortoClient c = portod.client()) {
            try (PortoClient owner = portod.client()) {
                owner.createWeak("weak-1");
                owner.createWeak("weak-2");
                owner.setProperty("weak-2", "weak", "false");
                assertTrue(c.list().contains("weak-1"));
            }
            long deadline = System.currentTimeMillis() + 5_000;
            while (c.list().contains("weak-1") && System.currentTimeMillis() < deadline)
                Thread.onSpinWait();
            assertTrue(!c.list().contains("weak-1"), "destroyed with its client");
            assertTrue(c.list().contains("weak-2"), "kept: its client cleared weak");
            c.destroy("weak-2");
        }
    }

    @Test
    void createFromSpecSetsAndStarts() {
        try (PortoClient c = portod.client()) {
            c.createFromSpec(TContainerSpec.newBuilder().setName("spec").setCommand("echo from spec").setPrivate("p").build(), true);
            assertNotNull(c.waitContainers(List.of("spec"), 10_000));
            assertEquals("from spec\n", c.getProperty("spec", "stdout"));
            assertEquals("p", c.getProperty("spec", "private"));
            c.destroy("spec");
        }
    }

    @Test
    void propertyListDescribesEveryProperty() {
        try (PortoClient c = portod.client()) {
            List<String> names = new ArrayList<>();
            for (PropertyDescription p : c.propertyList())
                names.add(p.name());
            assertTrue(names.containsAll(List.of("command", "state", "exit_status", "memory_limit", "stdout", "root_pid")), names.toString());
        }
    }

    @Test
    void portoctlExecReturnsTheExitCodeAndWiresStdio() throws Exception {
        PortodProcess.Run r = portod.portoctl("exec", "ex", "command=bash -c 'echo out; echo err >&2; exit 3'");
        assertEquals(3, r.code(), r.err());
        assertEquals("out\n", r.out());
        assertTrue(r.err().contains("err"), r.err());
        // Not pid 1 of a namespace: there SIGKILL from inside would be ignored.
        PortodProcess.Run killed = portod.portoctl("exec", "ex2", "isolate=false", "command=bash -c 'kill -9 $$'");
        assertEquals(128 + 9, killed.code(), killed.err());
        try (PortoClient c = portod.client()) {
            assertTrue(!c.list().contains("ex") && !c.list().contains("ex2"), "exec destroys its container");
        }
    }

    @Test
    void portoctlHelpListsPropertiesFromTheDaemon() throws Exception {
        PortodProcess.Run r = portod.portoctl("help");
        assertTrue(r.out().contains("memory_limit") && r.out().contains("exit_status"), r.out());
    }

    @Test
    void portoctlListShowsStates() throws Exception {
        portod.portoctl("create", "ls-a");
        PortodProcess.Run r = portod.portoctl("list");
        assertTrue(r.out().matches("(?s).*ls-a\\s+stopped.*"), r.out());
        portod.portoctl("destroy", "ls-a");
    }

    @Test
    void aContainerBeingStoppedIsBusyForOthers() throws Exception {
        try (PortoClient c = portod.client(); PortoClient other = portod.client()) {
            c.create("slow-stop");
            // Not pid 1 and catching SIGTERM: stop waits out its timeout before SIGKILL.
            c.setProperty("slow-stop", "isolate", "false");
            c.setProperty("slow-stop", "command", "bash -c 'trap \"echo term\" TERM; echo trapping; while true; do sleep 0.1; done'");
            c.start("slow-stop");
            Await.until("bash has set its trap", Duration.ofSeconds(30), () -> other.getProperty("slow-stop", "stdout").contains("trapping"));
            Thread stopper = Thread.ofVirtual().start(() -> c.stop("slow-stop", 5000));
            // The trap answers SIGTERM: the stop has begun and now waits out its timeout.
            Await.until("the stop has sent SIGTERM", Duration.ofSeconds(4), () -> other.getProperty("slow-stop", "stdout").contains("term\n"));
            PortoClientException busy = org.junit.jupiter.api.Assertions.assertThrows(PortoClientException.class, () -> other.destroy("slow-stop"));
            assertEquals(porto.rpc.Rpc.EError.Busy, busy.error(), busy.getMessage());
            assertEquals(porto.rpc.Rpc.EError.Busy, org.junit.jupiter.api.Assertions.assertThrows(PortoClientException.class,
                    () -> other.create("slow-stop/child")).error());
            stopper.join();
            assertEquals("stopped", other.getProperty("slow-stop", "state"));
            other.destroy("slow-stop");
        }
    }
}
