package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import porto.domain.DomainConfig;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.ports.Cgroups;

/**
 * Random trees with random limits and guarantees, started and stopped in random order. After
 * every step, worked out here from the values the daemon shows: no running subtree is guaranteed
 * more memory or cpu than the limit in force over it, all guarantees together fit the host (less
 * the 2 GiB it keeps), every refusal was needed (the step would have broken a rule), and the kernel
 * holds the limits in force.
 */
class GuaranteeProperties {
    static final long G = 1L << 30;
    static final long HOST_MEMORY = DomainConfig.DEFAULT_MEMORY;
    static final long RESERVE = 2 * G;

    /** Up to eight containers: each one's parent is an earlier one or the host. */
    record Tree(List<Integer> parents) {
        String name(int i) {
            int p = parents.get(i);
            return p < 0 ? "t" + i : name(p) + "/t" + i;
        }
    }

    record Step(String op, int target, String value) {}

    @Property(tries = 400, shrinking = ShrinkingMode.FULL)
    void guaranteesNeverExceedWhatCanBeGiven(@ForAll("trees") Tree tree, @ForAll("steps") List<Step> steps) {
        World w = new World();
        int n = tree.parents().size();
        for (int i = 0; i < n; i++)
            create(w, tree.name(i));
        for (Step step : steps) {
            String name = tree.name(step.target() % n);
            Model before = Model.of(w, tree);
            ErrorCode outcome = World.outcome(() -> apply(w, step, name));
            net.jqwik.api.statistics.Statistics.label("outcomes").collect(step.op(), outcome);
            w.kernel.deliverExits();
            Model after = Model.of(w, tree);
            after.checkRules("after " + step + " on " + name);
            if (outcome == ErrorCode.ResourceNotAvailable) {
                assertEquals(before.values, after.values, "a refused step changes nothing: " + step);
                Model wouldBe = before.with(name, step);
                // The rules held before, so a refusal is right only if the step would break one.
                assertTrue(!wouldBe.violations().isEmpty(), "refused without need: " + step + " on " + name + "\n" + before);
            } else if (outcome != ErrorCode.Success && outcome != ErrorCode.InvalidState) {
                fail(step + " on " + name + " ended with " + outcome);
            }
            checkKernel(w, after);
        }
    }

    private static void create(World w, String name) {
        try {
            w.service.create(World.ROOT, name, false);
        } catch (PortoException e) {
            throw new AssertionError(e);
        }
    }

    private static void apply(World w, Step step, String name) throws PortoException {
        switch (step.op()) {
            case "start" -> {
                if (w.get(name, "state").equals("stopped"))
                    w.service.start(World.ROOT, name);
            }
            case "stop" -> {
                if (!w.get(name, "state").equals("stopped"))
                    w.service.stop(World.ROOT, name, 0);
            }
            default -> w.service.set(World.ROOT, name, step.op(), step.value());
        }
    }

    /** The limits the kernel holds are those in force. */
    private static void checkKernel(World w, Model m) {
        for (var e : m.values.entrySet()) {
            String name = e.getKey();
            Row r = e.getValue();
            if (r.stopped())
                continue;
            if (w.get(name, "controllers[memory]").equals("true"))
                assertEquals(r.memoryLimit(), w.kernel.cgroups().limit(name, Cgroups.Limit.MEMORY_LIMIT).orElse(-1),
                        "memory limit of " + name);
            if (w.get(name, "controllers[cpu]").equals("true"))
                assertEquals(Math.round(m.cpuBound(name) * 1e6), w.kernel.cgroups().limit(name, Cgroups.Limit.CPU_LIMIT).orElse(-1),
                        "cpu limit in force over " + name);
            long memoryBound = m.memoryBound(name);
            assertEquals(Long.toString(memoryBound == 0 ? HOST_MEMORY : memoryBound), w.get(name, "memory_limit_total"));
        }
    }

    /** One container as the daemon shows it. */
    record Row(String parent, boolean stopped, long memoryLimit, long memoryGuarantee, double cpuLimit, double cpuGuarantee) {}

    /** The tree's values, and the rules worked out from them. */
    record Model(Map<String, Row> values) {
        static Model of(World w, Tree tree) {
            Map<String, Row> rows = new TreeMap<>();
            for (int i = 0; i < tree.parents().size(); i++) {
                String name = tree.name(i);
                int p = tree.parents().get(i);
                rows.put(name, new Row(p < 0 ? null : tree.name(p), w.get(name, "state").equals("stopped"),
                        Long.parseLong(w.get(name, "memory_limit")), Long.parseLong(w.get(name, "memory_guarantee")),
                        cores(w.get(name, "cpu_limit")), cores(w.get(name, "cpu_guarantee"))));
            }
            return new Model(rows);
        }

        static double cores(String text) {
            return Double.parseDouble(text.substring(0, text.length() - 1));
        }

        /** The same tree after a step, as the step asks (start brings up the stopped ancestors). */
        Model with(String name, Step step) {
            Map<String, Row> rows = new TreeMap<>(values);
            Row r = rows.get(name);
            switch (step.op()) {
                case "start" -> {
                    for (String x = name; x != null; x = rows.get(x).parent()) {
                        Row y = rows.get(x);
                        rows.put(x, new Row(y.parent(), false, y.memoryLimit(), y.memoryGuarantee(), y.cpuLimit(), y.cpuGuarantee()));
                    }
                }
                case "memory_limit" -> rows.put(name, new Row(r.parent(), r.stopped(), size(step.value()), r.memoryGuarantee(), r.cpuLimit(), r.cpuGuarantee()));
                case "memory_guarantee" -> rows.put(name, new Row(r.parent(), r.stopped(), r.memoryLimit(), size(step.value()), r.cpuLimit(), r.cpuGuarantee()));
                case "cpu_limit" -> rows.put(name, new Row(r.parent(), r.stopped(), r.memoryLimit(), r.memoryGuarantee(), cores(step.value()), r.cpuGuarantee()));
                case "cpu_guarantee" -> rows.put(name, new Row(r.parent(), r.stopped(), r.memoryLimit(), r.memoryGuarantee(), r.cpuLimit(), cores(step.value())));
                default -> { }
            }
            return new Model(rows);
        }

        static long size(String text) {
            return text.endsWith("G") ? Long.parseLong(text.substring(0, text.length() - 1)) * G : Long.parseLong(text);
        }

        long memoryTotal(String name) {
            Row r = values.get(name);
            if (r.stopped())
                return 0;
            long children = 0;
            for (var e : values.entrySet())
                if (name.equals(e.getValue().parent()))
                    children += memoryTotal(e.getKey());
            return Math.max(r.memoryGuarantee(), children);
        }

        double cpuTotal(String name) {
            Row r = values.get(name);
            if (r.stopped())
                return 0;
            double children = 0;
            for (var e : values.entrySet())
                if (name.equals(e.getValue().parent()))
                    children += cpuTotal(e.getKey());
            return Math.max(r.cpuGuarantee(), children);
        }

        long memoryBound(String name) {
            long bound = 0;
            for (String x = name; x != null; x = values.get(x).parent()) {
                long l = values.get(x).memoryLimit();
                if (l > 0 && (bound == 0 || l < bound))
                    bound = l;
            }
            return bound;
        }

        double cpuBound(String name) {
            double bound = 0;
            for (String x = name; x != null; x = values.get(x).parent()) {
                double l = values.get(x).cpuLimit();
                if (l > 0 && (bound == 0 || l < bound))
                    bound = l;
            }
            return bound;
        }

        /** Every broken rule, described. */
        List<String> violations() {
            List<String> out = new ArrayList<>();
            long memory = 0;
            for (var e : values.entrySet()) {
                if (e.getValue().parent() == null) {
                    memory += memoryTotal(e.getKey());
                }
                if (e.getValue().stopped())
                    continue;
                long mb = memoryBound(e.getKey());
                if (mb > 0 && memoryTotal(e.getKey()) > mb)
                    out.add(e.getKey() + ": memory guaranteed " + memoryTotal(e.getKey()) + " over limit " + mb);
                double cb = cpuBound(e.getKey());
                if (cb > 0 && cpuTotal(e.getKey()) > cb + 1e-9)
                    out.add(e.getKey() + ": cpu guaranteed " + cpuTotal(e.getKey()) + " over limit " + cb);
            }
            if (memory + RESERVE > HOST_MEMORY)
                out.add("host: memory guaranteed " + memory + " + reserve over " + HOST_MEMORY);
            // No host rule for cpu: upstream accepts guarantees above the host's cores.
            return out;
        }

        void checkRules(String when) {
            assertEquals(List.of(), violations(), when + "\n" + this);
        }
    }

    @Provide
    Arbitrary<Tree> trees() {
        return Arbitraries.integers().between(1, 8).flatMap(n -> {
            List<Arbitrary<Integer>> parents = new ArrayList<>();
            for (int i = 0; i < n; i++)
                parents.add(Arbitraries.integers().between(-1, i - 1));
            return Combinators.combine(parents).as(Tree::new);
        });
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> target = Arbitraries.integers().between(0, 7);
        Arbitrary<String> memory = Arbitraries.of("0", "1G", "2G", "4G", "6G", "8G", "12G");
        Arbitrary<String> cpu = Arbitraries.of("0c", "0.5c", "1c", "1.5c", "2c");
        Arbitrary<Step> step = Arbitraries.oneOf(
                target.map(t -> new Step("start", t, "")),
                target.map(t -> new Step("start", t, "")),
                target.map(t -> new Step("stop", t, "")),
                Combinators.combine(target, memory).as((t, v) -> new Step("memory_limit", t, v)),
                Combinators.combine(target, memory).as((t, v) -> new Step("memory_guarantee", t, v)),
                Combinators.combine(target, cpu).as((t, v) -> new Step("cpu_limit", t, v)),
                Combinators.combine(target, cpu).as((t, v) -> new Step("cpu_guarantee", t, v)));
        return step.list().ofMinSize(1).ofMaxSize(30);
    }
}
