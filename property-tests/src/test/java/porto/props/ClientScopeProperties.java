package porto.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import porto.domain.Caller;
import porto.domain.ClientScope;
import porto.domain.ErrorCode;
import porto.domain.PortoException;

/**
 * Clients inside containers, on random trees with random enable_porto and porto_namespace: how
 * names resolve, what is listed, and what may be changed, each checked against a model written
 * from the manual ("Name", "Security") rather than from the domain.
 */
class ClientScopeProperties {
    static final List<String> LEVELS = List.of("false", "read-isolate", "read-only", "isolate", "child-only", "true");

    /** One container of the random tree and its settings. */
    record Node(String name, String access, String namespace) {}

    /** The tree (created top down), the client's container, and names to probe. */
    record Case(List<Node> tree, int client, List<String> probes) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Node> node = Combinators.combine(Generators.names(),
                Arbitraries.frequency(net.jqwik.api.Tuple.of(6, "true"), net.jqwik.api.Tuple.of(2, "isolate"),
                        net.jqwik.api.Tuple.of(1, "read-isolate"), net.jqwik.api.Tuple.of(1, "read-only"),
                        net.jqwik.api.Tuple.of(1, "child-only"), net.jqwik.api.Tuple.of(1, "false")),
                Arbitraries.of("", "", "", "a/", "b/c/")).as(Node::new);
        Arbitrary<String> probe = Arbitraries.oneOf(Generators.names(),
                Generators.names().map(n -> "/porto/" + n), Generators.names().map(n -> "self/" + n),
                Arbitraries.of("self", ".", "/", "self/..", "a/..", "../b", "/porto"));
        return Combinators.combine(node.list().ofMinSize(1).ofMaxSize(12), Arbitraries.integers().between(0, 11),
                probe.list().ofMaxSize(12)).as(Case::new);
    }

    /** The manual's view: a setting applies to a container and everything below it. */
    static final class Model {
        final Map<String, Node> nodes = new TreeMap<>();
        final String client;

        Model(Map<String, Node> nodes, String client) {
            this.nodes.putAll(nodes);
            this.client = client;
        }

        private List<String> chain() {
            List<String> up = new ArrayList<>();
            for (String p = client; !p.equals("/"); p = NameRules.parent(p))
                up.add(p);
            return up;
        }

        int level() {
            int level = LEVELS.size() - 1;
            for (String p : chain())
                level = Math.min(level, LEVELS.indexOf(nodes.get(p).access()));
            return level;
        }

        /** "Containers with restricted view see names without the isolated part." */
        String namespace(boolean forWrites) {
            String ns = "";
            for (String p : chain()) {
                String access = nodes.get(p).access();
                if (access.equals("isolate") || access.equals("read-isolate") || (forWrites && access.equals("child-only")))
                    return p + "/" + ns;
                ns = nodes.get(p).namespace() + ns;
            }
            return ns;
        }

        /** "All containers with read access can examine /, ., self and all their own parents" (and below self). */
        boolean visible(String name) {
            return name.equals("/") || name.equals(dot()) || name.startsWith(namespace(false)) || NameRules.isWithin(name, client)
                    || NameRules.isWithin(client, name);
        }

        /** "." is the common parent of all visible containers: the namespace without its last slash. */
        String dot() {
            String ns = namespace(false);
            return ns.isEmpty() ? "/" : ns.substring(0, ns.length() - 1);
        }

        boolean mayChange(String target) {
            if (level() <= LEVELS.indexOf("read-only") || target.equals("/"))
                return false;
            String ns = namespace(true);
            return target.startsWith(ns) || (target.startsWith(client + "/"));
        }

        boolean mayCreateIn(String parent) {
            if (level() <= LEVELS.indexOf("read-only"))
                return false;
            String ns = namespace(true);
            if (parent.equals("/"))
                return ns.isEmpty();
            return parent.startsWith(ns) || (ns.endsWith("/") && parent.equals(ns.substring(0, ns.length() - 1)))
                    || NameRules.isWithin(parent, client);
        }
    }

    @Property(tries = 300)
    void clientsSeeAndChangeWhatTheManualSays(@ForAll("cases") Case c) throws Exception {
        World w = new World();
        Map<String, Node> nodes = new TreeMap<>();
        for (Node n : c.tree()) {
            for (String part : prefixes(n.name())) {
                if (nodes.containsKey(part))
                    continue;
                Node settings = part.equals(n.name()) ? n : new Node(part, "true", "");
                w.service.create(World.ROOT, part, false);
                w.service.set(World.ROOT, part, "enable_porto", settings.access());
                if (!settings.namespace().isEmpty())
                    w.service.set(World.ROOT, part, "porto_namespace", settings.namespace());
                nodes.put(part, settings);
            }
        }
        String clientName = new ArrayList<>(nodes.keySet()).get(c.client() % nodes.size());
        w.service.set(World.ROOT, clientName, "command", "sleep 1000");
        w.service.start(World.ROOT, clientName);
        int pid = Integer.parseInt(w.service.get(clientName, "root_pid"));
        Caller client = w.service.identify(pid, 0, 0);
        assertEquals(clientName, client.container(), "the client is found by its cgroup");
        Model model = new Model(nodes, clientName);

        if (model.level() == 0) {
            assertEquals(ErrorCode.Permission, World.outcome(() -> w.service.scope(client)), "enable_porto=false up the chain");
            return;
        }
        ClientScope scope = w.service.scope(client);
        assertEquals(model.namespace(false), scope.namespace());

        // Every name the client lists resolves back to its container; absolute names resolve when visible.
        for (String name : nodes.keySet()) {
            String relative = scope.relative(name);
            assertEquals(name.startsWith(model.namespace(false)), relative != null, "listing " + name);
            if (relative != null)
                assertEquals(name, scope.resolve(relative), "round trip of " + relative);
            String absolute = "/porto/" + name;
            if (model.visible(name))
                assertEquals(name, scope.resolve(absolute));
            else
                assertEquals(ErrorCode.Permission, World.outcome(() -> scope.resolve(absolute)), absolute);
        }
        assertEquals(clientName, scope.resolve("self"));
        assertEquals(NameRules.parent(clientName), scope.resolve("self/.."));
        assertEquals(model.dot(), scope.resolve("."));

        // Whatever a name resolves to is visible; nothing outside is ever reached.
        for (String probe : c.probes()) {
            try {
                String resolved = scope.resolve(probe);
                assertTrue(model.visible(resolved), probe + " resolved to invisible " + resolved);
            } catch (PortoException e) {
                // Out of sight, or ".." above the host.
                assertTrue(e.code() == ErrorCode.Permission || e.code() == ErrorCode.InvalidValue, probe + ": " + e);
            }
        }

        // Changes: exactly the containers in the write scope.
        Caller who = scope.caller();
        for (String name : nodes.keySet()) {
            ErrorCode outcome = World.outcome(() -> w.service.set(who, name, "private", "touched"));
            assertEquals(model.mayChange(name) ? ErrorCode.Success : ErrorCode.Permission, outcome, "set private of " + name);
        }
        List<String> parents = new ArrayList<>(nodes.keySet());
        parents.add("/");
        for (String parent : parents) {
            String child = parent.equals("/") ? "new" : parent + "/new";
            if (NameRules.valid(child) && !nodes.containsKey(child)) {
                ErrorCode outcome = World.outcome(() -> w.service.create(who, child, false));
                assertEquals(model.mayCreateIn(parent) ? ErrorCode.Success : ErrorCode.Permission, outcome, "create " + child);
            }
        }
        assertNotNull(w.service.get(clientName, "state"));
    }

    private static List<String> prefixes(String name) {
        List<String> out = new ArrayList<>();
        String[] parts = name.split("/");
        StringBuilder p = new StringBuilder();
        for (String part : parts) {
            if (p.length() > 0)
                p.append('/');
            p.append(part);
            out.add(p.toString());
        }
        return out;
    }
}
