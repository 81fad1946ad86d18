package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.rpc.Rpc;
import porto.rpc.Rpc.TContainerRequest;

/** Labels through a real portod: the labels property, A.b names, FindLabel, SetLabel, IncLabel, upstream's rules. */
class LabelsTest extends PortodTest {
    private static Rpc.TContainerResponse call(TContainerRequest.Builder req) {
        return client.call(req.build());
    }

    private static Rpc.TSetLabelResponse setLabel(String name, String label, String value, String prev, String state) {
        var r = Rpc.TSetLabelRequest.newBuilder().setName(name).setLabel(label).setValue(value);
        if (prev != null)
            r.setPrevValue(prev);
        if (state != null)
            r.setState(state);
        return call(TContainerRequest.newBuilder().setSetLabel(r)).getSetLabel();
    }

    private static long incLabel(String name, String label, Long add) {
        var r = Rpc.TIncLabelRequest.newBuilder().setName(name).setLabel(label);
        if (add != null)
            r.setAdd(add);
        return call(TContainerRequest.newBuilder().setIncLabel(r)).getIncLabel().getResult();
    }

    private static List<String> find(String mask, String label, String value, String state) {
        var r = Rpc.TFindLabelRequest.newBuilder().setLabel(label);
        if (mask != null)
            r.setMask(mask);
        if (value != null)
            r.setValue(value);
        if (state != null)
            r.setState(state);
        return call(TContainerRequest.newBuilder().setFindLabel(r)).getFindLabel().getListList().stream()
                .map(e -> e.getName() + " " + e.getState() + " " + e.getLabel() + "=" + e.getValue()).toList();
    }

    @Test
    void theLabelsPropertyAndLabelNames() {
        client.create("lp");
        try {
            assertEquals("", client.getProperty("lp", "labels"));
            client.setProperty("lp", "labels", "TEAM.owner: alice; APP.tier: web");
            assertEquals("APP.tier: web; TEAM.owner: alice", client.getProperty("lp", "labels"), "sorted, as upstream");
            assertEquals("alice", client.getProperty("lp", "labels[TEAM.owner]"));
            assertEquals("web", client.getProperty("lp", "APP.tier"), "a label read by its name");
            client.setProperty("lp", "APP.tier", "db");
            client.setProperty("lp", "labels[EXTRA.x]", "1");
            assertEquals("APP.tier: db; EXTRA.x: 1; TEAM.owner: alice", client.getProperty("lp", "labels"));
            client.setProperty("lp", "labels[EXTRA.x]", "");
            assertEquals("APP.tier: db; TEAM.owner: alice", client.getProperty("lp", "labels"), "an empty value removes");
            client.setProperty("lp", "labels", "ONLY.one: yes");
            assertEquals("ONLY.one: yes", client.getProperty("lp", "labels"), "a whole value replaces the others");
            Errors.expect("LabelNotFound", () -> client.getProperty("lp", "labels[NONE.here]"));
            Errors.expect("LabelNotFound", () -> client.getProperty("lp", "NONE.here"));
            // Upstream's rules: a prefix of 2-16 capitals, not PORTO; the name's characters; the value's.
            for (String bad : new String[] {"lower.case", "A.short", "PORTO.mine", "TOOLONGPREFIXABCD.x", "APP.sp ace"})
                Errors.expect("InvalidLabel", () -> client.setProperty("lp", "labels[" + bad + "]", "1"));
            Errors.expect("InvalidLabel", () -> client.setProperty("lp", "APP.v", "semi;colon"));
            Errors.expect("InvalidLabel", () -> client.setProperty("lp", "APP.v", "x".repeat(65537)));
            Errors.expect("InvalidLabel", () -> client.setProperty("lp", "APP." + "n".repeat(130), "1"));
            assertEquals("ONLY.one: yes", client.getProperty("lp", "labels"), "nothing bad was kept");
        } finally {
            client.destroy("lp");
        }
    }

    @Test
    void labelsOfParentsAndTheCountLimit() {
        client.create("lpa");
        client.create("lpa/child");
        try {
            client.setProperty("lpa", "ZONE.dc", "east");
            assertEquals("east", client.getProperty("lpa/child", "labels[.ZONE.dc]"), "'.' looks in the parents");
            Errors.expect("LabelNotFound", () -> client.getProperty("lpa/child", "labels[ZONE.dc]"));
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 100; i++)
                many.append(i > 0 ? "; " : "").append("N.l").append(i).append(": ").append(i);
            Errors.expect("InvalidLabel", () -> client.setProperty("lpa", "labels", "N.x: 1"));
            client.setProperty("lpa", "labels", many.toString().replace("N.", "NN."));
            Errors.expect("ResourceNotAvailable", () -> client.setProperty("lpa", "MORE.one", "1"));
            Errors.expect("ResourceNotAvailable", () -> setLabel("lpa", "MORE.one", "1", null, null));
            Errors.expect("ResourceNotAvailable", () -> incLabel("lpa", "MORE.one", null));
            setLabel("lpa", "NN.l5", "changed", null, null); // replacing one is not adding one
            assertEquals("changed", client.getProperty("lpa", "NN.l5"));
        } finally {
            client.destroy("lpa");
        }
    }

    @Test
    void setLabelChecksThePreviousValueAndTheState() {
        client.create("sl");
        try {
            var r = setLabel("sl", "LOCK.owner", "a", "", "stopped");
            assertFalse(r.hasPrevValue());
            assertEquals("stopped", r.getState());
            r = setLabel("sl", "LOCK.owner", "b", "a", null);
            assertEquals("a", r.getPrevValue());
            String busy = Errors.expect("Busy", () -> setLabel("sl", "LOCK.owner", "c", "a", null));
            assertTrue(busy.contains("b"), busy);
            Errors.expect("LabelNotFound", () -> setLabel("sl", "LOCK.other", "c", "x", null));
            Errors.expect("InvalidState", () -> setLabel("sl", "LOCK.owner", "c", null, "running"));
            assertEquals("b", client.getProperty("sl", "LOCK.owner"), "a refused SetLabel changes nothing");
            setLabel("sl", "LOCK.owner", "", "b", null);
            Errors.expect("LabelNotFound", () -> client.getProperty("sl", "LOCK.owner"));
            Errors.expect("InvalidLabel", () -> setLabel("sl", "bad", "1", null, null));
            Errors.expect("ContainerDoesNotExist", () -> setLabel("sl-none", "LOCK.owner", "1", null, null));
        } finally {
            client.destroy("sl");
        }
    }

    @Test
    void incLabelCountsFromZero() {
        client.create("il");
        try {
            assertEquals(1, incLabel("il", "COUNT.n", null), "add defaults to 1");
            assertEquals(11, incLabel("il", "COUNT.n", 10L));
            assertEquals(-4, incLabel("il", "COUNT.n", -15L));
            assertEquals(-4, incLabel("il", "COUNT.n", 0L));
            assertEquals("-4", client.getProperty("il", "COUNT.n"));
            Errors.expect("LabelNotFound", () -> incLabel("il", "COUNT.unset", 0L));
            client.setProperty("il", "COUNT.word", "abc");
            Errors.expect("InvalidValue", () -> incLabel("il", "COUNT.word", 1L));
            client.setProperty("il", "COUNT.big", Long.toString(Long.MAX_VALUE));
            Errors.expect("InvalidValue", () -> incLabel("il", "COUNT.big", 1L));
            assertEquals(Long.toString(Long.MAX_VALUE), client.getProperty("il", "COUNT.big"));
        } finally {
            client.destroy("il");
        }
    }

    @Test
    void waitersHearOfLabels() throws Exception {
        client.create("wl");
        client.create("wl2");
        try (PortoClient async = portod.client()) {
            client.setProperty("wl", "WAIT.ready", "yes");
            var now = client.wait(List.of("wl"), List.of("WAIT.*"), 5_000, null);
            assertEquals("wl", now.name());
            assertEquals("WAIT.ready", now.label());
            assertEquals("yes", now.value(), "a matching label already set is reported at once, as upstream");
            assertEquals(null, client.wait(List.of("wl2"), List.of("WAIT.*"), 200, null), "nothing to report: timeout");

            async.asyncWait(List.of("wl2"), List.of("WAIT.*"), -1, null);
            client.setProperty("wl2", "OTHER.x", "1"); // not a label the waiter asked for
            setLabel("wl2", "WAIT.step", "1", null, null);
            incLabel("wl2", "WAIT.step", 2L);
            client.setProperty("wl2", "labels[WAIT.step]", "");
            for (String expected : new String[] {"WAIT.step=1", "WAIT.step=3", "WAIT.step="}) {
                var e = async.nextEvent(10_000);
                assertEquals("wl2", e.name());
                assertEquals("stopped", e.state());
                assertEquals(expected, e.label() + "=" + e.value());
            }
            assertEquals(null, async.nextEvent(200));
        } finally {
            client.destroy("wl");
            client.destroy("wl2");
        }
    }

    @Test
    void findLabelByMaskLabelValueAndState() throws Exception {
        client.create("fa");
        client.create("fb");
        client.create("fa/x");
        try {
            client.setProperty("fa", "labels", "ROLE.kind: web; ROLE.size: big");
            client.setProperty("fb", "ROLE.kind", "db");
            client.setProperty("fa/x", "ROLE.kind", "web");
            client.setProperty("fb", "command", "sleep 1000");
            client.start("fb");
            assertEquals(List.of("fa stopped ROLE.kind=web", "fa/x stopped ROLE.kind=web", "fb running ROLE.kind=db"),
                    find(null, "ROLE.kind", null, null));
            assertEquals(List.of("fa stopped ROLE.kind=web", "fa/x stopped ROLE.kind=web"), find(null, "ROLE.kind", "web", null));
            assertEquals(List.of("fb running ROLE.kind=db"), find(null, "ROLE.kind", null, "running"));
            assertEquals(List.of("fa stopped ROLE.kind=web", "fb running ROLE.kind=db"), find("f?", "ROLE.kind", null, null));
            assertEquals(List.of("fa stopped ROLE.kind=web", "fa stopped ROLE.size=big"), find("fa", "ROLE.*", null, null));
            assertEquals(List.of(), find(null, "ROLE.none", null, null));
            // Labels survive a daemon restart with the container.
            long daemon = portod.daemonPid();
            PortodProcess.signal(daemon, "KILL");
            portod.awaitNewDaemon(daemon, java.time.Duration.ofSeconds(60));
            client.close();
            client = portod.client();
            assertEquals("ROLE.kind: web; ROLE.size: big", client.getProperty("fa", "labels"));
        } finally {
            client.destroy("fb");
            client.destroy("fa");
        }
    }
}
