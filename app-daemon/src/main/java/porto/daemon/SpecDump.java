package porto.daemon;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import porto.domain.Binds;
import porto.domain.Caller;
import porto.domain.CommandLine;
import porto.domain.ContainerService;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.Result;
import porto.domain.Ulimits;
import porto.domain.Values;
import porto.rpc.Rpc;
import porto.rpc.Rpc.TContainer;
import porto.rpc.Rpc.TContainerSpec;
import porto.rpc.Rpc.TContainerStatus;

/**
 * A container as ListContainersBy shows it: its settable properties as a {@link TContainerSpec},
 * its read-only ones as a {@link TContainerStatus}. Each field is filled from the property of the
 * same name (a few status fields from another: {@link #SOURCES}), read with the client's rights;
 * a property that has no value now (root_pid of a stopped container) leaves its field unset, as
 * upstream's dump does. Fields whose property this daemon lacks stay unset.
 */
final class SpecDump {
    /** An env_secret item as the property shows it: "NAME=<secret salt=S md5=H>". */
    private static final java.util.regex.Pattern SECRET =
            java.util.regex.Pattern.compile("\\s*([^=]+)=<secret salt=(\\S+) md5=(\\S+)>\\s*");

    private SpecDump() {}

    /** Status fields read from a property of another name. */
    private static final Map<String, String> SOURCES = Map.of("dead_time", "time[dead]");
    /** Read only when asked for by name: output can be large. */
    private static final Set<String> ON_REQUEST = Set.of("stdout", "stderr");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Stream options: offset and length of stdout/stderr, or null for all of it. */
    record Stream(long offset, long limit) {
        String key() {
            return "[" + offset + ":" + limit + "]";
        }
    }

    static TContainer dump(ContainerService service, Caller who, String absolute, String shown, List<String> only,
                           Stream stdout, Stream stderr) {
        TContainer.Builder out = TContainer.newBuilder();
        TContainerSpec.Builder spec = out.getSpecBuilder().setName(shown);
        TContainerStatus.Builder status = out.getStatusBuilder();
        Map<String, FieldDescriptor> fields = new LinkedHashMap<>();
        Map<String, Message.Builder> targets = new LinkedHashMap<>();
        for (Descriptor d : List.of(TContainerSpec.getDescriptor(), TContainerStatus.getDescriptor())) {
            Message.Builder target = d == TContainerSpec.getDescriptor() ? spec : status;
            for (FieldDescriptor f : d.getFields()) {
                if (f.getName().equals("name") || fields.containsKey(f.getName()))
                    continue;
                fields.put(f.getName(), f);
                targets.put(f.getName(), target);
            }
        }
        List<String> wanted = new ArrayList<>();
        if (only.isEmpty()) {
            for (String name : fields.keySet())
                if (!ON_REQUEST.contains(name) && (SOURCES.containsKey(name) || service.properties().find(name) != null))
                    wanted.add(name);
        } else {
            for (String name : only) {
                if (fields.containsKey(name)) {
                    wanted.add(name);
                } else {
                    status.addErrorBuilder().setError(Rpc.EError.InvalidProperty).setMsg("unknown property " + name);
                }
            }
        }
        List<String> properties = new ArrayList<>();
        for (String name : wanted) {
            String source = SOURCES.getOrDefault(name, name);
            if (name.equals("stdout") && stdout != null)
                source = "stdout" + stdout.key();
            if (name.equals("stderr") && stderr != null)
                source = "stderr" + stderr.key();
            properties.add(source);
        }
        Map<String, Result> values = service.getMany(who, List.of(absolute), properties).get(absolute);
        for (int i = 0; i < wanted.size(); i++) {
            Result r = values.get(properties.get(i));
            if (r == null || r.error() != null)
                continue;
            String name = wanted.get(i);
            try {
                set(targets.get(name), fields.get(name), r.value());
            } catch (PortoException | RuntimeException e) {
                status.addErrorBuilder().setError(Rpc.EError.InvalidValue).setMsg(name + ": cannot show '" + r.value() + "': " + e.getMessage());
            }
        }
        if (status.getAllFields().isEmpty())
            out.clearStatus();
        return out.build();
    }

    /** Puts a property's text into its field. */
    private static void set(Message.Builder target, FieldDescriptor f, String text) throws PortoException {
        if (f.getType() == FieldDescriptor.Type.MESSAGE) {
            Message m = message(target.newBuilderForField(f), f.getName(), text);
            if (m != null)
                target.setField(f, m);
            return;
        }
        if (f.isRepeated())
            return;
        Object v = scalar(f, text);
        if (v != null)
            target.setField(f, v);
    }

    private static Object scalar(FieldDescriptor f, String text) throws PortoException {
        String t = text.trim();
        return switch (f.getJavaType()) {
            case BOOLEAN -> Values.parseBool(t);
            case STRING -> text;
            case DOUBLE -> t.isEmpty() ? null : Double.parseDouble(t.endsWith("c") ? t.substring(0, t.length() - 1) : t);
            case LONG -> t.isEmpty() ? null : number(f.getName(), t);
            case INT -> t.isEmpty() ? null : (int) number(f.getName(), t);
            default -> null;
        };
    }

    private static long number(String field, String t) throws PortoException {
        if (field.equals("umask"))
            return Long.parseLong(t, 8);
        if (field.endsWith("_time") && t.contains("-"))
            return LocalDateTime.parse(t, TIME).atZone(ZoneId.systemDefault()).toEpochSecond();
        if (t.endsWith("ns"))
            t = t.substring(0, t.length() - 2);
        try {
            return t.startsWith("-") ? Long.parseLong(t) : Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            return Values.parseSize(t);
        }
    }

    /** The message form of a property's text, or null when this field has none. */
    private static Message message(Message.Builder b, String field, String text) throws PortoException {
        return switch (b) {
            case Rpc.TStringMap.Builder m -> {
                for (var e : Values.parseMap(text, false).entrySet())
                    m.addMapBuilder().setKey(e.getKey()).setVal(e.getValue());
                yield m.build();
            }
            case Rpc.TUintMap.Builder m -> {
                for (var e : Values.parseMap(text, false).entrySet())
                    m.addMapBuilder().setKey(e.getKey()).setVal(number(field, e.getValue().trim())); // 2^64-1 too (net_snmp)
                yield m.build();
            }
            case Rpc.TContainerCommandArgv.Builder m -> m.addAllArgv(CommandLine.splitArgv(text)).build();
            case Rpc.TContainerEnv.Builder m -> {
                if (field.equals("env_secret")) {
                    // "NAME=<secret salt=S md5=H>": the name, salt and hash, never the value.
                    for (String item : Values.splitList(text, ';')) {
                        var v = SECRET.matcher(item);
                        if (v.matches())
                            m.addVarBuilder().setName(v.group(1)).setSalt(v.group(2)).setHash(v.group(3));
                    }
                } else {
                    for (var e : Values.parseMap(text, true).entrySet())
                        m.addVarBuilder().setName(e.getKey()).setValue(e.getValue());
                }
                yield m.build();
            }
            case Rpc.TContainerUlimits.Builder m -> {
                for (var e : Ulimits.parse(text).entrySet()) {
                    var u = m.addUlimitBuilder().setType(e.getKey());
                    long soft = e.getValue().soft(), hard = e.getValue().hard();
                    if (soft == Ulimits.UNLIMITED && hard == Ulimits.UNLIMITED)
                        u.setUnlimited(true);
                    else
                        u.setSoft(soft).setHard(hard);
                }
                yield m.build();
            }
            case Rpc.TCapabilities.Builder m -> {
                for (String cap : text.split(";"))
                    if (!cap.isBlank())
                        m.addCap(cap.trim());
                yield m.build();
            }
            case Rpc.TContainerControllers.Builder m -> {
                for (String c : text.split(";"))
                    if (!c.isBlank())
                        m.addController(c.trim());
                yield m.build();
            }
            case Rpc.TContainerCgroups.Builder m -> {
                for (var e : Values.parseMap(text, false).entrySet())
                    m.addCgroupBuilder().setController(e.getKey()).setPath(e.getValue());
                yield m.build();
            }
            case Rpc.TContainerBindMounts.Builder m -> {
                for (Binds.Bind bind : Binds.parse(text)) {
                    var one = m.addBindBuilder().setSource(bind.source()).setTarget(bind.target());
                    if (bind.readOnly())
                        one.addFlag("ro");
                }
                yield m.build();
            }
            case Rpc.TContainerCpuSet.Builder m -> cpuSet(m, text);
            case Rpc.TContainerDevices.Builder m -> {
                for (String d : Values.splitList(text, ';')) {
                    String[] w = d.trim().split("\\s+");
                    if (w.length < 2)
                        continue;
                    var dev = m.addDeviceBuilder().setDevice(w[0]).setAccess(w[1]);
                    if (w.length > 2)
                        dev.setPath(w[2]);
                    if (w.length > 3)
                        dev.setMode(w[3]);
                    if (w.length > 4)
                        dev.setUser(w[4]);
                    if (w.length > 5)
                        dev.setGroup(w[5]);
                }
                yield m.build();
            }
            case Rpc.TVmStat.Builder m -> {
                for (var e : Values.parseMap(text, false).entrySet()) {
                    FieldDescriptor f = m.getDescriptorForType().findFieldByName(e.getKey());
                    if (f != null)
                        m.setField(f, Long.parseLong(e.getValue().trim()));
                }
                yield m.build();
            }
            case Rpc.TError.Builder m -> text.isEmpty() ? null : startError(m, text);
            default -> SpecMessages.fromText(b, text);
        };
    }

    /** "N-M,K" is a list of cpus; "node N", "cores N", ... a policy with its argument. */
    private static Message cpuSet(Rpc.TContainerCpuSet.Builder m, String text) {
        String t = text.trim();
        String[] w = t.split("\\s+");
        if (t.isEmpty())
            return null;
        if (w.length == 2 && w[1].matches("[0-9]+"))
            return m.setPolicy(w[0]).setArg(Integer.parseInt(w[1])).build();
        if (t.matches("[0-9,\\-]+"))
            return m.setPolicy("set").setList(t).build();
        return m.setPolicy(t).build();
    }

    /** start_error's text is "ErrorName: message" (empty when the last start succeeded). */
    private static Message startError(Rpc.TError.Builder m, String text) {
        int colon = text.indexOf(':');
        String name = colon > 0 ? text.substring(0, colon).trim() : ErrorCode.Unknown.name();
        Rpc.EError code;
        try {
            code = Rpc.EError.valueOf(name);
        } catch (IllegalArgumentException e) {
            code = Rpc.EError.Unknown;
        }
        return m.setError(code).setMsg(colon > 0 ? text.substring(colon + 1).trim() : text).build();
    }
}
