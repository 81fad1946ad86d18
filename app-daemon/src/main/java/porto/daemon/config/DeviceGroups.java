package porto.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Network device group names, as ip(8) knows them: lines "number name" of /etc/iproute2/group, or of
 * /usr/share/iproute2/group where newer iproute2 keeps its defaults; '#' starts a comment. Group 0 is
 * "default" even without a file. unmanaged_group takes a name of these tables or a number.
 */
public final class DeviceGroups {
    /** Where ip(8) looks; an entry of the first file wins over the same name in the second. */
    public static final List<Path> HOST_FILES = List.of(Path.of("/etc/iproute2/group"), Path.of("/usr/share/iproute2/group"));

    private final Map<String, Integer> byName;

    private DeviceGroups(Map<String, Integer> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** The host's table. */
    public static DeviceGroups host() throws ConfigException {
        return read(HOST_FILES);
    }

    /** The table of these files (missing ones are skipped). */
    public static DeviceGroups read(List<Path> files) throws ConfigException {
        Map<String, Integer> names = new HashMap<>();
        names.put("default", 0);
        for (Path file : files.reversed()) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new ConfigException("cannot read " + file + ": " + e.getMessage());
            }
            for (String line : lines) {
                int hash = line.indexOf('#');
                String[] words = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
                if (words.length < 2)
                    continue;
                Optional<Integer> id = number(words[0]);
                id.ifPresent(n -> names.put(words[1], n)); // a malformed line is skipped, as ip(8) does
            }
        }
        return new DeviceGroups(names);
    }

    /** The number of a group given by name or number, or empty when this table does not know the name. */
    public Optional<Integer> resolve(String group) {
        Integer id = byName.get(group);
        return id != null ? Optional.of(id) : number(group);
    }

    /** Every group of the list as its number; an unknown name is an error naming it and the files read. */
    public List<String> numbers(List<String> groups) throws ConfigException {
        List<String> out = new java.util.ArrayList<>();
        for (String g : groups)
            out.add(Integer.toString(resolve(g).orElseThrow(() -> unknown(g))));
        return out;
    }

    /** The error for a name no table knows. */
    public static ConfigException unknown(String group) {
        return new ConfigException("unknown network device group \"" + group + "\": not a number and not named in "
                + String.join(" or ", HOST_FILES.stream().map(Path::toString).toList()));
    }

    private static Optional<Integer> number(String text) {
        try {
            long n = text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
            return n >= 0 && n <= Integer.MAX_VALUE ? Optional.of((int) n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
