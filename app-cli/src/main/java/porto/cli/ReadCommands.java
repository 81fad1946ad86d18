package porto.cli;

import static porto.cli.Portoctl.EXIT_FAILURE;
import static porto.cli.Portoctl.EXIT_SUCCESS;
import static porto.cli.Portoctl.humanGetValue;
import static porto.cli.Portoctl.options;
import static porto.cli.Portoctl.valueLine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import porto.client.GetOption;
import porto.client.PortoClientException;
import porto.client.PropertyDescription;
import porto.client.ValueOrError;
import porto.rpc.Rpc;
import porto.rpc.Rpc.EError;

/** The commands that read containers and print what they found: get, pget, dget and list. */
final class ReadCommands extends CommandGroup {
    ReadCommands(Portoctl ctl) {
        super(ctl);
    }

    /** pget and dget: raw values, one per line, or {@code key = value} with -k. */
    int rawGet(List<String> args, int need, boolean data) throws Getopt.UsageException {
        Getopt g = options(args, "ks", need, false);
        boolean printKey = false;
        boolean sync = false;
        for (Getopt.Opt o : g.options) {
            if (o.key() == 'k') {
                printKey = true;
            } else {
                sync = true;
            }
        }
        GetOption[] flags = sync ? new GetOption[] {GetOption.SYNC} : new GetOption[0];
        String name = g.rest.get(0);
        for (String key : g.rest.subList(1, g.rest.size())) {
            String value;
            try {
                value = data ? client().getData(name, key, flags) : client().getProperty(name, key, flags);
            } catch (PortoClientException e) {
                return fail(data ? "Can't get data" : "Can't get property", e);
            }
            io.print(valueLine(printKey ? key : null, value));
        }
        return EXIT_SUCCESS;
    }

    // ------------------------------------------------------------------ get

    int get(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "nsr", need, true);
        List<GetOption> flags = new ArrayList<>(3);
        for (Getopt.Opt o : g.options) {
            flags.add(o.key() == 'n' ? GetOption.NONBLOCK : o.key() == 's' ? GetOption.SYNC : GetOption.REAL);
        }
        List<String> rest = g.rest;
        int sep = rest.indexOf("--");
        List<String> names;
        List<String> vars;
        if (sep == 0) {
            names = List.of("***");
            vars = rest.subList(1, rest.size());
        } else if (sep > 0) {
            names = rest.subList(0, sep);
            vars = rest.subList(sep + 1, rest.size());
        } else {
            names = rest.subList(0, 1);
            vars = rest.subList(1, rest.size());
        }

        boolean all = vars.isEmpty();
        boolean printKey = all || vars.size() > 1;
        if (all) {
            List<PropertyDescription> props;
            try {
                props = ctl.allProperties();
            } catch (PortoClientException e) {
                io.error(Format.error("Can't list properties", e));
                return EXIT_FAILURE;
            }
            List<String> list = new ArrayList<>(props.size());
            for (PropertyDescription p : props) {
                list.add(p.name());
            }
            Collections.sort(list);
            vars = list;
        }

        Map<String, Map<String, ValueOrError>> result;
        try {
            result = client().get(names, vars, flags.toArray(new GetOption[0]));
        } catch (PortoClientException e) {
            return fail("Can't get containers' data", e);
        }
        List<String> containers = new ArrayList<>(result.keySet());
        Collections.sort(containers);
        boolean multi = containers.size() > 1;
        int status = EXIT_SUCCESS;
        for (String ct : containers) {
            Map<String, ValueOrError> data = result.get(ct);
            if (multi) {
                io.println(ct + ":");
            }
            for (String key : vars) {
                ValueOrError v = data.get(key);
                if (v != null && v.isError()) {
                    if (!all || key.equals("state")) {
                        io.error(Format.error("Can't get " + key,
                                new PortoClientException(v.code(), v.errorMessage())));
                        status = EXIT_FAILURE;
                    }
                    continue;
                }
                String value = v == null ? "" : v.value();
                if (value.isEmpty() && all) {
                    continue;
                }
                value = humanGetValue(key, value, all);
                io.print(valueLine(printKey ? key : null, value));
            }
            if (multi) {
                io.println("");
            }
        }
        return status;
    }

    // ------------------------------------------------------------------ list

    int list(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "1ftrL:", need, false);
        boolean details = true;
        boolean forest = false;
        boolean toplevel = false;
        boolean running = false;
        String label = null;
        for (Getopt.Opt o : g.options) {
            switch (o.key()) {
                case '1' -> details = false;
                case 'L' -> label = o.arg();
                case 'f' -> forest = true;
                case 't' -> toplevel = true;
                default -> running = true;
            }
        }
        String mask = g.rest.isEmpty() ? null : g.rest.get(0);
        List<String> names;
        try {
            names = label == null ? client().list(mask) : withLabel(label);
        } catch (PortoClientException e) {
            return fail("Can't list containers", e);
        }
        if (names.isEmpty()) {
            return EXIT_SUCCESS;
        }
        List<String> display = new ArrayList<>(names.size());
        for (String n : names) {
            display.add(forest ? Format.forestName(n) : n);
        }
        Map<String, Map<String, ValueOrError>> result;
        try {
            result = client().get(names, List.of("state", "time"));
        } catch (PortoClientException e) {
            return fail("Can't get containers' data", e);
        }
        int nameWidth = Format.fieldWidth(display, 8);
        for (int i = 0; i < names.size(); i++) {
            String ct = names.get(i);
            if (ct.equals("/")) {
                continue;
            }
            Map<String, ValueOrError> data = result.get(ct);
            ValueOrError state = data == null ? null : data.get("state");
            if (state == null) {
                state = ValueOrError.ofValue("");
            }
            if (state.code() == EError.ContainerDoesNotExist_VALUE) {
                continue;
            }
            if (toplevel && ct.indexOf('/') >= 0) {
                continue;
            }
            String stateValue = state.isError() ? "" : state.value();
            if (running && !stateValue.equals("running")) {
                continue;
            }
            if (!details) {
                io.println(display.get(i));
                continue;
            }
            String stateText = state.code() == EError.Busy_VALUE ? "busy"
                    : state.isError() ? state.errorMessage() : stateValue;
            ValueOrError time = data == null ? null : data.get("time");
            String timeText = null;
            boolean showTime = stateValue.equals("running") || stateValue.equals("meta")
                    || stateValue.equals("dead");
            if (showTime && time != null && !time.isError()) {
                timeText = Format.humanValue("time", time.value());
            }
            io.println(Format.listLine(display.get(i), nameWidth, stateText, timeText));
        }
        return EXIT_SUCCESS;
    }

    /**
     * {@code list -L label[=value]}: the containers the daemon's FindLabel names, as upstream's
     * portoctl asks it (a pattern is then not used).
     */
    private List<String> withLabel(String label) {
        int sep = label.indexOf('=');
        Rpc.TFindLabelRequest.Builder find = Rpc.TFindLabelRequest.newBuilder()
                .setLabel(sep < 0 ? label : label.substring(0, sep));
        if (sep >= 0) {
            find.setValue(label.substring(sep + 1));
        }
        Rpc.TContainerResponse rsp = client().call(Rpc.TContainerRequest.newBuilder().setFindLabel(find).build());
        List<String> names = new ArrayList<>();
        for (Rpc.TFindLabelResponse.TFindLabelEntry e : rsp.getFindLabel().getListList()) {
            names.add(e.getName());
        }
        return names;
    }
}
