package porto.daemon.config;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.TextFormatParseLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import porto.config.PortodConfig.TConfig;
import porto.domain.ContainerDefaults;
import porto.domain.PortoException;
import porto.domain.Ulimits;

/**
 * The daemon's configuration: {@code /etc/portod.conf} (or {@code $PORTO_CONFIG}) and then every
 * {@code *.conf} in the directory of the same name with ".d" appended, in name order, each merged
 * over the last, as upstream reads them. The format is protobuf text format against upstream's
 * schema ({@code portod_config.proto}); a file that does not parse, names an unknown field, or
 * holds a value the daemon cannot use is refused with its file and line. A missing file means
 * upstream's defaults. Environment variables the daemon had before (PORTO_MAX_CLIENTS, ...) still
 * win over the file.
 */
public final class DaemonConfig {
    /** Properties upstream lets extra_properties set (its SupportedExtraProperties). */
    static final Set<String> EXTRA_PROPERTIES =
            Set.of("cgroupfs", "command", "max_respawns", "userns", "unshare_on_exec", "resolv_conf", "capabilities[SYS_ADMIN]");

    private final TConfig config;
    private final List<Path> files;

    private DaemonConfig(TConfig config, List<Path> files) {
        this.config = config;
        this.files = List.copyOf(files);
    }

    /** Nothing read: upstream's defaults. */
    public static DaemonConfig defaults() {
        return new DaemonConfig(TConfig.getDefaultInstance(), List.of());
    }

    /** The file $PORTO_CONFIG names, else /etc/portod.conf, with its ".d" directory. */
    public static DaemonConfig load(Map<String, String> env) throws ConfigException {
        return load(Path.of(env.getOrDefault("PORTO_CONFIG", "/etc/portod.conf")));
    }

    public static DaemonConfig load(Path main) throws ConfigException {
        List<Path> paths = new ArrayList<>();
        if (Files.exists(main))
            paths.add(main);
        Path dir = main.resolveSibling(main.getFileName() + ".d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().forEach(paths::add);
            } catch (IOException e) {
                throw new ConfigException("cannot read " + dir + ": " + e.getMessage());
            }
        }
        TConfig.Builder merged = TConfig.newBuilder();
        for (Path p : paths)
            merged.mergeFrom(parse(p));
        return new DaemonConfig(merged.build(), paths);
    }

    /** One file, parsed and checked; errors name it and the line. */
    static TConfig parse(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return TConfig.getDefaultInstance();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        TextFormatParseInfoTree.Builder where = TextFormatParseInfoTree.builder();
        TConfig.Builder b = TConfig.newBuilder();
        try {
            TextFormat.Parser.newBuilder().setParseInfoTreeBuilder(where).build().merge(text, b);
        } catch (TextFormat.ParseException e) {
            throw new ConfigException(file + ":" + e.getLine() + ":" + e.getColumn() + ": " + stripLocation(e.getMessage()));
        }
        TConfig c = b.build();
        check(file, c, where.build());
        return c;
    }

    /** ParseException's message starts with "line:column: "; we print those with the file name. */
    private static String stripLocation(String message) {
        return message.replaceFirst("^-?[0-9]+:-?[0-9]+: ", "");
    }

    /** Values the daemon could not use, refused now rather than at the first container that needs them. */
    private static void check(Path file, TConfig c, TextFormatParseInfoTree where) throws ConfigException {
        if (c.hasNetwork() && c.getNetwork().getUnmanagedGroupCount() > 0) {
            DeviceGroups groups = DeviceGroups.host();
            for (int i = 0; i < c.getNetwork().getUnmanagedGroupCount(); i++) {
                String g = c.getNetwork().getUnmanagedGroup(i);
                if (groups.resolve(g).isEmpty())
                    throw located(file, where, "network", "unmanaged_group", i, DeviceGroups.unknown(g).getMessage());
            }
        }
        for (int i = 0; c.hasNetwork() && i < c.getNetwork().getAddrlabelCount(); i++) {
            try {
                AddrLabels.prefix(c.getNetwork().getAddrlabel(i).getPrefix());
            } catch (IllegalArgumentException e) {
                throw located(file, where, "network", "addrlabel", i, e.getMessage());
            }
        }
        if (!c.hasContainer())
            return;
        TConfig.TContainerCfg ct = c.getContainer();
        if (ct.hasDefaultUlimit()) {
            try {
                Ulimits.parse(ct.getDefaultUlimit());
            } catch (PortoException e) {
                throw located(file, where, "container", "default_ulimit", 0, e.getMessage());
            }
        }
        if (ct.hasDefaultResolvConf() && ct.getDefaultResolvConf().indexOf('\n') >= 0)
            throw located(file, where, "container", "default_resolv_conf", 0, "lines are separated by ';', not newlines");
        if (ct.hasStdoutLimit() && ct.getStdoutLimit() > 1L << 30)
            throw located(file, where, "container", "stdout_limit", 0, "at most 1G");
        for (int i = 0; i < ct.getExtraPropertiesCount(); i++)
            for (var p : ct.getExtraProperties(i).getPropertiesList())
                if (!EXTRA_PROPERTIES.contains(p.getName()))
                    throw located(file, where, "container", "extra_properties", i, "property " + p.getName()
                            + " cannot be an extra property; these can: " + String.join(", ", EXTRA_PROPERTIES.stream().sorted().toList()));
    }

    private static ConfigException located(Path file, TextFormatParseInfoTree where, String section, String field, int index,
                                           String message) {
        String line = "";
        try {
            FieldDescriptor s = TConfig.getDescriptor().findFieldByName(section);
            FieldDescriptor f = s.getMessageType().findFieldByName(field);
            TextFormatParseLocation at = where.getNestedTree(s, 0).getLocation(f, index);
            line = ":" + (at.getLine() + 1) + ":" + (at.getColumn() + 1); // the tree counts from 0, ParseException from 1
        } catch (IllegalArgumentException e) {
            // no location recorded: the file name alone
        }
        return new ConfigException(file + line + ": " + section + "." + field + ": " + message);
    }

    /** The files read, in order (none when there is no configuration file). */
    public List<Path> files() {
        return files;
    }

    /** Everything read, for fields this class does not interpret. */
    public TConfig raw() {
        return config;
    }

    public boolean verbose() {
        return config.getLog().getVerbose();
    }

    public boolean debug() {
        return config.getLog().getDebug();
    }

    /** daemon.max_clients (default 1000). */
    public int maxClients() {
        return config.getDaemon().hasMaxClients() ? config.getDaemon().getMaxClients() : 1000;
    }

    /** daemon.max_clients_in_container (default 500). */
    public int maxClientsInContainer() {
        return config.getDaemon().hasMaxClientsInContainer() ? config.getDaemon().getMaxClientsInContainer() : 500;
    }

    /** daemon.client_idle_timeout in seconds (default 60). */
    public long clientIdleTimeoutS() {
        return config.getDaemon().hasClientIdleTimeout() ? config.getDaemon().getClientIdleTimeout() : 60;
    }

    /** daemon.portod_start_timeout in seconds (default 300): how long "portod start" and "reload" wait. */
    public long startTimeoutS() {
        return config.getDaemon().hasPortodStartTimeout() ? config.getDaemon().getPortodStartTimeout() : 300;
    }

    /** daemon.portod_stop_timeout in seconds (default 300): how long "portod stop" waits. */
    public long stopTimeoutS() {
        return config.getDaemon().hasPortodStopTimeout() ? config.getDaemon().getPortodStopTimeout() : 300;
    }

    /** container.stop_timeout_ms (default 30 s): how long a stop waits after SIGTERM. */
    public long containerStopTimeoutMs() {
        return config.getContainer().hasStopTimeoutMs() ? config.getContainer().getStopTimeoutMs() : 30_000;
    }

    /** container.default_ulimit, or null for the built-in one. */
    public String defaultUlimit() {
        return config.getContainer().hasDefaultUlimit() ? config.getContainer().getDefaultUlimit() : null;
    }

    /** The container section's defaults of new containers, upstream's where not configured. */
    public ContainerDefaults containerDefaults() {
        TConfig.TContainerCfg ct = config.getContainer();
        ContainerDefaults d = ContainerDefaults.BUILT_IN;
        List<ContainerDefaults.ExtraProperties> extra = new ArrayList<>();
        for (var e : ct.getExtraPropertiesList()) {
            Map<String, String> props = new LinkedHashMap<>();
            for (var p : e.getPropertiesList())
                props.put(p.getName(), p.getValue());
            extra.add(new ContainerDefaults.ExtraProperties(e.getFilter(), props));
        }
        return new ContainerDefaults(
                ct.hasDefaultAgingTimeS() ? Integer.toUnsignedLong(ct.getDefaultAgingTimeS()) : d.agingTimeS(),
                ct.hasRespawnDelayMs() ? Integer.toUnsignedLong(ct.getRespawnDelayMs()) : d.respawnDelayMs(),
                ct.hasStdoutLimit() ? ct.getStdoutLimit() : d.stdoutLimit(),
                ct.hasMaxTotal() ? ct.getMaxTotal() : d.maxTotal(),
                ct.hasPressurizeOnDeath() ? ct.getPressurizeOnDeath() : d.pressurizeOnDeath(),
                ct.hasDefaultResolvConf() ? ct.getDefaultResolvConf().trim() : d.resolvConf(),
                extra,
                ct.hasEnableRwCgroupfs() ? ct.getEnableRwCgroupfs() : d.enableRwCgroupfs(),
                ct.hasDeadMemorySoftLimit() ? Math.max(0, ct.getDeadMemorySoftLimit()) : d.deadMemorySoftLimit(), // -1: none
                coreEnabled(),
                ct.hasEnableRwNetCgroups() ? ct.getEnableRwNetCgroups() : d.enableRwNetCgroups());
    }

    /** core.enable (default false): the daemon points kernel.core_pattern at "portod core". */
    public boolean coreEnabled() {
        return config.getCore().getEnable();
    }

    /** core.timeout_s (default 600): how long "portod core" waits for core_command. */
    public long coreTimeoutS() {
        return config.getCore().hasTimeoutS() ? config.getCore().getTimeoutS() : 600;
    }

    /** core.default_pattern (default none): where a core nobody takes is saved, as upstream. */
    public String coreDefaultPattern() {
        return config.getCore().getDefaultPattern();
    }

    /** The network section, for the networking code. */
    public NetworkConfig network() {
        return NetworkConfig.of(config.getNetwork());
    }
}
