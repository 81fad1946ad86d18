package porto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import porto.ports.Cgroups.Limit;

/**
 * A limit set on a running container is written to its cgroup with the tree lock released:
 * reads answer meanwhile (the value in force until the kernel has the new one, except values that
 * guarantees are checked against), a change of the same container waits, and a refused write
 * keeps the old value.
 */
class LiveLimitsTest {
    private static final long MB = 1 << 20;
    private final HeldKernel kernel = new HeldKernel();
    private final ContainerService service = kernel.service();

    @AfterEach
    void tearDown() {
        kernel.close();
    }

    private void startWork(String name) throws PortoException {
        service.create(Caller.ROOT, name, false);
        service.set(Caller.ROOT, name, "command", "work");
        service.set(Caller.ROOT, name, "memory_limit", "64M");
        service.start(Caller.ROOT, name);
    }

    private OptionalLong memoryLimit(String name) {
        return kernel.fake.cgroups().limit(name, Limit.MEMORY_LIMIT);
    }

    @Test
    void readsAnswerAndChangesWaitWhileALimitIsWritten() throws Exception {
        startWork("ct");
        service.create(Caller.ROOT, "other", false);
        kernel.hold("setLimit");
        Future<?> set = kernel.inThread(() -> service.set(Caller.ROOT, "ct", "memory_limit", "128M"));
        kernel.awaitHeld();

        assertEquals(List.of("ct", "other"), kernel.within10s(() -> service.list(null)));
        // Guarantees of other containers are checked against memory_limit, so the new value shows at once.
        assertEquals(Long.toString(128 * MB), kernel.within10s(() -> service.get("ct", "memory_limit")));
        assertEquals("running", kernel.within10s(() -> service.get("ct", "state")));
        kernel.within10s(() -> {
            service.set(Caller.ROOT, "other", "memory_limit", "1G");
            return null;
        });
        Future<?> stop = kernel.inThread(() -> service.stop(Caller.ROOT, "ct", 0));
        assertFalse(stop.isDone());

        kernel.release();
        HeldKernel.done(set);
        HeldKernel.done(stop);
        assertEquals(Long.toString(128 * MB), service.get("ct", "memory_limit"));
        assertEquals("stopped", service.get("ct", "state"));
    }

    @Test
    void aSiblingsChangeCountsAGuaranteeBeingWritten() throws Exception {
        service.create(Caller.ROOT, "p", false);
        service.set(Caller.ROOT, "p", "memory_limit", "100M");
        service.start(Caller.ROOT, "p");
        for (String child : List.of("p/a", "p/b")) {
            service.create(Caller.ROOT, child, false);
            service.set(Caller.ROOT, child, "command", "work");
            service.set(Caller.ROOT, child, "memory_limit", "90M"); // so that it runs with a memory cgroup
            service.start(Caller.ROOT, child);
        }
        kernel.hold("setLimit");
        Future<?> first = kernel.inThread(() -> service.set(Caller.ROOT, "p/a", "memory_guarantee", "60M"));
        kernel.awaitHeld();
        // Decided while the first is written: together they would guarantee 120M under a 100M limit.
        PortoException e = kernel.within10s(() -> assertThrows(PortoException.class,
                () -> service.set(Caller.ROOT, "p/b", "memory_guarantee", "60M")));
        assertEquals(ErrorCode.ResourceNotAvailable, e.code());
        kernel.release();
        HeldKernel.done(first);
        assertEquals(Long.toString(60 * MB), service.get("p/a", "memory_guarantee"));
        assertEquals("0", service.get("p/b", "memory_guarantee"));
    }

    @Test
    void aRefusedWriteKeepsTheOldValue() throws Exception {
        startWork("ct");
        kernel.failNext("setLimit"); // EBUSY, as the kernel answers a limit below the usage
        PortoException e = assertThrows(PortoException.class, () -> service.set(Caller.ROOT, "ct", "memory_limit", "1M"));
        assertEquals(ErrorCode.ResourceNotAvailable, e.code());
        assertEquals(Long.toString(64 * MB), service.get("ct", "memory_limit"));
        assertEquals(OptionalLong.of(64 * MB), memoryLimit("ct"));

        service.set(Caller.ROOT, "ct", "memory_limit", "32M");
        assertEquals(OptionalLong.of(32 * MB), memoryLimit("ct"));
        assertEquals(Long.toString(32 * MB), service.get("ct", "memory_limit"));
    }

    @Test
    void aCpuLimitOfAParentIsWrittenDownItsSubtreeOutsideTheLock() throws Exception {
        service.create(Caller.ROOT, "p", false);
        service.set(Caller.ROOT, "p", "cpu_limit", "2c");
        service.create(Caller.ROOT, "p/c", false);
        service.set(Caller.ROOT, "p/c", "command", "work");
        service.set(Caller.ROOT, "p/c", "cpu_limit", "1c");
        service.start(Caller.ROOT, "p/c");
        kernel.hold("setLimit");
        Future<?> set = kernel.inThread(() -> service.set(Caller.ROOT, "p", "cpu_limit", "0.5c"));
        kernel.awaitHeld();
        assertEquals("running", kernel.within10s(() -> service.get("p/c", "state")));
        assertEquals("0.5c", kernel.within10s(() -> service.get("p", "cpu_limit")), "guarantees are checked against it at once");
        kernel.release();
        HeldKernel.done(set);
        assertEquals("0.5c", service.get("p", "cpu_limit"));
        assertEquals(OptionalLong.of(500_000), kernel.fake.cgroups().limit("p/c", Limit.CPU_LIMIT));
    }
}
