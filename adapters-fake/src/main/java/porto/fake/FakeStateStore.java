package porto.fake;

import static porto.ports.Errno.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import porto.ports.KernelException;
import porto.ports.StateStore;

/**
 * Records in memory, each replaced whole on save. A record marked {@link #corrupt} cannot be read:
 * {@link #loadAll} leaves it out and lists it in {@link #damaged()}. Saves can be made to fail.
 */
public final class FakeStateStore implements StateStore {
    private final Map<String, Map<String, String>> records = new TreeMap<>();
    private final Set<String> corrupt = new TreeSet<>();
    private final List<String> damaged = new ArrayList<>();
    private boolean failing;
    private int saves;

    @Override
    public synchronized void save(String key, Map<String, String> record) throws KernelException {
        if (failing)
            throw new KernelException(ENOSPC, "No space left on device: save " + key);
        records.put(key, Map.copyOf(record));
        corrupt.remove(key);
        saves++;
    }

    @Override
    public synchronized void remove(String key) {
        records.remove(key);
        corrupt.remove(key);
    }

    @Override
    public synchronized Map<String, Map<String, String>> loadAll() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        records.forEach((k, v) -> {
            if (corrupt.contains(k))
                damaged.add(k);
            else
                out.put(k, v);
        });
        return out;
    }

    /** Stores {@code record} as is, bypassing the domain (a record from another version, say). */
    public synchronized void putRaw(String key, Map<String, String> record) {
        records.put(key, Map.copyOf(record));
    }

    /** The record under {@code key} becomes unreadable until saved again. */
    public synchronized void corrupt(String key) {
        if (records.containsKey(key))
            corrupt.add(key);
    }

    /** While true every save fails with ENOSPC. */
    public synchronized void setFailing(boolean failing) {
        this.failing = failing;
    }

    public synchronized Map<String, String> record(String key) {
        return records.get(key);
    }

    public synchronized Map<String, Map<String, String>> records() {
        return new TreeMap<>(records);
    }

    /** Keys of corrupt records met by {@link #loadAll}, in the order met. */
    public synchronized List<String> damaged() {
        return List.copyOf(damaged);
    }

    public synchronized int saveCount() {
        return saves;
    }
}
