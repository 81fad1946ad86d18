package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc;
import porto.rpc.Rpc.TContainerRequest;

/**
 * ListContainersBy with its filters and field selection, and the full TContainerSpec through
 * CreateFromSpec/UpdateFromSpec: what goes in comes back out.
 */
class ListContainersByTest extends PortodTest {
    private static List<Rpc.TContainer> list(List<Rpc.TListContainersFilter> filters, List<String> properties) {
        var req = Rpc.TListContainersRequest.newBuilder().addAllFilters(filters);
        if (!properties.isEmpty())
            req.getFieldOptionsBuilder().addAllProperties(properties);
        return client.call(TContainerRequest.newBuilder().setListContainersBy(req).build()).getListContainersBy().getContainersList();
    }

    private static Rpc.TListContainersFilter name(String mask) {
        return Rpc.TListContainersFilter.newBuilder().setName(mask).build();
    }

    private static Rpc.TStringMap labels(String... kv) {
        var m = Rpc.TStringMap.newBuilder();
        for (int i = 0; i < kv.length; i += 2)
            m.addMapBuilder().setKey(kv[i]).setVal(kv[i + 1]);
        return m.build();
    }

    @Test
    void aFullSpecGoesInAndComesBackOut() {
        Rpc.TContainerSpec spec = Rpc.TContainerSpec.newBuilder().setName("spec-a")
                .setCommand("sleep 1000").setPrivate("note")
                .setLabels(labels("APP.name", "a", "APP.tier", "web"))
                .setEnv(Rpc.TContainerEnv.newBuilder().addVar(Rpc.TContainerEnvVar.newBuilder().setName("X").setValue("1 2")))
                .setUlimit(Rpc.TContainerUlimits.newBuilder().addUlimit(Rpc.TContainerUlimit.newBuilder().setType("nofile").setSoft(100).setHard(200)))
                .setMemoryLimit(64L << 20).setCpuLimit(1.5).setCpuWeight(2).setIoWeight(1).setThreadLimit(77)
                .setRespawn(true).setMaxRespawns(3).setRespawnDelay(2_000_000_000L).setAgingTime(600)
                .setOomScoreAdj(100).setOomIsFatal(false).setUmask(022).setHostname("spec-host")
                .setCapabilities(Rpc.TCapabilities.newBuilder().addCap("CHOWN").addCap("KILL"))
                .setControllers(Rpc.TContainerControllers.newBuilder().addController("memory"))
                .build();
        client.createFromSpec(spec, false);
        try {
            List<Rpc.TContainer> got = list(List.of(name("spec-a")), List.of());
            assertEquals(1, got.size());
            Rpc.TContainerSpec back = got.get(0).getSpec();
            assertEquals("spec-a", back.getName());
            assertEquals("sleep 1000", back.getCommand());
            assertEquals("note", back.getPrivate());
            assertEquals(labels("APP.name", "a", "APP.tier", "web"), back.getLabels());
            assertEquals("X", back.getEnv().getVar(0).getName());
            assertEquals("1 2", back.getEnv().getVar(0).getValue());
            assertEquals(Rpc.TContainerUlimit.newBuilder().setType("nofile").setSoft(100).setHard(200).build(),
                    back.getUlimit().getUlimitList().stream().filter(u -> u.getType().equals("nofile")).findFirst().orElseThrow());
            assertEquals(64L << 20, back.getMemoryLimit());
            assertEquals(1.5, back.getCpuLimit(), 1e-9);
            assertEquals(2.0, back.getCpuWeight(), 1e-9);
            assertEquals(77, back.getThreadLimit());
            assertTrue(back.getRespawn());
            assertEquals(3, back.getMaxRespawns());
            assertEquals(2_000_000_000L, back.getRespawnDelay());
            assertEquals(600, back.getAgingTime());
            assertEquals(100, back.getOomScoreAdj());
            assertFalse(back.getOomIsFatal());
            assertEquals(022, back.getUmask());
            assertEquals("spec-host", back.getHostname());
            assertEquals(List.of("CHOWN", "KILL"), back.getCapabilities().getCapList());
            assertTrue(back.getControllers().getControllerList().contains("memory"));
            Rpc.TContainerStatus status = got.get(0).getStatus();
            assertEquals("stopped", status.getState());
            assertEquals("/porto/spec-a", status.getAbsoluteName());
            assertEquals(1, status.getLevel());
            assertTrue(status.getCreationTime() > 1_700_000_000L && status.getChangeTime() >= status.getCreationTime(), status.toString());
            assertFalse(status.hasRootPid(), "no root_pid while stopped, as upstream");

            // UpdateFromSpec changes what it names; TStringMap with merge adds to the labels.
            client.updateFromSpec(Rpc.TContainerSpec.newBuilder().setName("spec-a").setMemoryLimit(32L << 20)
                    .setLabels(labels("APP.extra", "x").toBuilder().setMerge(true)).build());
            assertEquals(String.valueOf(32L << 20), client.getProperty("spec-a", "memory_limit"));
            assertEquals("APP.extra: x; APP.name: a; APP.tier: web", client.getProperty("spec-a", "labels"));
            Errors.expect("InvalidValue", () -> client.updateFromSpec(Rpc.TContainerSpec.newBuilder().setName("spec-a").setCpuPolicy("bogus").build()));
        } finally {
            client.destroy("spec-a");
        }
    }

    private static Rpc.TUintMap rates(String key, long value) {
        return Rpc.TUintMap.newBuilder().addMap(Rpc.TUintMap.TUintMapEntry.newBuilder().setKey(key).setVal(value)).build();
    }

    private static Rpc.TContainerIpConfig ips(String dev, String ip) {
        return Rpc.TContainerIpConfig.newBuilder().addCfg(Rpc.TContainerIpConfig.TContainerIp.newBuilder().setDev(dev).setIp(ip)).build();
    }

    @Test
    void networkPlaceAndVolumeMessagesGoInAndComeBackOut() {
        Rpc.TContainerSpec spec = Rpc.TContainerSpec.newBuilder().setName("spec-net")
                .setNet(Rpc.TContainerNetConfig.newBuilder().addCfg(Rpc.TContainerNetOption.newBuilder().setOpt("L3").addArg("eth0")))
                .setIp(ips("eth0", "192.0.2.5/24")).setDefaultGw(ips("eth0", "192.0.2.1"))
                .setIpLimit(Rpc.TContainerIpLimit.newBuilder().setPolicy("some").addIp("192.0.2.0/24"))
                .setPlace(Rpc.TContainerPlaceConfig.newBuilder().addCfg(Rpc.TContainerPlace.newBuilder().setPlace("/place"))
                        .addCfg(Rpc.TContainerPlace.newBuilder().setPlace("***")))
                .setVolumesRequired(Rpc.TContainerVolumes.newBuilder().addVolume("/tmp/spec-vol"))
                .setBind(Rpc.TContainerBindMounts.newBuilder().addBind(Rpc.TContainerBindMount.newBuilder().setSource("/tmp").setTarget("/mnt").addFlag("ro")))
                .setSysctl(labels("net.core.somaxconn", "512"))
                .setNetLimit(rates("default", 1_000_000)).setNetGuarantee(rates("default", 1000)).setNetRxLimit(rates("default", 2_000_000))
                .build();
        client.createFromSpec(spec, false);
        try {
            assertEquals("L3 eth0", client.getProperty("spec-net", "net"));
            assertEquals("/place;***", client.getProperty("spec-net", "place"));
            assertEquals("/tmp/spec-vol", client.getProperty("spec-net", "volumes_required"));
            assertEquals("192.0.2.0/24", client.getProperty("spec-net", "ip_limit"));
            assertTrue(client.getProperty("spec-net", "ip").startsWith("eth0 192.0.2.5"), client.getProperty("spec-net", "ip"));
            assertEquals("eth0 192.0.2.1", client.getProperty("spec-net", "default_gw"));
            assertEquals("net.core.somaxconn: 512", client.getProperty("spec-net", "sysctl"));
            assertEquals("default: 1000000", client.getProperty("spec-net", "net_limit"));

            Rpc.TContainerSpec back = list(List.of(name("spec-net")), List.of()).get(0).getSpec();
            assertEquals(spec.getNet().getCfgList(), back.getNet().getCfgList());
            assertTrue(back.getNet().hasInherited() && !back.getNet().getInherited(), back.getNet().toString());
            assertEquals(spec.getIp().getCfg(0).getDev(), back.getIp().getCfg(0).getDev());
            assertTrue(back.getIp().getCfg(0).getIp().startsWith("192.0.2.5"), back.getIp().toString());
            assertEquals(spec.getDefaultGw(), back.getDefaultGw());
            assertEquals(spec.getIpLimit(), back.getIpLimit());
            assertEquals(spec.getPlace(), back.getPlace());
            assertEquals(spec.getVolumesRequired(), back.getVolumesRequired());
            assertEquals(spec.getBind(), back.getBind());
            assertEquals(spec.getSysctl(), back.getSysctl());
            assertEquals(spec.getNetLimit(), back.getNetLimit());
            assertEquals(spec.getNetGuarantee(), back.getNetGuarantee());
            assertEquals(spec.getNetRxLimit(), back.getNetRxLimit());

            // A policy alone, as upstream: no addresses means the policy word.
            client.updateFromSpec(Rpc.TContainerSpec.newBuilder().setName("spec-net")
                    .setIpLimit(Rpc.TContainerIpLimit.newBuilder().setPolicy("none")).build());
            assertEquals("none", client.getProperty("spec-net", "ip_limit"));
            assertEquals("none", list(List.of(name("spec-net")), List.of("ip_limit")).get(0).getSpec().getIpLimit().getPolicy());

            // Bad values in message fields are refused as the property refuses them, and change nothing.
            Errors.expect("InvalidValue", () -> client.updateFromSpec(Rpc.TContainerSpec.newBuilder().setName("spec-net")
                    .setNet(Rpc.TContainerNetConfig.newBuilder().addCfg(Rpc.TContainerNetOption.newBuilder().setOpt("bogus"))).build()));
            Errors.expect("InvalidValue", () -> client.updateFromSpec(Rpc.TContainerSpec.newBuilder().setName("spec-net")
                    .setIp(ips("eth0", "not-an-address")).build()));
            Errors.expect("InvalidValue", () -> client.updateFromSpec(Rpc.TContainerSpec.newBuilder().setName("spec-net")
                    .setIpLimit(Rpc.TContainerIpLimit.newBuilder().setPolicy("some").addIp("999.1.1.1")).build()));
            assertEquals("L3 eth0", client.getProperty("spec-net", "net"));

            // inherited alone, as upstream's flag.
            client.updateFromSpec(Rpc.TContainerSpec.newBuilder().setName("spec-net")
                    .setNet(Rpc.TContainerNetConfig.newBuilder().setInherited(true)).build());
            assertEquals("inherited", client.getProperty("spec-net", "net"));
            assertTrue(list(List.of(name("spec-net")), List.of("net")).get(0).getSpec().getNet().getInherited());
        } finally {
            client.destroy("spec-net");
        }
    }

    @Test
    void filtersByMaskAndLabelsAndSelectsFields() throws Exception {
        client.create("lb-a");
        client.create("lb-b");
        client.create("lb-a/in");
        client.create("other");
        try {
            client.setProperty("lb-a", "labels", "ROLE.kind: web; ROLE.zone: a");
            client.setProperty("lb-b", "labels", "ROLE.kind: db");
            client.setProperty("lb-a/in", "ROLE.kind", "web");
            client.setProperty("lb-b", "command", "sleep 1000");
            client.start("lb-b");

            List<Rpc.TContainer> got = list(List.of(name("lb-*")), List.of("state", "labels"));
            assertEquals(List.of("lb-a", "lb-b"), got.stream().map(t -> t.getSpec().getName()).toList());
            assertEquals("running", got.get(1).getStatus().getState());
            assertFalse(got.get(1).getSpec().hasCommand(), "only the fields asked for");
            assertFalse(got.get(1).getStatus().hasRootPid());

            var web = Rpc.TListContainersFilter.newBuilder().setName("***").setLabels(labels("ROLE.kind", "web")).build();
            assertEquals(List.of("lb-a", "lb-a/in"), list(List.of(web), List.of("state")).stream().map(t -> t.getSpec().getName()).toList());
            var two = Rpc.TListContainersFilter.newBuilder().setName("***").setLabels(labels("ROLE.kind", "web", "ROLE.zone", "a")).build();
            assertEquals(List.of("lb-a"), list(List.of(two), List.of("state")).stream().map(t -> t.getSpec().getName()).toList());

            got = list(List.of(name("lb-b")), List.of("root_pid", "command", "cgroups"));
            assertTrue(got.get(0).getStatus().getRootPid() > 0);
            assertEquals("sleep 1000", got.get(0).getSpec().getCommand());
            assertTrue(got.get(0).getStatus().getCgroups().getCgroupCount() > 0);

            // A filter that matched nothing answers that name with ContainerDoesNotExist; an unknown property is an error in status.
            got = list(List.of(name("lb-a"), name("nothing-*")), List.of("state", "no_such_property"));
            assertEquals(2, got.size());
            assertEquals("nothing-*", got.get(1).getSpec().getName());
            assertEquals(Rpc.EError.ContainerDoesNotExist, got.get(1).getError().getError());
            assertEquals(Rpc.EError.InvalidProperty, got.get(0).getStatus().getError(0).getError());

            // changed_since: a container not changed since then is reported with no_changes.
            long now = Long.parseLong(client.getProperty("lb-a", "change_time[raw]"));
            var since = Rpc.TListContainersFilter.newBuilder().setName("lb-a").setChangedSince(now + 3600).build();
            got = list(List.of(since), List.of());
            assertTrue(got.get(0).getStatus().getNoChanges());
            assertFalse(got.get(0).getSpec().hasLabels());
        } finally {
            client.destroy("lb-b");
            client.destroy("lb-a");
            client.destroy("other");
        }
    }
}
