package porto.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.StateStore;

/** What every {@link StateStore} must do: whole records, replaced atomically, damaged ones left out. */
public abstract class StateStoreConformance {

    /** A store on scratch state, and what the tests must do to it behind the port's back. */
    public interface Fixture extends AutoCloseable {
        /** A store over the same durable state each time (a restarted daemon gets a new one). */
        StateStore open();

        /** Damages the stored record of {@code key} the way a crash or a bad disk might. */
        void damage(String key) throws Exception;

        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fixture;

    @BeforeEach
    void setUpStore() throws Exception {
        fixture = newFixture();
    }

    @AfterEach
    void tearDownStore() throws Exception {
        if (fixture != null)
            fixture.close();
    }

    @Test
    void aSavedRecordIsLoadedBackByANewStore() throws Exception {
        Map<String, String> record = Map.of("state", "running", "command", "sh -c 'echo a=b; echo c'", "env",
                "A=1;B=two words\nand a line", "unicode", "контейнер ✓", "empty", "");
        fixture.open().save("a", record);
        assertEquals(Map.of("a", record), fixture.open().loadAll());
    }

    @Test
    void aSaveReplacesTheWholeRecord() throws Exception {
        StateStore store = fixture.open();
        store.save("a", Map.of("x", "1", "y", "2"));
        store.save("a", Map.of("y", "3"));
        assertEquals(Map.of("a", Map.of("y", "3")), fixture.open().loadAll());
    }

    @Test
    void removedRecordsAreGoneAndRemovingAMissingOneIsFine() throws Exception {
        StateStore store = fixture.open();
        store.save("a", Map.of("x", "1"));
        store.save("b", Map.of("x", "2"));
        store.remove("a");
        store.remove("never-saved");
        assertEquals(Map.of("b", Map.of("x", "2")), fixture.open().loadAll());
    }

    @Test
    void manyRecordsAreKeptApart() throws Exception {
        StateStore store = fixture.open();
        Map<String, Map<String, String>> all = new TreeMap<>();
        for (int i = 0; i < 50; i++)
            all.put("c" + i, Map.of("n", Integer.toString(i)));
        for (var e : all.entrySet())
            store.save(e.getKey(), e.getValue());
        assertEquals(all, new TreeMap<>(fixture.open().loadAll()));
    }

    @Test
    void aDamagedRecordIsLeftOutAndTheOthersLoad() throws Exception {
        StateStore store = fixture.open();
        store.save("good", Map.of("x", "1"));
        store.save("bad", Map.of("x", "2"));
        fixture.damage("bad");
        Map<String, Map<String, String>> loaded = fixture.open().loadAll();
        assertEquals(Map.of("good", Map.of("x", "1")), loaded);
        store.save("bad", Map.of("x", "3"));
        assertEquals(Map.of("x", "3"), fixture.open().loadAll().get("bad"), "saving again mends it");
    }

    @Test
    void anEmptyStoreLoadsNothing() {
        assertTrue(fixture.open().loadAll().isEmpty());
        assertFalse(fixture.open().loadAll().containsKey("a"));
    }
}
