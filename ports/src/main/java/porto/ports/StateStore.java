package porto.ports;

import java.util.Map;

/**
 * Durable records, one per container, that let a restarted daemon take its containers back.
 * Each save replaces the whole record atomically.
 */
public interface StateStore {

    void save(String key, Map<String, String> record) throws KernelException;

    void remove(String key);

    /** Every readable record; damaged ones are reported by the adapter and left out. */
    Map<String, Map<String, String>> loadAll();
}
