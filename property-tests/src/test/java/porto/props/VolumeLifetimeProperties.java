package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import porto.domain.Caller;
import porto.domain.PortoException;
import porto.domain.volume.Containers;
import porto.domain.volume.Volume;
import porto.domain.volume.VolumeLink;
import porto.domain.volume.VolumeService;
import porto.fake.FakeKernel;
import porto.fake.volume.FakeVolumeStorage;

/**
 * Random sequences of volume requests, container destruction and daemon crashes on the fake
 * kernel. After every step: every volume has a link and links only live containers, every mount
 * belongs to a volume, the guarantees of the place fit its filesystem, and a restarted daemon
 * takes back exactly the volumes and links the last one had.
 */
class VolumeLifetimeProperties {
    static final String PLACE = "/place";
    static final long MB = 1 << 20;
    static final long CAPACITY = 100 * MB;
    static final List<String> CONTAINERS = List.of("a", "b", "a/c");
    static final List<String> TARGETS = List.of("/t/0", "/t/1", "/t/2");

    sealed interface Step permits Create, Link, Unlink, Tune, Destroy, Crash {}

    record Create(List<String> containers, long guaranteeMb, boolean tmpfs) implements Step {}

    record Link(int volume, String container, int target, boolean readOnly) implements Step {}

    record Unlink(int volume, String container) implements Step {}

    record Tune(int volume, long guaranteeMb) implements Step {}

    record Destroy(String container) implements Step {}

    record Crash() implements Step {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> container = Arbitraries.of(CONTAINERS);
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 5);
        Arbitrary<Step> create = Combinators.combine(container.list().ofMinSize(0).ofMaxSize(2),
                Arbitraries.longs().between(0, 60), Arbitraries.of(true, false)).as(Create::new);
        Arbitrary<Step> link = Combinators.combine(index, container, Arbitraries.integers().between(-1, 2),
                Arbitraries.of(true, false)).as(Link::new);
        Arbitrary<Step> unlink = Combinators.combine(index, Arbitraries.of("a", "b", "a/c", "/", "***")).as(Unlink::new);
        Arbitrary<Step> tune = Combinators.combine(index, Arbitraries.longs().between(0, 80)).as(Tune::new);
        Arbitrary<Step> destroy = container.map(Destroy::new);
        Arbitrary<Step> crash = Arbitraries.just(new Crash());
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, create), net.jqwik.api.Tuple.of(3, link),
                net.jqwik.api.Tuple.of(3, unlink), net.jqwik.api.Tuple.of(2, tune), net.jqwik.api.Tuple.of(2, destroy),
                net.jqwik.api.Tuple.of(1, crash)).list().ofMinSize(1).ofMaxSize(30);
    }

    /** Containers that exist; destroying one also tells the volumes, as the daemon's listener does. */
    static final class Alive implements Containers {
        final Set<String> names = new HashSet<>(CONTAINERS);

        @Override
        public boolean exists(String name) {
            return name.equals("/") || names.contains(name);
        }

        @Override
        public String hostRoot(String name) {
            return "/";
        }
    }

    @Property(tries = 80)
    void volumesKeepTheirInvariants(@ForAll("steps") List<Step> steps) throws Exception {
        FakeKernel kernel = new FakeKernel();
        FakeVolumeStorage storage = new FakeVolumeStorage();
        storage.setCapacity(CAPACITY, 100_000);
        for (String t : TARGETS)
            storage.makeDirectory(t, 0, 0, 0755);
        Alive alive = new Alive();
        VolumeService volumes = start(kernel, storage, alive);
        for (Step step : steps) {
            try {
                volumes = apply(step, volumes, kernel, storage, alive);
            } catch (PortoException refused) {
                // a refusal is an answer; the invariants below must hold either way
            }
            check(volumes, storage, alive, step);
        }
    }

    private static VolumeService start(FakeKernel kernel, FakeVolumeStorage storage, Alive alive) {
        VolumeService v = new VolumeService(storage, kernel.store(), kernel.users(), kernel.clock(), PLACE);
        v.setContainers(alive);
        v.restore(message -> { });
        return v;
    }

    private static String path(VolumeService volumes, int index) throws PortoException {
        List<Volume> all = volumes.list(null, null);
        return all.isEmpty() ? "/none" : all.get(index % all.size()).path();
    }

    private static VolumeService apply(Step step, VolumeService volumes, FakeKernel kernel, FakeVolumeStorage storage,
            Alive alive) throws Exception {
        switch (step) {
            case Create c -> {
                StringBuilder links = new StringBuilder();
                for (String name : c.containers())
                    links.append(links.length() > 0 ? ";" : "").append(name);
                Map<String, String> props = new TreeMap<>();
                props.put("backend", c.tmpfs() ? "tmpfs" : "plain");
                if (c.tmpfs())
                    props.put("space_limit", "64M");
                if (c.guaranteeMb() > 0)
                    props.put("space_guarantee", c.guaranteeMb() + "M");
                if (links.length() > 0)
                    props.put("containers", links.toString());
                volumes.create(Caller.ROOT, n -> n.equals("self") ? "/" : n, null, props);
            }
            case Link l -> volumes.link(Caller.ROOT, path(volumes, l.volume()), l.container(),
                    l.target() < 0 ? "" : TARGETS.get(l.target()), l.readOnly(), false);
            case Unlink u -> volumes.unlink(Caller.ROOT, path(volumes, u.volume()), u.container(), "***", false);
            case Tune t -> volumes.tune(Caller.ROOT, path(volumes, t.volume()), Map.of("space_guarantee", t.guaranteeMb() + "M"));
            case Destroy d -> {
                for (String name : List.copyOf(alive.names))
                    if (name.equals(d.container()) || name.startsWith(d.container() + "/")) {
                        alive.names.remove(name);
                        volumes.containerDestroyed(name);
                    }
                alive.names.addAll(CONTAINERS); // made again under the same names
            }
            case Crash c -> {
                Map<String, List<VolumeLink>> before = links(volumes);
                volumes = start(kernel, storage, alive);
                assertEquals(before, links(volumes), "a restarted daemon takes back every volume and link");
            }
        }
        return volumes;
    }

    private static Map<String, List<VolumeLink>> links(VolumeService volumes) throws PortoException {
        Map<String, List<VolumeLink>> out = new TreeMap<>();
        for (Volume v : volumes.list(null, null))
            out.put(v.path(), v.links());
        return out;
    }

    private static void check(VolumeService volumes, FakeVolumeStorage storage, Alive alive, Step after) throws Exception {
        List<Volume> all = volumes.list(null, null);
        long guaranteed = 0;
        Set<String> known = new HashSet<>();
        for (Volume v : all) {
            assertFalse(v.links().isEmpty(), "no volume without a link, after " + after);
            for (VolumeLink l : v.links()) {
                assertTrue(alive.exists(l.container()), "links only to live containers: " + l);
                if (l.mounted())
                    known.add(l.hostTarget());
            }
            assertEquals(Volume.State.READY, v.state());
            known.add(v.path());
            if (v.backend() != porto.domain.volume.Backend.TMPFS)
                guaranteed += v.spaceGuarantee();
        }
        for (FakeVolumeStorage.Mount m : storage.mounts())
            assertTrue(known.contains(m.target()) || all.stream().anyMatch(v -> m.target().startsWith(v.path().replace("/volume", "") + "/")),
                    "every mount belongs to a volume: " + m + ", after " + after);
        assertTrue(guaranteed <= CAPACITY, "guarantees fit the place: " + guaranteed);
        Set<String> ids = new HashSet<>();
        for (Volume v : all)
            ids.add(v.id());
        for (String dir : storage.list(PLACE + "/" + VolumeService.VOLUMES_DIR))
            assertTrue(ids.contains(dir), "no leftover internals " + dir + ", after " + after);
        assertEquals(new ArrayList<>(List.of()), storage.loopDevices().stream().toList());
    }
}
