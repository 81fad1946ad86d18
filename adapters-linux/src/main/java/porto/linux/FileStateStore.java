package porto.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** Threads that read records at start: one per core, at most 4 (tmpfs reads are CPU work). */
    private static final int READERS = Math.min(4, Runtime.getRuntime().availableProcessors());
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

    /**
     * Reads the records on a few threads: with 10,000 containers a reload spent about half of its
     * restore reading and parsing one small file each (docs/status.md, "Measured").
     */
    @Override
    public Map<String, Map<String, String>> loadAll() {
        if (!Files.isDirectory(dir))
            return new HashMap<>();
        List<String> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String key = f.getFileName().toString();
                if (!key.startsWith("."))
                    keys.add(key);
            }
        } catch (IOException e) {
            log.accept("cannot list " + dir + ": " + e.getMessage());
        }
        @SuppressWarnings("unchecked")
        Map<String, String>[] records = new Map[keys.size()];
        int threads = Math.min(READERS, Math.max(1, keys.size() / 256));
        if (threads <= 1) {
            for (int i = 0; i < records.length; i++)
                records[i] = read(dir.resolve(keys.get(i)));
        } else {
            AtomicInteger next = new AtomicInteger();
            Runnable reader = () -> {
                for (int i; (i = next.getAndIncrement()) < records.length; )
                    records[i] = read(dir.resolve(keys.get(i)));
            };
            List<Thread> started = new ArrayList<>();
            for (int t = 1; t < threads; t++)
                started.add(Thread.ofPlatform().name("store-reader-" + t).start(reader));
            reader.run();
            for (Thread t : started)
                joinUninterruptibly(t);
        }
        Map<String, Map<String, String>> out = HashMap.newHashMap(records.length);
        for (int i = 0; i < records.length; i++)
            if (records[i] != null)
                out.put(keys.get(i), records[i]);
        return out;
    }

    private Map<String, String> read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int nl = indexOf(bytes, (byte) '\n');
            byte[] prefix = CHECKSUM.getBytes(StandardCharsets.US_ASCII);
            if (nl < prefix.length || !Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length)
                    || !new String(bytes, prefix.length, nl - prefix.length, StandardCharsets.US_ASCII).equals(crc(bytes, nl + 1))) {
                log.accept("skipping damaged state record " + file);
                return null;
            }
            String body = new String(bytes, nl + 1, bytes.length - nl - 1, StandardCharsets.UTF_8);
            Map<String, String> record = RecordLines.parse(body);
            return record != null ? record : RecordLines.parseWithProperties(body);
        } catch (IOException | IllegalArgumentException e) {
            log.accept("skipping unreadable state record " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the records are needed whole; keep the interrupt for the caller
            }
        }
        if (interrupted)
            Thread.currentThread().interrupt();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++)
            if (bytes[i] == b)
                return i;
        return -1;
    }

    private static String encode(Map<String, String> record) {
        StringBuilder out = new StringBuilder(64 * record.size());
        for (var e : new TreeMap<>(record).entrySet())
            RecordLines.append(out, e.getKey(), e.getValue());
        return out.toString();
    }

    private static String crc(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return crc(bytes, 0);
    }

    private static String crc(byte[] bytes, int from) {
        CRC32 crc = new CRC32();
        crc.update(bytes, from, bytes.length - from);
        return Long.toHexString(crc.getValue());
    }
}
