package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import porto.domain.ErrorCode;
import porto.domain.State;
import porto.fake.FakeProcess;
import porto.ports.Cgroups;
import porto.ports.KernelException;

/**
 * One step of a random sequence: a request to the daemon, or something that happens on the
 * machine. Each step checks its own outcome against {@link Expect}; the driver checks
 * {@link Invariants} after it. Exits are delivered at the end of every step.
 */
sealed interface Action {
    Set<State> ACTIVE = EnumSet.of(State.RUNNING, State.META, State.PAUSED);

    void apply(World w);

    // ---- how a step names its container ----

    sealed interface Target {
        String resolve(World w);
    }

    /** A literal name: may or may not exist, may be invalid. */
    record Named(String name) implements Target {
        public String resolve(World w) {
            return name;
        }

        @Override
        public String toString() {
            return '"' + name + '"';
        }
    }

    /** The index-th existing container (modulo their number), "a" when there is none. */
    record Existing(int index) implements Target {
        public String resolve(World w) {
            String n = w.existing(index);
            return n == null ? "a" : n;
        }

        @Override
        public String toString() {
            return "existing#" + index;
        }
    }

    /** The index-th container in one of these states, else like {@link Existing}. */
    record InState(Set<State> states, int index) implements Target {
        public String resolve(World w) {
            List<String> names = new ArrayList<>();
            w.views().forEach((n, v) -> {
                if (states.contains(v.state()))
                    names.add(n);
            });
            return names.isEmpty() ? new Existing(index).resolve(w) : names.get(Math.floorMod(index, names.size()));
        }

        @Override
        public String toString() {
            return states + "#" + index;
        }
    }

    /** A new child of the index-th existing container. */
    record ChildOf(int index, String component) implements Target {
        public String resolve(World w) {
            String n = w.existing(index);
            return n == null ? component : n + "/" + component;
        }

        @Override
        public String toString() {
            return "existing#" + index + "/" + component;
        }
    }

    private static void expect(ErrorCode expected, ErrorCode actual, String request) {
        Coverage.outcome(request.split(" ")[0], actual);
        assertEquals(expected, actual, request);
    }

    private static String command(World w, String name) {
        return w.get(name, "command");
    }

    private static State afterResume(World w, String name) {
        return command(w, name).isEmpty() ? State.META : State.RUNNING;
    }

    // ---- requests ----

    record Create(Target target) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.create(before, name);
            expect(expected, World.outcome(() -> w.service.create(World.ROOT, name, false)), "create " + name);
            if (expected == ErrorCode.Success)
                assertEquals(State.STOPPED, w.state(name), "a new container is stopped");
            w.kernel.deliverExits();
        }
    }

    record Start(Target target) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null)
                expected = before.get(name).state() != State.STOPPED ? ErrorCode.InvalidState : Expect.startChain(w, before, name);
            ErrorCode actual = World.outcome(() -> w.service.start(World.ROOT, name));
            expect(expected, actual, "start " + name);
            if (before.containsKey(name) && before.get(name).state() == State.STOPPED)
                Action.afterStart(w, before, name, actual);
            w.kernel.deliverExits();
        }
    }

    record Restart(Target target) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null) {
                State s = before.get(name).state();
                expected = s != State.DEAD && s != State.STOPPED ? ErrorCode.InvalidState : Expect.startChain(w, before, name);
            }
            ErrorCode actual = World.outcome(() -> w.service.restart(World.ROOT, name));
            expect(expected, actual, "restart " + name);
            if (before.containsKey(name) && expected != ErrorCode.InvalidState)
                Action.afterStart(w, before, name, actual);
            w.kernel.deliverExits();
        }
    }

    private static void afterStart(World w, Map<String, World.View> before, String name, ErrorCode outcome) {
        String cmd = command(w, name);
        String parent = NameRules.parent(name);
        boolean ownFailure = parent.equals("/") || before.get(parent).state() != State.STOPPED;
        if (outcome != ErrorCode.Success) {
            assertEquals(State.STOPPED, w.state(name), "a failed start leaves " + name + " stopped");
            if (ownFailure && outcome == ErrorCode.Unknown)
                assertEquals("2", w.get(name, "start_errno"), "start_errno of " + name + " after ENOENT");
            return;
        }
        State s = w.state(name);
        assertEquals(cmd.isEmpty() ? State.META : State.RUNNING, s, "state of " + name + " after start");
        for (String p = parent; !p.equals("/"); p = NameRules.parent(p)) {
            assertTrue(ACTIVE.contains(w.state(p)), "ancestor " + p + " of started " + name + " is " + w.state(p));
        }
        if (s == State.RUNNING) {
            int pid = Integer.parseInt(w.get(name, "root_pid"));
            FakeProcess p = w.kernel.processes().get(pid).orElseThrow();
            assertEquals(Expect.argv(cmd, name), p.argv(), "argv of " + name);
            assertEquals("0", w.get(name, "start_errno"));
        }
    }

    record Stop(Target target, long timeoutMs) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null)
                expected = before.get(name).state() == State.STOPPED ? ErrorCode.InvalidState : ErrorCode.Success;
            expect(expected, World.outcome(() -> w.service.stop(World.ROOT, name, timeoutMs)), "stop " + name);
            if (expected == ErrorCode.Success) {
                var after = w.views();
                assertEquals(State.STOPPED, after.get(name).state(), "stopped " + name);
                for (World.View d : Invariants.descendants(after, name))
                    assertEquals(State.STOPPED, d.state(), "stop takes " + d.name() + " down with " + name);
                // Others stay as they were, but the clock moves while stop waits, so tasks may end.
                for (World.View b : before.values()) {
                    State now = after.get(b.name()).state();
                    if (!NameRules.isWithin(b.name(), name) && now != State.DEAD)
                        assertEquals(b.state(), now, "stop of " + name + " changed " + b.name());
                }
            }
            w.kernel.deliverExits();
        }
    }

    record Kill(Target target, int signal) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null)
                expected = before.get(name).state() != State.RUNNING ? ErrorCode.InvalidState : ErrorCode.Success;
            expect(expected, World.outcome(() -> w.service.kill(World.ROOT, name, signal)), "kill -" + signal + " " + name);
            w.kernel.deliverExits();
            if (expected == ErrorCode.Success && signal == 9) {
                assertEquals(State.DEAD, w.state(name), "SIGKILL kills " + name);
                assertEquals("9", w.get(name, "exit_status"));
                assertEquals("-9", w.get(name, "exit_code"));
            }
        }
    }

    record Pause(Target target) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null) {
                State s = before.get(name).state();
                expected = s == State.RUNNING || s == State.META ? ErrorCode.Success : ErrorCode.InvalidState;
            }
            expect(expected, World.outcome(() -> w.service.pause(World.ROOT, name)), "pause " + name);
            if (expected == ErrorCode.Success) {
                var after = w.views();
                assertEquals(State.PAUSED, after.get(name).state());
                for (World.View d : Invariants.descendants(before, name))
                    if ((d.state() == State.RUNNING || d.state() == State.META))
                        assertEquals(State.PAUSED, after.get(d.name()).state(), "pause of " + name + " pauses " + d.name());
            }
            w.kernel.deliverExits();
        }
    }

    record Resume(Target target) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null) {
                String parent = NameRules.parent(name);
                if (before.get(name).state() != State.PAUSED)
                    expected = ErrorCode.InvalidState;
                else if (!parent.equals("/") && before.get(parent).state() == State.PAUSED)
                    expected = ErrorCode.InvalidState;
                else
                    expected = ErrorCode.Success;
            }
            expect(expected, World.outcome(() -> w.service.resume(World.ROOT, name)), "resume " + name);
            if (expected == ErrorCode.Success) {
                assertEquals(afterResume(w, name), w.state(name), "resumed " + name);
                for (World.View d : Invariants.descendants(before, name))
                    if (d.state() == State.PAUSED)
                        assertEquals(afterResume(w, d.name()), w.state(d.name()), "resume of " + name + " resumes " + d.name());
            }
            w.kernel.deliverExits();
        }
    }

    record Destroy(Target target) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null)
                expected = ErrorCode.Success;
            expect(expected, World.outcome(() -> w.service.destroy(World.ROOT, name)), "destroy " + name);
            if (expected == ErrorCode.Success) {
                for (String n : w.views().keySet())
                    assertFalse(NameRules.isWithin(n, name), "destroy of " + name + " left " + n);
                for (String path : w.kernel.cgroups().allPaths())
                    assertFalse(NameRules.isWithin(path, name), "destroy of " + name + " left cgroup " + path);
                for (FakeProcess p : w.kernel.processes().running())
                    assertFalse(p.container() != null && NameRules.isWithin(p.container(), name),
                            "destroy of " + name + " left " + p);
            }
            w.kernel.deliverExits();
        }
    }

    record SetMemoryLimit(Target target, String value) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            String canonical = Expect.memoryLimit(value);
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null)
                expected = canonical == null ? ErrorCode.InvalidValue : ErrorCode.Success;
            // The manual: a controller cannot be enabled for a container that is not stopped.
            if (expected == ErrorCode.Success && before.get(name).state() != State.STOPPED && !canonical.equals("0")
                    && !w.get(name, "controllers").isEmpty() && w.get(name, "controllers[memory]").equals("false"))
                expected = ErrorCode.InvalidState;
            String old = w.get(name, "memory_limit");
            expect(expected, World.outcome(() -> w.service.set(World.ROOT, name, "memory_limit", value)),
                    "set " + name + " memory_limit=" + value);
            if (expected == ErrorCode.Success) {
                assertEquals(canonical, w.get(name, "memory_limit"));
                // Only a cgroup of its own: a memory cgroup may also exist as the parent directory
                // of a descendant's, which this container does not own.
                if (w.kernel.cgroups().exists("memory", name) && w.get(name, "controllers[memory]").equals("true"))
                    assertEquals(Long.parseLong(canonical),
                            w.kernel.cgroups().limit(name, Cgroups.Limit.MEMORY_LIMIT).orElse(-1),
                            "memory_limit of " + name + " reaches its cgroup");
            } else if (before.containsKey(name)) {
                assertEquals(old, w.get(name, "memory_limit"), "a refused value changes nothing");
            }
            w.kernel.deliverExits();
        }
    }

    record SetCommand(Target target, String value) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null)
                expected = before.get(name).state() == State.STOPPED ? ErrorCode.Success : ErrorCode.InvalidState;
            String old = w.get(name, "command");
            expect(expected, World.outcome(() -> w.service.set(World.ROOT, name, "command", value)),
                    "set " + name + " command=" + value);
            if (before.containsKey(name))
                assertEquals(expected == ErrorCode.Success ? value : old, w.get(name, "command"));
            w.kernel.deliverExits();
        }
    }

    /** isolate=true|false: a new pid namespace (a meta one then holds an init) or the parent's. */
    record SetIsolate(Target target, boolean isolate) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            var before = w.views();
            ErrorCode expected = Expect.findForChange(before, name);
            if (expected == null)
                expected = before.get(name).state() == State.STOPPED ? ErrorCode.Success : ErrorCode.InvalidState;
            String old = w.get(name, "isolate");
            expect(expected, World.outcome(() -> w.service.set(World.ROOT, name, "isolate", Boolean.toString(isolate))),
                    "set " + name + " isolate=" + isolate);
            if (before.containsKey(name))
                assertEquals(expected == ErrorCode.Success ? Boolean.toString(isolate) : old, w.get(name, "isolate"));
            w.kernel.deliverExits();
        }
    }

    /** portoctl run: create, set the command, start; each step checked as on its own. */
    record Run(Target target, String command) implements Action {
        public void apply(World w) {
            String name = target.resolve(w);
            Named fixed = new Named(name);
            new Create(fixed).apply(w);
            new SetCommand(fixed, command).apply(w);
            new Start(fixed).apply(w);
        }
    }

    /** A request on a name the manual refuses, or on the host. */
    record OddName(String request, String name) implements Action {
        public void apply(World w) {
            var before = w.views();
            ErrorCode expected = switch (request) {
                case "create" -> Expect.create(before, name);
                case "get" -> Expect.find(before, name);
                default -> Expect.findForChange(before, name);
            };
            if (expected == null && !request.equals("get"))
                return; // an existing valid name: the other steps cover requests on it
            ErrorCode want = expected == null ? ErrorCode.Success : expected;
            ErrorCode actual = World.outcome(() -> {
                switch (request) {
                    case "create" -> w.service.create(World.ROOT, name, false);
                    case "start" -> w.service.start(World.ROOT, name);
                    case "stop" -> w.service.stop(World.ROOT, name, 0);
                    case "destroy" -> w.service.destroy(World.ROOT, name);
                    case "get" -> w.service.get(name, "state");
                    default -> throw new AssertionError(request);
                }
            });
            expect(want, actual, request + " \"" + name + "\"");
            if (want != ErrorCode.Success)
                assertEquals(before.keySet(), w.views().keySet(), "a refused request changes nothing");
            w.kernel.deliverExits();
        }
    }

    // ---- things that happen on the machine ----

    /** The index-th live main task exits by itself with {@code code}. */
    record ExitTask(int index, int code) implements Action {
        public void apply(World w) {
            List<FakeProcess> tasks = w.mainTasks();
            if (tasks.isEmpty())
                return;
            FakeProcess p = tasks.get(Math.floorMod(index, tasks.size()));
            String owner = ownerOf(w, p.pid());
            State was = w.state(owner);
            boolean frozen = w.kernel.processes().isFrozen(p.pid());
            w.kernel.processes().exit(p.pid(), code);
            w.kernel.deliverExits();
            if (frozen) {
                assertEquals(was, w.state(owner), "a frozen task cannot exit yet");
            } else {
                assertEquals(State.DEAD, w.state(owner), owner + " dies with its task");
                assertEquals(Integer.toString(code << 8), w.get(owner, "exit_status"));
                assertEquals(Integer.toString(code), w.get(owner, "exit_code"));
            }
        }
    }

    /** The index-th live, unfrozen process forks a child into its cgroup. */
    record Fork(int index) implements Action {
        public void apply(World w) {
            List<FakeProcess> live = new ArrayList<>();
            for (FakeProcess p : w.kernel.processes().running())
                if (!w.kernel.processes().isFrozen(p.pid()))
                    live.add(p);
            if (live.isEmpty())
                return;
            try {
                w.kernel.processes().fork(live.get(Math.floorMod(index, live.size())).pid());
            } catch (KernelException e) {
                // the pid range is full: nothing forked
            }
            w.kernel.deliverExits();
        }
    }

    record Advance(long millis) implements Action {
        public void apply(World w) {
            w.kernel.clock().advance(millis);
            w.kernel.deliverExits();
        }
    }

    /** Something that happens while the daemon is down: a main task exits, or vanishes (code < 0). */
    record DownEvent(int pick, int code) {}

    /** The daemon dies, {@code whileDown} happens, and a new daemon starts on the same machine. */
    record RestartDaemon(List<DownEvent> whileDown) implements Action {
        public void apply(World w) {
            Map<String, Map<String, String>> before = w.describe();
            Map<String, Integer> died = new TreeMap<>();
            List<String> vanished = new ArrayList<>();
            w.restartDaemon(() -> {
                for (DownEvent e : whileDown) {
                    List<FakeProcess> tasks = w.mainTasks();
                    if (tasks.isEmpty())
                        return;
                    FakeProcess p = tasks.get(Math.floorMod(e.pick(), tasks.size()));
                    String owner = ownerOf(w, p.pid());
                    if (e.code() < 0) {
                        w.kernel.processes().vanish(p.pid());
                        vanished.add(owner);
                    } else if (!w.kernel.processes().isFrozen(p.pid())) {
                        w.kernel.processes().exit(p.pid(), e.code());
                        died.put(owner, e.code() << 8);
                    }
                }
            });
            Map<String, Map<String, String>> after = w.describe();
            assertEquals(before.keySet(), after.keySet(), "a restarted daemon has the same containers");
            List<String> touched = new ArrayList<>(died.keySet());
            touched.addAll(vanished);
            for (String name : before.keySet()) {
                boolean affected = touched.stream().anyMatch(t -> NameRules.isWithin(name, t));
                for (String p : List.of("id", "parent", "command", "memory_limit", "owner_user", "creation_time"))
                    assertEquals(before.get(name).get(p), after.get(name).get(p), p + " of " + name + " after restart");
                if (!affected)
                    assertEquals(before.get(name), after.get(name), name + " after restart");
            }
            died.forEach((name, status) -> {
                assertEquals("dead", w.get(name, "state"), name + ": its exit while the daemon was down applies");
                assertEquals(Integer.toString(status), w.get(name, "exit_status"));
            });
            if (!vanished.isEmpty()) {
                w.kernel.clock().advance(3_000);
                w.kernel.deliverExits();
                for (String name : vanished) {
                    assertEquals("dead", w.get(name, "state"), name + ": a task lost while down is buried");
                    assertEquals("9", w.get(name, "exit_status"));
                }
            }
        }
    }

    private static String ownerOf(World w, int pid) {
        String owner = w.service.inspect(s -> s.pids()).get(pid);
        assertTrue(owner != null, "main task " + pid + " belongs to no container");
        return owner;
    }
}
