package porto.linux;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import porto.ports.KernelException;
import porto.ports.StateStore;

/**
 * One file per record in a tmpfs directory (/run/porto/kvs). A record is written to a temporary
 * file and renamed over the old one, so a reader sees the old or the new record, never half. A
 * checksum line catches records damaged any other way; those are reported and skipped.
 */
public final class FileStateStore implements StateStore {
    private static final String CHECKSUM = "#crc32=";
    private final Path dir;
    private final Consumer<String> log;

    public FileStateStore(Path dir, Consumer<String> log) {
        this.dir = dir;
        this.log = log;
    }

    @Override
    public void save(String key, Map<String, String> record) throws KernelException {
        String body = encode(record);
        Path tmp = dir.resolve("." + key + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.writeString(tmp, CHECKSUM + crc(body) + "\n" + body, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new KernelException(CgroupFiles.errno(e), "cannot write " + dir.resolve(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void remove(String key) {
        try {
            Files.deleteIfExists(dir.resolve(key));
        } catch (IOException e) {
            log.accept("cannot remove record " + key + ": " + e.getMessage());
        }
    }

    @Override
    public Map<String, Map<String, String>> loadAll() {
        Map<String, Map<String, String>> out = new HashMap<>();
        if (!Files.isDirectory(dir))
            return out;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String key = f.getFileName().toString();
                if (key.startsWith("."))
                    continue;
                Map<String, String> record = read(f);
                if (record != null)
                    out.put(key, record);
            }
        } catch (IOException e) {
            log.accept("cannot list " + dir + ": " + e.getMessage());
        }
        return out;
    }

    private Map<String, String> read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            if (!text.startsWith(CHECKSUM) || nl < 0 || !text.substring(CHECKSUM.length(), nl).equals(crc(text.substring(nl + 1)))) {
                log.accept("skipping damaged state record " + file);
                return null;
            }
            Properties p = new Properties();
            p.load(new StringReader(text.substring(nl + 1)));
            Map<String, String> record = new TreeMap<>();
            for (String name : p.stringPropertyNames())
                record.put(name, p.getProperty(name));
            return record;
        } catch (IOException | IllegalArgumentException e) {
            log.accept("skipping unreadable state record " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static String encode(Map<String, String> record) {
        StringBuilder out = new StringBuilder();
        for (var e : new TreeMap<>(record).entrySet()) {
            Properties one = new Properties();
            one.setProperty(e.getKey(), e.getValue());
            StringWriter w = new StringWriter();
            try {
                one.store(w, null);
            } catch (IOException impossible) {
                throw new IllegalStateException(impossible);
            }
            // store() writes a date comment first; keep only the entry line.
            for (String line : w.toString().split("\n"))
                if (!line.startsWith("#"))
                    out.append(line).append('\n');
        }
        return out.toString();
    }

    private static String crc(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }
}
