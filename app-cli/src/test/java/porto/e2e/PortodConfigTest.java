package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.daemon.config.ConfigException;
import porto.daemon.config.DaemonConfig;
import porto.daemon.config.DeviceGroups;
import porto.daemon.config.NetworkConfig;

/**
 * /etc/portod.conf in upstream's text format: a daemon takes its values, a bad file stops
 * "portod start" with the file and line, and the network section is there for the networking code.
 */
class PortodConfigTest {

    private static Path write(String text) throws Exception {
        Path dir = Files.createTempDirectory("portod-conf");
        Path file = dir.resolve("portod.conf");
        Files.writeString(file, text);
        return file;
    }

    private static void remove(Path file) throws Exception {
        Path dir = file.getParent();
        try (var list = Files.walk(dir)) {
            for (Path p : list.sorted(java.util.Comparator.reverseOrder()).toList())
                Files.deleteIfExists(p);
        }
    }

    @Test
    void aDaemonTakesTheValuesOfItsConfigurationFile() throws Exception {
        Path conf = write("""
                # upstream's format: protobuf text
                log { verbose: true }
                daemon {
                    max_clients: 900
                    client_idle_timeout: 30
                }
                container {
                    default_aging_time_s: 7
                    respawn_delay_ms: 250
                    stdout_limit: 1048576
                    max_total: 2
                    default_ulimit: "nofile: 100 200"
                    default_resolv_conf: "nameserver 192.0.2.53;search example.test"
                }
                network { nat_first_ipv4: "198.51.100.10" nat_count: 4 unmanaged_device: "eth0" }
                """);
        try (PortodProcess p = PortodProcess.start(Map.of("PORTO_CONFIG", conf.toString()));
             PortoClient c = p.client()) {
            c.create("a");
            assertEquals("7", c.getProperty("a", "aging_time"));
            assertEquals("250000000ns", c.getProperty("a", "respawn_delay"));
            assertEquals("1048576", c.getProperty("a", "stdout_limit"));
            assertEquals("nameserver 192.0.2.53;search example.test", c.getProperty("a", "resolv_conf"));
            c.setProperty("a", "command", "sh -c 'ulimit -n; ulimit -Hn'");
            c.start("a");
            assertEquals("a", c.waitContainers(List.of("a"), 30_000));
            assertEquals("100\n200\n", c.getProperty("a", "stdout"));
            c.create("b");
            String why = Errors.expect("ResourceNotAvailable", () -> c.create("c"));
            assertTrue(why.contains("max_total"), why);
            String log = p.logText();
            assertTrue(log.contains("configuration read from [" + conf + "]"), log);
            // log { verbose: true }: requests are logged.
            assertTrue(log.contains("request from pid"), log);
        } finally {
            remove(conf);
        }
    }

    @Test
    void extraPropertiesAreGivenAtStartToMatchingContainers() throws Exception {
        Path conf = write("""
                container {
                    extra_properties {
                        filter: "batch-*"
                        properties { name: "max_respawns" value: "5" }
                        properties { name: "command" value: "true" }
                    }
                }
                """);
        try (PortodProcess p = PortodProcess.start(Map.of("PORTO_CONFIG", conf.toString()));
             PortoClient c = p.client()) {
            c.create("batch-1");
            c.create("other");
            c.setProperty("batch-1", "max_respawns", "2"); // set by the user: left alone
            assertEquals("", c.getProperty("batch-1", "extra_properties"));
            c.start("batch-1");
            assertEquals("batch-1", c.waitContainers(List.of("batch-1"), 30_000));
            assertEquals("command", c.getProperty("batch-1", "extra_properties"));
            assertEquals("true", c.getProperty("batch-1", "command"));
            assertEquals("2", c.getProperty("batch-1", "max_respawns"));
            c.setProperty("other", "command", "true");
            c.start("other");
            assertEquals("", c.getProperty("other", "extra_properties"));
            assertEquals("-1", c.getProperty("other", "max_respawns"));
        } finally {
            remove(conf);
        }
    }

    @Test
    void environmentVariablesStillWinOverTheFile() throws Exception {
        Path conf = write("daemon { max_clients: 900 max_clients_in_container: 7 client_idle_timeout: 30 }\n");
        try (PortodProcess p = PortodProcess.start(Map.of("PORTO_CONFIG", conf.toString(), "PORTO_MAX_CLIENTS", "50"))) {
            String log = p.logText();
            assertTrue(log.contains("client limits: max_clients 50, max_clients_in_container 7, client_idle_timeout 30 s"), log);
        } finally {
            remove(conf);
        }
    }

    @Test
    void aBadFileFailsPortodStartWithItsLine() throws Exception {
        try (PortodProcess p = PortodProcess.unstarted()) {
            Path conf = p.runDir.resolve("portod.conf");
            Files.writeString(conf, "daemon {\n    max_clients: 10\n    max_clients: ten\n}\n");
            PortodProcess.Run r = p.portodCommand("start");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().contains(conf + ":3:"), r.err());
            assertTrue(r.err().contains("invalid configuration"), r.err());
            assertEquals(1, p.portodCommand("status").code(), "no daemon runs");

            Files.writeString(conf, "container {\n  default_aging_time_s: 5\n  no_such_field: 1\n}\n");
            r = p.portodCommand("start");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().contains(conf + ":3:") && r.err().contains("no_such_field"), r.err());

            Files.writeString(conf, "container {\n  default_ulimit: \"nofile: lots\"\n}\n");
            r = p.portodCommand("start");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().contains(conf + ":2:") && r.err().contains("container.default_ulimit"), r.err());

            Files.writeString(conf, "container {\n  extra_properties { filter: \"*\" properties { name: \"memory_limit\" value: \"1G\" } }\n}\n");
            r = p.portodCommand("start");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().contains(conf + ":2:") && r.err().contains("memory_limit cannot be an extra property"), r.err());

            Files.writeString(conf, "network {\n  unmanaged_group: \"default\"\n  unmanaged_group: \"no-such-group\"\n}\n");
            r = p.portodCommand("start");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().contains(conf + ":3:") && r.err().contains("network.unmanaged_group")
                    && r.err().contains("unknown network device group \"no-such-group\""), r.err());

            Files.writeString(conf, "network {\n  addrlabel { prefix: \"2001:db8::/32\" label: 7 }\n  addrlabel { prefix: \"198.51.100.0/24\" label: 3 }\n}\n");
            r = p.portodCommand("start");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().contains(conf + ":3:") && r.err().contains("network.addrlabel")
                    && r.err().contains("not an IPv6 prefix"), r.err());

            // Fixed, it starts; "portod reload" with a spoilt file is refused and the daemon keeps running.
            Files.writeString(conf, "container { default_aging_time_s: 5 }\n");
            assertEquals(0, p.portodCommand("start").code(), p.logText());
            long daemon = p.daemonPid();
            Files.writeString(conf, "container { default_aging_time_s: -5 }\n");
            r = p.portodCommand("reload");
            assertEquals(1, r.code());
            assertTrue(r.err().contains(conf + ":1:"), r.err());
            assertEquals(daemon, p.daemonPid(), "the running daemon was left alone");
            try (PortoClient c = p.client()) {
                c.create("x");
                assertEquals("5", c.getProperty("x", "aging_time"));
            }
        }
    }

    @Test
    void theDirectoryBesideTheFileIsMergedInNameOrder() throws Exception {
        Path conf = write("container { default_aging_time_s: 1 respawn_delay_ms: 10 }\n");
        try {
            Path dir = conf.resolveSibling("portod.conf.d");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("20-late.conf"), "container { default_aging_time_s: 3 }\n");
            Files.writeString(dir.resolve("10-early.conf"), "container { default_aging_time_s: 2 }\n");
            Files.writeString(dir.resolve("ignored.txt"), "this is not a config\n");
            DaemonConfig c = DaemonConfig.load(conf);
            assertEquals(3, c.containerDefaults().agingTimeS());
            assertEquals(10, c.containerDefaults().respawnDelayMs());
            assertEquals(3, c.files().size());
            Files.writeString(dir.resolve("30-bad.conf"), "\n\nlog { verbose: maybe }\n");
            ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(conf));
            assertTrue(e.getMessage().startsWith(dir.resolve("30-bad.conf") + ":3:"), e.getMessage());
        } finally {
            remove(conf);
        }
    }

    @Test
    void deviceGroupNamesAreResolvedAsIpDoes() throws Exception {
        Path etc = write("# names of this host\n0\tdefault\n10 uplinks  # the uplinks\n0x20 backbone\nbad line\n");
        Path usr = write("10 shadowed\n11 uplinks\n12 vendor\n");
        try {
            DeviceGroups groups = DeviceGroups.read(List.of(etc, usr, etc.resolveSibling("missing")));
            assertEquals(10, groups.resolve("uplinks").orElseThrow(), "/etc wins over /usr/share");
            assertEquals(32, groups.resolve("backbone").orElseThrow());
            assertEquals(12, groups.resolve("vendor").orElseThrow());
            assertEquals(0, groups.resolve("default").orElseThrow());
            assertEquals(42, groups.resolve("42").orElseThrow(), "a number is taken as it is");
            assertTrue(groups.resolve("bad").isEmpty());
            assertEquals(List.of("10", "0", "42"), groups.numbers(List.of("uplinks", "default", "42")));
            ConfigException e = assertThrows(ConfigException.class, () -> groups.numbers(List.of("uplinks", "nowhere")));
            assertTrue(e.getMessage().contains("unknown network device group \"nowhere\""), e.getMessage());
            assertEquals(0, DeviceGroups.read(List.of()).resolve("default").orElseThrow(), "0 is default without a file");
        } finally {
            remove(etc);
            remove(usr);
        }
    }

    @Test
    void theNetworkSectionIsParsedForTheNetworkingCode() throws Exception {
        Path conf = write("""
                network {
                    nat_first_ipv4: "198.51.100.10"
                    nat_first_ipv6: "2001:db8::10"
                    nat_count: 16
                    unmanaged_device: "eth0"
                    unmanaged_device: "lo"
                    unmanaged_group: "default"
                    unmanaged_group: "7"
                    proxy_ndp: false
                    addrlabel { prefix: "2001:db8::/32" label: 7 }
                }
                """);
        try {
            NetworkConfig n = DaemonConfig.load(conf).network();
            assertEquals("198.51.100.10", n.natFirstIpv4());
            assertEquals("2001:db8::10", n.natFirstIpv6());
            assertEquals(16, n.natCount());
            assertEquals(List.of("eth0", "lo"), n.unmanagedDevice());
            assertEquals(List.of("default", "7"), n.unmanagedGroup());
            assertFalse(n.proxyNdp());
            assertEquals(List.of(new NetworkConfig.AddrLabel("2001:db8::/32", 7)), n.addrLabels());
            NetworkConfig defaults = DaemonConfig.defaults().network();
            assertTrue(defaults.proxyNdp(), "upstream's default");
            assertEquals(0, defaults.natCount());
            assertEquals(9000, defaults.l3DefaultMtu());
        } finally {
            remove(conf);
        }
    }
}
