package porto.cli;

import static porto.cli.Portoctl.EXIT_FAILURE;
import static porto.cli.Portoctl.EXIT_SUCCESS;
import static porto.cli.Portoctl.options;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import porto.client.PortoClientException;
import porto.rpc.Rpc;

/** vcreate, vlink, vunlink, vlist and vtune, with upstream portoctl's arguments and output. */
final class VolumeCommands extends CommandGroup {
    VolumeCommands(Portoctl ctl) {
        super(ctl);
    }

    static final String[][] COMMANDS = {
        {"vcreate", "1", "-A|<path> [property=value...]", "create volume", "    -A        choose path automatically\n"},
        {"vlink", "1", "[-R] <path> [container] [target] [ro|rw]", "link volume to container", "default container - self\n"},
        {"vlist", "0", "[-1|-i|-v] [-c <ct>] [volume]...", "list volumes",
            "    -1        list only paths\n"
            + "    -i        list inode information\n"
            + "    -v        list all properties\n"
            + "    -c <ct>   list volumes linked to container\n"},
        {"vtune", "1", "<path> [property=value...]", "tune volume", ""},
        {"vunlink", "1", "[-A] [-S] <path> [<container>|self|***] [<target>|***]", "unlink volume from container",
            "    -A        unlink from all containers, same as ***\n"
            + "    -S        strict unlink with non-lazy umount\n"
            + "default container - current, *** - unlink from all containers\n"
            + "default target - *** - unlink all targets\n"
            + "removing last link destroys volume\n"},
    };

    private static String normal(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    private static List<Rpc.TVolumeProperty> properties(List<String> words) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            map.put(eq < 0 ? w : w.substring(0, eq), eq < 0 ? "" : w.substring(eq + 1));
        }
        List<Rpc.TVolumeProperty> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(Rpc.TVolumeProperty.newBuilder().setName(k).setValue(v).build()));
        return out;
    }

    int create(List<String> args) {
        String path = args.get(0).equals("-A") ? "" : normal(args.get(0));
        var req = Rpc.TVolumeCreateRequest.newBuilder().addAllProperties(properties(args.subList(1, args.size())));
        if (!path.isEmpty())
            req.setPath(path);
        try {
            var rsp = client().call(Rpc.TContainerRequest.newBuilder().setCreateVolume(req).build());
            if (path.isEmpty())
                io.println(rsp.getVolumeDescription().getPath());
            return EXIT_SUCCESS;
        } catch (PortoClientException e) {
            return fail("Can't create volume", e);
        }
    }

    int link(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "R", need, false);
        List<String> a = g.rest;
        var req = Rpc.TVolumeLinkRequest.newBuilder().setPath(normal(a.get(0)))
                .setContainer(a.size() > 1 ? a.get(1) : "").setTarget(a.size() > 2 ? a.get(2) : "")
                .setReadOnly(a.size() > 3 && a.get(3).equals("ro"))
                .setRequired(g.options.stream().anyMatch(o -> o.key() == 'R'));
        try {
            client().call(Rpc.TContainerRequest.newBuilder().setLinkVolumeTarget(req).build());
            return EXIT_SUCCESS;
        } catch (PortoClientException e) {
            return fail("Can't link volume", e);
        }
    }

    int unlink(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "AS", need, false);
        boolean all = g.options.stream().anyMatch(o -> o.key() == 'A');
        boolean strict = g.options.stream().anyMatch(o -> o.key() == 'S');
        List<String> a = g.rest;
        var req = Rpc.TVolumeUnlinkRequest.newBuilder().setPath(normal(a.get(0)))
                .setContainer(a.size() > 1 ? a.get(1) : all ? "***" : "")
                .setTarget(a.size() > 2 ? a.get(2) : "***").setStrict(strict);
        try {
            client().call(Rpc.TContainerRequest.newBuilder().setUnlinkVolumeTarget(req).build());
            return EXIT_SUCCESS;
        } catch (PortoClientException e) {
            return fail("Cannot unlink volume", e);
        }
    }

    int tune(List<String> args) {
        var req = Rpc.TVolumeTuneRequest.newBuilder().setPath(normal(args.get(0)))
                .addAllProperties(properties(args.subList(1, args.size())));
        try {
            client().call(Rpc.TContainerRequest.newBuilder().setTuneVolume(req).build());
            return EXIT_SUCCESS;
        } catch (PortoClientException e) {
            return fail("Cannot tune volume", e);
        }
    }

    int list(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "1ivc:", need, false);
        boolean details = true;
        boolean verbose = false;
        boolean inodes = false;
        String container = "";
        for (Getopt.Opt o : g.options) {
            switch (o.key()) {
                case '1' -> details = false;
                case 'i' -> inodes = true;
                case 'v' -> {
                    verbose = true;
                    details = false;
                }
                default -> container = o.arg();
            }
        }
        VolumeTable table = new VolumeTable(io, details, verbose, inodes);
        if (details)
            table.header();
        if (g.rest.isEmpty()) {
            try {
                var req = Rpc.TVolumeListRequest.newBuilder();
                if (!container.isEmpty())
                    req.setContainer(container);
                for (var v : client().call(Rpc.TContainerRequest.newBuilder().setListVolumes(req).build()).getVolumeList().getVolumesList())
                    table.show(v);
            } catch (PortoClientException e) {
                return fail("Can't list volumes", e);
            }
            return EXIT_SUCCESS;
        }
        int errors = 0;
        for (String arg : g.rest) {
            try {
                var req = Rpc.TVolumeListRequest.newBuilder().setPath(normal(arg));
                for (var v : client().call(Rpc.TContainerRequest.newBuilder().setListVolumes(req).build()).getVolumeList().getVolumesList())
                    table.show(v);
            } catch (PortoClientException e) {
                fail(arg, e);
                errors++;
            }
        }
        return errors > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
    }

    /** Properties of a description by name, sorted as upstream's map prints them. */
    static Map<String, String> props(Rpc.TVolumeDescription v) {
        Map<String, String> m = new TreeMap<>();
        for (var p : v.getPropertiesList())
            m.put(p.getName(), p.getValue());
        return m;
    }
}
