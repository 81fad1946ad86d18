package porto.cli;

import java.nio.file.Path;
import java.util.List;
import porto.client.PortoClientException;
import porto.rpc.Rpc;
import porto.rpc.Rpc.TContainerRequest;
import porto.rpc.Rpc.TContainerResponse;

/** {@code portoctl layer} and {@code portoctl storage}, with upstream's options and output. */
final class LayerCommands extends CommandGroup {
    static final String LAYER_USAGE = "[-P <place>] [-S <private>] -I|-M|-R|-L|-F|-E|-G <layer> [<tarball>]";
    static final String LAYER_HELP = "    -P <place>                             optional path to place\n"
            + "    -S <private>                           store layer private value while importing or separately\n"
            + "    -I <layer> <tarball>                   import layer from tarball (or a directory)\n"
            + "    -M <layer> <tarball>                   merge tarball into existing or new layer\n"
            + "    -R <layer> [layer...]                  remove layer from storage\n"
            + "    -F [days]                              remove all unused layers (unused for [days])\n"
            + "    -L                                     list present layers\n"
            + "    -E <volume|layer> <tarball>            export upper layer of a volume, or a layer, into tarball\n"
            + "    -c compression                         override compression (tar, tgz, txz, tzst)\n"
            + "    -G <layer>                             retrieve layer stored private value\n"
            + "    -v                                     be verbose\n";
    static final String STORAGE_USAGE = "[-P <place>] [-M] -L|-R|-F|-I|-E [meta/][storage] [archive]";
    static final String STORAGE_HELP = "    -P <place>               optional path to place\n"
            + "    -L                       list existing storages\n"
            + "    -R <storage>             remove storage\n"
            + "    -F [days]                remove all unused for [days]\n"
            + "    -S <private>             set private value\n"
            + "    -I <storage> <archive>   import storage from archive\n"
            + "    -E <storage> <archive>   export storage to archive\n"
            + "    -c <compression>         override compression\n"
            + "    -M                       meta storage\n"
            + "    -r                       resize\n"
            + "    -Q <space_limit>\n"
            + "    -q <inode_limit>\n";

    LayerCommands(Portoctl ctl) {
        super(ctl);
    }

    private static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    /** A long request (import, export) with a progress line on a terminal. */
    private TContainerResponse call(String prefix, TContainerRequest req, String what, java.util.function.LongSupplier bytes, long total) {
        Progress progress = Progress.start(what, bytes, total);
        try {
            return call(prefix, req);
        } finally {
            if (progress != null)
                progress.close();
        }
    }

    private TContainerResponse importing(String prefix, TContainerRequest req, String archive) {
        return call(prefix, req, "importing " + archive, Progress.readBy(archive), Progress.size(archive));
    }

    private TContainerResponse exporting(String prefix, TContainerRequest req, String archive) {
        return call(prefix, req, "exporting " + archive, Progress.sizeOf(archive), -1);
    }

    /** Sends a request; prints "prefix: Error (message)" and returns its code on failure. */
    private TContainerResponse call(String prefix, TContainerRequest req) {
        try {
            return client().call(req);
        } catch (PortoClientException e) {
            lastError = fail(prefix, e);
            return null;
        }
    }

    private int lastError;

    int layer(List<String> args) throws Getopt.UsageException {
        Getopt g = Portoctl.options(args, "P:IMRFLEGS:c:v", 0, false);
        String place = null;
        String privateValue = null;
        String compression = null;
        char action = 0;
        boolean verbose = false;
        for (Getopt.Opt o : g.options) {
            switch (o.key()) {
                case 'P' -> place = o.arg();
                case 'S' -> privateValue = o.arg();
                case 'c' -> compression = o.arg();
                case 'v' -> verbose = true;
                default -> action = o.key();
            }
        }
        List<String> rest = g.rest;
        if (action == 0 && privateValue != null)
            action = 'S';
        int need = switch (action) {
            case 'I', 'M', 'E' -> 2;
            case 'R', 'G', 'S' -> 1;
            case 'L', 'F' -> 0;
            default -> -1;
        };
        if (need < 0 || rest.size() < need)
            throw new Getopt.UsageException(null);
        switch (action) {
            case 'I', 'M' -> {
                var r = Rpc.TLayerImportRequest.newBuilder().setLayer(rest.get(0)).setTarball(absolute(rest.get(1)))
                        .setMerge(action == 'M');
                if (place != null)
                    r.setPlace(place);
                if (privateValue != null)
                    r.setPrivateValue(privateValue);
                if (compression != null)
                    r.setCompress(compression);
                return done(importing(action == 'M' ? "Can't merge layer" : "Can't import layer",
                        TContainerRequest.newBuilder().setImportLayer(r).build(), r.getTarball()));
            }
            case 'E' -> {
                var r = Rpc.TLayerExportRequest.newBuilder().setTarball(absolute(rest.get(1)));
                if (rest.get(0).startsWith("/"))
                    r.setVolume(rest.get(0));
                else
                    r.setVolume("").setLayer(rest.get(0));
                if (place != null)
                    r.setPlace(place);
                if (compression != null)
                    r.setCompress(compression);
                return done(exporting("Can't export layer", TContainerRequest.newBuilder().setExportLayer(r).build(), r.getTarball()));
            }
            case 'R' -> {
                int ret = Portoctl.EXIT_SUCCESS;
                for (String name : rest) {
                    var r = Rpc.TLayerRemoveRequest.newBuilder().setLayer(name);
                    if (place != null)
                        r.setPlace(place);
                    if (done(call("Can't remove layer", TContainerRequest.newBuilder().setRemoveLayer(r).build())) != 0)
                        ret = lastError;
                }
                return ret;
            }
            case 'G' -> {
                var r = Rpc.TLayerGetPrivateRequest.newBuilder().setLayer(rest.get(0));
                if (place != null)
                    r.setPlace(place);
                TContainerResponse rsp = call("Can't get layer private value", TContainerRequest.newBuilder().setGetlayerprivate(r).build());
                if (rsp == null)
                    return lastError;
                io.println(rsp.getLayerPrivate().getPrivateValue());
                return Portoctl.EXIT_SUCCESS;
            }
            case 'S' -> {
                var r = Rpc.TLayerSetPrivateRequest.newBuilder().setLayer(rest.get(0)).setPrivateValue(privateValue);
                if (place != null)
                    r.setPlace(place);
                return done(call("Can't set layer private value", TContainerRequest.newBuilder().setSetlayerprivate(r).build()));
            }
            default -> {
                return listOrFlush(action == 'F', place, rest, verbose);
            }
        }
    }

    private int done(TContainerResponse rsp) {
        return rsp == null ? lastError : Portoctl.EXIT_SUCCESS;
    }

    private static long days(List<String> rest) throws Getopt.UsageException {
        if (rest.isEmpty())
            return 0;
        try {
            return Long.parseLong(rest.get(0)) * 24 * 60 * 60;
        } catch (NumberFormatException e) {
            throw new Getopt.UsageException("portoctl: invalid number of days: " + rest.get(0));
        }
    }

    private int listOrFlush(boolean flush, String place, List<String> rest, boolean verbose) throws Getopt.UsageException {
        long age = flush ? days(rest) : 0;
        var r = Rpc.TLayerListRequest.newBuilder();
        if (place != null)
            r.setPlace(place);
        TContainerResponse rsp = call("Can't list layers", TContainerRequest.newBuilder().setListLayers(r).build());
        if (rsp == null)
            return lastError;
        int ret = Portoctl.EXIT_SUCCESS;
        for (Rpc.TLayerDescription l : rsp.getLayers().getLayersList()) {
            if (flush) {
                if (l.getLastUsage() < age)
                    continue;
                if (verbose)
                    io.println("remove " + l.getName());
                var rm = Rpc.TLayerRemoveRequest.newBuilder().setLayer(l.getName());
                if (place != null)
                    rm.setPlace(place);
                if (done(call("Cannot remove layer", TContainerRequest.newBuilder().setRemoveLayer(rm).build())) != 0)
                    ret = lastError;
                continue;
            }
            io.println(l.getName());
            if (!verbose)
                continue;
            if (!l.getOwnerUser().isEmpty())
                io.println("\towner\t" + l.getOwnerUser() + ":" + l.getOwnerGroup());
            if (l.getLastUsage() != 0)
                io.println("\tused\t" + Format.duration(l.getLastUsage() * 1000) + " ago");
            if (!l.getPrivateValue().isEmpty())
                io.println("\tprivate\t" + l.getPrivateValue());
            io.println("");
        }
        return ret;
    }

    int storage(List<String> args) throws Getopt.UsageException {
        Getopt g = Portoctl.options(args, "P:S:RLFIEMrc:q:Q:", 0, false);
        String place = null;
        String privateValue = null;
        String compression = null;
        boolean meta = false;
        boolean resize = false;
        Long space = null;
        Long inodes = null;
        char action = 0;
        for (Getopt.Opt o : g.options) {
            switch (o.key()) {
                case 'P' -> place = o.arg();
                case 'S' -> privateValue = o.arg();
                case 'c' -> compression = o.arg();
                case 'M' -> meta = true;
                case 'r' -> resize = true;
                case 'Q' -> space = size(o.arg());
                case 'q' -> inodes = size(o.arg());
                default -> action = o.key();
            }
        }
        List<String> rest = g.rest;
        if (action == 'F') {
            return flushStorage(place, days(rest));
        } else if (action == 'L') {
            return listStorage(place);
        } else if (action == 'I' || action == 'E') {
            if (rest.size() < 2)
                throw new Getopt.UsageException(null);
            TContainerRequest.Builder req = TContainerRequest.newBuilder();
            if (action == 'I') {
                var r = Rpc.TStorageImportRequest.newBuilder().setName(rest.get(0)).setTarball(absolute(rest.get(1)));
                if (place != null)
                    r.setPlace(place);
                if (compression != null)
                    r.setCompress(compression);
                if (privateValue != null)
                    r.setPrivateValue(privateValue);
                req.setImportStorage(r);
            } else {
                var r = Rpc.TStorageExportRequest.newBuilder().setName(rest.get(0)).setTarball(absolute(rest.get(1)));
                if (place != null)
                    r.setPlace(place);
                if (compression != null)
                    r.setCompress(compression);
                req.setExportStorage(r);
            }
            String archive = absolute(rest.get(1));
            return done(action == 'I' ? importing("Cannot import storage", req.build(), archive)
                    : exporting("Cannot export storage", req.build(), archive));
        } else if (meta) {
            if (rest.isEmpty())
                throw new Getopt.UsageException(null);
            var s = Rpc.TMetaStorage.newBuilder().setName(rest.get(0));
            if (place != null)
                s.setPlace(place);
            if (privateValue != null)
                s.setPrivateValue(privateValue);
            if (space != null)
                s.setSpaceLimit(space);
            if (inodes != null)
                s.setInodeLimit(inodes);
            TContainerRequest.Builder req = TContainerRequest.newBuilder();
            if (action == 'R')
                req.setRemoveMetaStorage(s);
            else if (resize)
                req.setResizeMetaStorage(s);
            else
                req.setCreateMetaStorage(s);
            return done(call("Can't " + (action == 'R' ? "remove" : resize ? "resize" : "create") + " meta storage", req.build()));
        } else if (action == 'R') {
            if (rest.isEmpty())
                throw new Getopt.UsageException(null);
            var r = Rpc.TStorageRemoveRequest.newBuilder().setName(rest.get(0));
            if (place != null)
                r.setPlace(place);
            return done(call("Cannot remove storage", TContainerRequest.newBuilder().setRemoveStorage(r).build()));
        }
        throw new Getopt.UsageException(null);
    }

    private static long size(String text) throws Getopt.UsageException {
        String t = text.trim().toUpperCase();
        long unit = 1;
        int cut = t.length();
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G") || t.endsWith("T")) {
            unit = 1L << (10 * ("KMGT".indexOf(t.charAt(t.length() - 1)) + 1));
            cut--;
        }
        try {
            return Long.parseLong(t.substring(0, cut)) * unit;
        } catch (NumberFormatException e) {
            throw new Getopt.UsageException("portoctl: invalid size: " + text);
        }
    }

    private Rpc.TStorageListResponse storageList(String place) {
        var r = Rpc.TStorageListRequest.newBuilder();
        if (place != null)
            r.setPlace(place);
        TContainerResponse rsp = call("Cannot list storage paths", TContainerRequest.newBuilder().setListStorage(r).build());
        return rsp == null ? null : rsp.getStorageList();
    }

    private int listStorage(String place) {
        Rpc.TStorageListResponse list = storageList(place);
        if (list == null)
            return lastError;
        for (Rpc.TMetaStorage s : list.getMetaStoragesList()) {
            io.println("meta " + s.getName());
            io.println("\towner\t" + s.getOwnerUser() + ":" + s.getOwnerGroup());
            io.println("\tusage\t" + Format.duration(s.getLastUsage() * 1000) + " ago");
            if (!s.getPrivateValue().isEmpty())
                io.println("\tprivate\t" + s.getPrivateValue());
            io.println("\tspace_limit\t" + Format.size(s.getSpaceLimit()));
            io.println("\tinode_limit\t" + s.getInodeLimit());
            io.println("");
        }
        for (Rpc.TStorageDescription s : list.getStoragesList()) {
            io.println(s.getName());
            io.println("\towner\t" + s.getOwnerUser() + ":" + s.getOwnerGroup());
            io.println("\tusage\t" + Format.duration(s.getLastUsage() * 1000) + " ago");
            if (!s.getPrivateValue().isEmpty())
                io.println("\tprivate\t" + s.getPrivateValue());
            io.println("");
        }
        return Portoctl.EXIT_SUCCESS;
    }

    private int flushStorage(String place, long age) {
        Rpc.TStorageListResponse list = storageList(place);
        if (list == null)
            return lastError;
        int ret = Portoctl.EXIT_SUCCESS;
        for (Rpc.TStorageDescription s : list.getStoragesList()) {
            if (s.getLastUsage() < age)
                continue;
            io.println("remove " + s.getName());
            var r = Rpc.TStorageRemoveRequest.newBuilder().setName(s.getName());
            if (place != null)
                r.setPlace(place);
            if (done(call("Cannot remove storage", TContainerRequest.newBuilder().setRemoveStorage(r).build())) != 0)
                ret = lastError;
        }
        return ret;
    }
}
