package porto.daemon;

import java.util.LinkedHashMap;
import java.util.Map;
import porto.domain.Caller;
import porto.domain.ClientScope;
import porto.domain.ContainerService;
import porto.domain.PortoException;
import porto.rpc.Rpc.TContainerSpec;
import porto.rpc.Rpc.TCreateFromSpecRequest;

/** CreateFromSpec and UpdateFromSpec: a structured spec becomes a series of property sets. */
final class Specs {
    private Specs() {}

    /** Makes the request's volumes, each linked to the new container (named as the client wrote it). */
    interface SpecVolumes {
        void create(ClientScope scope, String container, java.util.List<porto.rpc.Rpc.TVolumeSpec> specs) throws PortoException;
    }

    static void createFromSpec(ContainerService service, ClientScope scope, TCreateFromSpecRequest req, Api.Session session,
            SpecVolumes volumes) throws PortoException {
        Caller who = scope.caller();
        TContainerSpec spec = req.getContainer();
        String name = Api.checkedName(scope, spec.getName());
        boolean weak = spec.hasWeak() && spec.getWeak();
        service.create(who, name, weak);
        if (weak)
            session.createdWeak(name);
        try {
            apply(service, who, name, spec);
            volumes.create(scope, spec.getName(), req.getVolumesList()); // a failure below destroys the container and so them
            if (req.hasStart() && req.getStart())
                service.start(who, name);
        } catch (PortoException e) {
            try {
                service.destroy(who, name);
            } catch (PortoException cleanup) {
                Log.error("cannot clean up " + name + " after a failed CreateFromSpec", cleanup);
            }
            throw e;
        }
    }

    static void apply(ContainerService service, Caller who, String name, TContainerSpec spec) throws PortoException {
        for (var e : properties(spec).entrySet())
            service.set(who, name, e.getKey(), e.getValue());
    }

    /** The spec's fields as property text, in an order where later ones may depend on earlier. */
    static Map<String, String> properties(TContainerSpec s) throws PortoException {
        Map<String, String> p = new LinkedHashMap<>();
        if (s.hasUser())
            p.put("user", s.getUser());
        if (s.hasGroup())
            p.put("group", s.getGroup());
        if (s.hasTaskCred()) {
            if (s.getTaskCred().hasUser())
                p.put("user", s.getTaskCred().getUser());
            else if (s.getTaskCred().hasUid())
                p.put("user", Integer.toUnsignedString(s.getTaskCred().getUid()));
            if (s.getTaskCred().hasGroup())
                p.put("group", s.getTaskCred().getGroup());
            else if (s.getTaskCred().hasGid())
                p.put("group", Integer.toUnsignedString(s.getTaskCred().getGid()));
        }
        if (s.hasCommand())
            p.put("command", s.getCommand());
        if (s.hasCommandArgv()) // after command: the verbatim argv wins, as upstream's does
            p.put("command_argv", porto.domain.CommandLine.joinArgv(s.getCommandArgv().getArgvList()));
        if (s.hasEnv()) {
            StringBuilder env = new StringBuilder();
            for (var v : s.getEnv().getVarList())
                env.append(env.length() > 0 ? "; " : "").append(v.getName()).append('=')
                        .append(v.getValue().replace("\\", "\\\\").replace(";", "\\;"));
            p.put("env", env.toString());
        }
        if (s.hasUlimit()) {
            StringBuilder u = new StringBuilder();
            for (var l : s.getUlimit().getUlimitList()) {
                u.append(u.length() > 0 ? "; " : "").append(l.getType()).append(": ");
                if (l.getUnlimited())
                    u.append("unlimited unlimited");
                else
                    u.append(Long.toUnsignedString(l.getSoft())).append(' ').append(Long.toUnsignedString(l.getHard()));
            }
            p.put("ulimit", u.toString());
        }
        if (s.hasIsolate())
            p.put("isolate", Boolean.toString(s.getIsolate()));
        if (s.hasVirtMode())
            p.put("virt_mode", s.getVirtMode());
        if (s.hasEnablePorto())
            p.put("enable_porto", s.getEnablePorto());
        if (s.hasAgingTime())
            p.put("aging_time", Long.toUnsignedString(s.getAgingTime()));
        if (s.hasRoot())
            p.put("root", s.getRoot());
        if (s.hasRootReadonly())
            p.put("root_readonly", Boolean.toString(s.getRootReadonly()));
        if (s.hasBind()) {
            StringBuilder b = new StringBuilder();
            for (var m : s.getBind().getBindList()) {
                b.append(b.length() > 0 ? "; " : "").append(m.getSource()).append(' ').append(m.getTarget());
                if (m.getFlagList().contains("ro"))
                    b.append(" ro");
            }
            p.put("bind", b.toString());
        }
        if (s.hasCwd())
            p.put("cwd", s.getCwd());
        if (s.hasStdinPath())
            p.put("stdin_path", s.getStdinPath());
        if (s.hasStdoutPath())
            p.put("stdout_path", s.getStdoutPath());
        if (s.hasStderrPath())
            p.put("stderr_path", s.getStderrPath());
        if (s.hasStdoutLimit())
            p.put("stdout_limit", Long.toUnsignedString(s.getStdoutLimit()));
        if (s.hasUmask())
            p.put("umask", Integer.toOctalString(s.getUmask()));
        if (s.hasRespawn())
            p.put("respawn", Boolean.toString(s.getRespawn()));
        if (s.hasMaxRespawns())
            p.put("max_respawns", Long.toString(s.getMaxRespawns()));
        if (s.hasCpuLimit())
            p.put("cpu_limit", s.getCpuLimit() + "c");
        if (s.hasThreadLimit())
            p.put("thread_limit", Long.toUnsignedString(s.getThreadLimit()));
        if (s.hasMemoryLimit())
            p.put("memory_limit", Long.toUnsignedString(s.getMemoryLimit()));
        if (s.hasHostname())
            p.put("hostname", s.getHostname());
        if (s.hasPrivate())
            p.put("private", s.getPrivate());
        for (var e : s.getAllFields().entrySet())
            if (!HANDLED.contains(e.getKey().getName()))
                other(p, e.getKey(), e.getValue());
        return p;
    }

    /** Fields turned into properties above, each in its own way. */
    private static final java.util.Set<String> HANDLED = java.util.Set.of("name", "weak", "user", "group", "task_cred",
            "command", "command_argv", "env", "ulimit", "isolate", "virt_mode", "enable_porto", "aging_time", "root",
            "root_readonly", "bind", "cwd", "stdin_path", "stdout_path", "stderr_path", "stdout_limit", "umask", "respawn",
            "max_respawns", "cpu_limit", "thread_limit", "memory_limit", "hostname", "private");

    /**
     * Any other field as the text of the property of the same name: scalars as they print,
     * cpu amounts in cores, respawn_delay in nanoseconds, maps as "key: value; ...", lists joined
     * by ';'. A TStringMap or TUintMap with merge set changes only the keys it names. A field
     * whose property the daemon lacks is refused by the set, as an unknown property.
     */
    private static void other(Map<String, String> p, com.google.protobuf.Descriptors.FieldDescriptor f, Object value)
            throws PortoException {
        String name = f.getName();
        switch (value) {
            case Boolean b -> p.put(name, Boolean.toString(b));
            case Double d -> p.put(name, name.startsWith("cpu_") && !name.equals("cpu_weight") ? d + "c" : Double.toString(d));
            case Long l -> p.put(name, f.getType() == com.google.protobuf.Descriptors.FieldDescriptor.Type.UINT64
                    ? Long.toUnsignedString(l) + (name.equals("respawn_delay") ? "ns" : "") : Long.toString(l));
            case Integer i -> p.put(name, f.getType() == com.google.protobuf.Descriptors.FieldDescriptor.Type.UINT32
                    ? Integer.toUnsignedString(i) : Integer.toString(i));
            case String text -> p.put(name, text);
            case porto.rpc.Rpc.TStringMap m -> {
                Map<String, String> map = new LinkedHashMap<>();
                for (var e : m.getMapList())
                    map.put(e.getKey(), e.getVal());
                putMap(p, name, map, m.getMerge());
            }
            case porto.rpc.Rpc.TUintMap m -> {
                Map<String, String> map = new LinkedHashMap<>();
                for (var e : m.getMapList())
                    map.put(e.getKey(), Long.toUnsignedString(e.getVal()));
                putMap(p, name, map, m.getMerge());
            }
            case porto.rpc.Rpc.TCapabilities c -> p.put(name, c.hasHex() && c.getCapCount() == 0 ? c.getHex() : String.join(";", c.getCapList()));
            case porto.rpc.Rpc.TContainerControllers c -> p.put(name, String.join(";", c.getControllerList()));
            case porto.rpc.Rpc.TContainerEnv env -> {
                StringBuilder text = new StringBuilder();
                for (var v : env.getVarList())
                    text.append(text.length() > 0 ? "; " : "").append(v.getName()).append('=')
                            .append(v.getValue().replace("\\", "\\\\").replace(";", "\\;"));
                p.put(name, text.toString());
            }
            case porto.rpc.Rpc.TContainerDevices d -> {
                StringBuilder text = new StringBuilder();
                for (var dev : d.getDeviceList()) {
                    text.append(text.length() > 0 ? "; " : "").append(dev.getDevice()).append(' ').append(dev.getAccess());
                    for (String extra : new String[] {dev.getPath(), dev.getMode(), dev.getUser(), dev.getGroup()})
                        if (!extra.isEmpty())
                            text.append(' ').append(extra);
                }
                p.put(name, text.toString());
            }
            case porto.rpc.Rpc.TContainerCpuSet c -> p.put(name, c.hasList() ? c.getList()
                    : c.hasArg() ? c.getPolicy() + " " + c.getArg() : c.getPolicy());
            case porto.rpc.Rpc.TCred c -> {
                String prefix = name.equals("owner_cred") ? "owner_" : "";
                if (c.hasUser() || c.hasUid())
                    p.put(prefix + "user", c.hasUser() ? c.getUser() : Integer.toUnsignedString(c.getUid()));
                if (c.hasGroup() || c.hasGid())
                    p.put(prefix + "group", c.hasGroup() ? c.getGroup() : Integer.toUnsignedString(c.getGid()));
            }
            case com.google.protobuf.Message m -> {
                String text = SpecMessages.toText(m);
                if (text == null)
                    throw unsupportedField(name);
                p.put(name, text);
            }
            default -> throw unsupportedField(name);
        }
    }

    private static PortoException unsupportedField(String name) {
        return new PortoException(porto.domain.ErrorCode.NotSupported, "the spec field " + name + " is not supported by this portod yet");
    }

    private static void putMap(Map<String, String> p, String name, Map<String, String> map, boolean merge) {
        if (merge) {
            for (var e : map.entrySet())
                p.put(name + "[" + e.getKey() + "]", e.getValue());
        } else {
            StringBuilder text = new StringBuilder();
            for (var e : map.entrySet())
                text.append(text.length() > 0 ? "; " : "").append(e.getKey()).append(": ").append(e.getValue());
            p.put(name, text.toString());
        }
    }
}
