package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import porto.domain.ContainerName;
import porto.domain.PortoException;
import porto.domain.State;
import porto.fake.FakeCgroups;
import porto.fake.FakeProcess;

/**
 * What must hold between requests, once queued task exits have been delivered. Each check names
 * the rule it enforces; a failure says which container broke it.
 */
final class Invariants {
    private static final Set<State> ACTIVE = EnumSet.of(State.RUNNING, State.META, State.PAUSED);

    private Invariants() {}

    static void check(World w) {
        // Exits reach the daemon on their own, as the master reports them; time does not pass.
        w.kernel.deliverExits();
        Map<String, World.View> all = w.views();
        FakeCgroups cg = w.kernel.cgroups();

        assertEquals(new ArrayList<>(all.keySet()), w.service.list(null), "list() shows exactly the tree, sorted");

        for (World.View c : all.values()) {
            String n = c.name();
            String where = "container " + n + " (" + c.state() + ")";
            assertTrue(c.state() != null && c.state() != State.STARTING, where + ": only settled states are visible");
            assertTrue(NameRules.valid(n), where + ": name breaks the manual's rules");
            try {
                ContainerName.validate(n);
            } catch (PortoException e) {
                fail(where + ": domain refuses its own name: " + e);
            }
            String parent = NameRules.parent(n);
            assertEquals(parent, c.parent(), where + ": parent link");
            if (!parent.equals("/"))
                assertTrue(all.containsKey(parent), where + ": parent " + parent + " does not exist");

            // A child cannot run under a stopped parent; stop takes the whole subtree down.
            if (c.state() == State.STOPPED)
                for (World.View d : descendants(all, n))
                    assertEquals(State.STOPPED, d.state(), "descendant " + d.name() + " of stopped " + n);
            // A dead container's processes are all gone, so nothing below it may still run.
            if (c.state() == State.DEAD) {
                for (World.View d : descendants(all, n))
                    assertTrue(!ACTIVE.contains(d.state()), "descendant " + d.name() + " of dead " + n + " is still " + d.state());
            }

            switch (c.state()) {
                case STOPPED -> {
                    assertEquals(0, c.rootPid(), where + ": a stopped container has no task");
                    assertTrue(!cg.exists(n), where + ": a stopped container has no cgroup, has " + cg.controllersOf(n));
                    assertEquals(Set.of(), cg.pids(n), where + ": a stopped container has no process");
                }
                case RUNNING -> assertTrue(c.rootPid() > 0, where + ": has no root pid");
                case PAUSED -> {
                    // Paused with a command: its task is there, frozen. A paused meta one may hold an init.
                    if (!w.get(n, "command").isEmpty())
                        assertTrue(c.rootPid() > 0, where + ": has no root pid");
                }
                case META -> { } // a meta container may run an init that holds its namespaces
                case DEAD -> {
                    assertEquals(0, c.rootPid(), where + ": a dead container keeps no pid");
                    assertEquals(Set.of(), cg.pids(n), where + ": processes survive in a dead container or below");
                }
                default -> fail(where + ": unexpected state");
            }
            // Whatever task a container claims is alive, is a main task, and lives in its cgroup.
            if (c.rootPid() > 0) {
                Optional<FakeProcess> p = w.kernel.processes().get(c.rootPid());
                assertTrue(p.isPresent() && p.get().isRunning() && p.get().reportsExit(),
                        where + ": root pid " + c.rootPid() + " is not a live main task: " + p);
                assertEquals(n, p.get().container(), where + ": root task lives in another cgroup");
            }
            if (c.state() != State.STOPPED)
                assertTrue(cg.exists("freezer", n), where + ": a started container has its freezer cgroup");
            // The kernel's freezer agrees with the state.
            if (c.state() == State.PAUSED)
                assertTrue(cg.isFrozen(n), where + ": paused but its cgroup is not frozen");
            if (c.state() == State.RUNNING || c.state() == State.META)
                assertTrue(!cg.isFrozen(n), where + ": " + c.state() + " but its cgroup is frozen");
        }

        // The kernel holds nothing that no container accounts for.
        for (String path : cg.allPaths()) {
            World.View owner = all.get(path);
            assertTrue(owner != null && owner.state() != State.STOPPED,
                    "cgroup " + path + " belongs to no started container (" + owner + ")");
        }
        for (FakeProcess p : w.kernel.processes().running()) {
            World.View owner = p.container() == null ? null : all.get(p.container());
            assertTrue(owner != null && ACTIVE.contains(owner.state()),
                    "process " + p + " lives in no active container (" + owner + ")");
            // Limits of the parents bound the subtree: a controller a nested container lacks is
            // its nearest ancestor's, never the daemon's, and its devices are always controlled.
            for (String ctl : List.of("memory", "cpu", "pids", "devices")) {
                String cgroup = p.cgroups().get(ctl);
                assertTrue(cgroup != null && NameRules.isWithin(p.container(), cgroup),
                        "process " + p + " is in " + ctl + " cgroup " + cgroup + ", outside its container's ancestry");
            }
            assertTrue(cg.devices(p.cgroups().get("devices")) != null, "process " + p + " may use every device");
        }

        // Every exit was delivered and acknowledged, so every zombie was reaped.
        assertEquals(List.of(), w.kernel.exits().unacknowledged(), "unacknowledged exits");

        // The pid index of the domain matches the tree.
        Map<Integer, String> byPid = w.service.inspect(s -> s.pids());
        for (World.View c : all.values())
            if (c.rootPid() > 0)
                assertEquals(c.name(), byPid.get(c.rootPid()), "pid index misses " + c.name());
        byPid.forEach((pid, name) -> {
            World.View c = all.get(name);
            assertTrue(c != null && c.rootPid() == pid && ACTIVE.contains(c.state()),
                    "pid index has stale " + pid + " -> " + name);
        });

        // Every change is in the store before the answer: one record per container, up to date.
        Map<String, Map<String, String>> records = w.kernel.store().records();
        assertEquals(all.size(), records.size(), "one stored record per container");
        Set<String> ids = new HashSet<>();
        for (World.View c : all.values()) {
            String id = w.get(c.name(), "id");
            assertTrue(ids.add(id), "id " + id + " used twice");
            Map<String, String> r = records.get(id);
            assertTrue(r != null, "no stored record for " + c.name() + " (id " + id + ")");
            assertEquals(c.name(), r.get("name"), "stored name of id " + id);
            assertEquals(c.state().name().toLowerCase(), r.get("state"), "stored state of " + c.name());
            assertEquals(w.get(c.name(), "command"), r.getOrDefault("prop.command", ""), "stored command of " + c.name());
            assertEquals(w.get(c.name(), "memory_limit"), r.getOrDefault("prop.memory_limit", "0"),
                    "stored memory_limit of " + c.name());
        }
    }

    static List<World.View> descendants(Map<String, World.View> all, String name) {
        List<World.View> out = new ArrayList<>();
        for (World.View v : all.values())
            if (v.name().startsWith(name + "/"))
                out.add(v);
        return out;
    }
}
