package porto.domain.volume;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A volume as a store record, and back: everything needed to find, tear down or keep it after a restart. */
final class VolumeRecords {
    private VolumeRecords() {}

    static final String PREFIX = "volume-";

    static String key(Volume v) {
        return PREFIX + v.id;
    }

    static Map<String, String> toRecord(Volume v) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", v.id);
        r.put("path", v.path);
        r.put("auto_path", Boolean.toString(v.autoPath));
        r.put("place", v.place);
        r.put("backend", v.backend.text());
        r.put("storage", v.storage);
        r.put("storage_path", v.storagePath == null ? "" : v.storagePath);
        r.put("keep_storage", Boolean.toString(v.keepStorage));
        r.put("layers", String.join("\n", v.layers));
        r.put("read_only", Boolean.toString(v.readOnly));
        r.put("uid", Integer.toString(v.uid));
        r.put("gid", Integer.toString(v.gid));
        r.put("permissions", Integer.toString(v.permissions));
        r.put("owner_uid", Integer.toString(v.ownerUid));
        r.put("owner_gid", Integer.toString(v.ownerGid));
        r.put("owner_container", v.ownerContainer);
        r.put("creator", v.creator);
        r.put("private", v.privateValue);
        r.put("space_limit", Long.toString(v.spaceLimit));
        r.put("inode_limit", Long.toString(v.inodeLimit));
        r.put("space_guarantee", Long.toString(v.spaceGuarantee));
        r.put("inode_guarantee", Long.toString(v.inodeGuarantee));
        r.put("loop_device", v.loopDevice);
        r.put("build_time", Long.toString(v.buildTime));
        r.put("change_time", Long.toString(v.changeTime));
        r.put("state", v.state.name());
        List<String> links = new ArrayList<>();
        for (VolumeLink l : v.links)
            links.add(String.join("\t", l.container(), l.target(), Boolean.toString(l.readOnly()),
                    Boolean.toString(l.required()), l.hostTarget()));
        r.put("links", String.join("\n", links));
        return r;
    }

    /** The volume of a record; null when the record is damaged. */
    static Volume fromRecord(Map<String, String> r) {
        try {
            Volume v = new Volume(r.get("id"));
            v.path = r.get("path");
            v.autoPath = Boolean.parseBoolean(r.get("auto_path"));
            v.place = r.get("place");
            v.backend = Backend.valueOf(r.get("backend").toUpperCase(java.util.Locale.ROOT));
            v.storage = r.getOrDefault("storage", "");
            v.storagePath = r.getOrDefault("storage_path", "");
            v.keepStorage = Boolean.parseBoolean(r.get("keep_storage"));
            v.layers = lines(r.get("layers"));
            v.readOnly = Boolean.parseBoolean(r.get("read_only"));
            v.uid = Integer.parseInt(r.get("uid"));
            v.gid = Integer.parseInt(r.get("gid"));
            v.permissions = Integer.parseInt(r.get("permissions"));
            v.ownerUid = Integer.parseInt(r.get("owner_uid"));
            v.ownerGid = Integer.parseInt(r.get("owner_gid"));
            v.ownerContainer = r.getOrDefault("owner_container", "/");
            v.creator = r.getOrDefault("creator", "");
            v.privateValue = r.getOrDefault("private", "");
            v.spaceLimit = Long.parseLong(r.get("space_limit"));
            v.inodeLimit = Long.parseLong(r.get("inode_limit"));
            v.spaceGuarantee = Long.parseLong(r.get("space_guarantee"));
            v.inodeGuarantee = Long.parseLong(r.get("inode_guarantee"));
            v.loopDevice = r.getOrDefault("loop_device", "");
            v.buildTime = Long.parseLong(r.getOrDefault("build_time", "0"));
            v.changeTime = Long.parseLong(r.getOrDefault("change_time", "0"));
            v.state = Volume.State.valueOf(r.get("state"));
            for (String line : lines(r.get("links"))) {
                String[] f = line.split("\t", -1);
                v.links.add(new VolumeLink(f[0], f[1], Boolean.parseBoolean(f[2]), Boolean.parseBoolean(f[3]), f[4]));
            }
            if (v.id == null || v.path == null || v.place == null)
                return null;
            return v;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text != null && !text.isEmpty())
            for (String s : text.split("\n"))
                out.add(s);
        return out;
    }
}
