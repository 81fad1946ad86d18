package porto.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The quick reader of record lines reads what {@link Properties} reads, or leaves the record to it. */
class RecordLinesTest {
    private static final String AWKWARD = "a =:#!\\\t\n\r\f é€\u0001\u007f\u2028 \ud83d\ude00x";

    /** Lines as the store has always written them: Properties.store, one entry a line, no comment. */
    private static String stored(Map<String, String> record) throws Exception {
        StringBuilder out = new StringBuilder();
        for (var e : record.entrySet()) {
            Properties one = new Properties();
            one.setProperty(e.getKey(), e.getValue());
            StringWriter w = new StringWriter();
            one.store(w, null);
            for (String line : w.toString().split("\n"))
                if (!line.startsWith("#"))
                    out.append(line).append('\n');
        }
        return out.toString();
    }

    @Test
    void readsEveryStoredRecordAsPropertiesDoes() throws Exception {
        Random random = new Random(15);
        for (int round = 0; round < 2000; round++) {
            Map<String, String> record = new java.util.HashMap<>();
            for (int f = random.nextInt(6); f >= 0; f--)
                record.put(randomText(random), randomText(random));
            String body = stored(record);
            Map<String, String> quick = RecordLines.parse(body);
            assertNotNull(quick, body);
            assertEquals(record, quick, body);
            assertEquals(RecordLines.parseWithProperties(body), quick, body);
        }
    }

    @Test
    void writesWhatPropertiesStoreWrites() throws Exception {
        Random random = new Random(16);
        for (int round = 0; round < 2000; round++) {
            String key = randomText(random), value = randomText(random);
            StringBuilder ours = new StringBuilder();
            RecordLines.append(ours, key, value);
            assertEquals(stored(Map.of(key, value)), ours.toString(), key + "=" + value);
            assertEquals(Map.of(key, value), RecordLines.parse(ours.toString()));
        }
    }

    private static String randomText(Random random) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(8); n > 0; n--)
            s.append(AWKWARD.charAt(random.nextInt(AWKWARD.length())));
        return s.toString();
    }

    @Test
    void leavesOtherFormsToProperties() throws Exception {
        for (String body : new String[] {"# comment\na=1\n", "a:1\n", "a 1\n", "  a=1\n", "a=\\\n  1\n", "a= 1\n", "a=1\r\n", "a\n",
                "!x\n"}) {
            assertNull(RecordLines.parse(body), body);
            Properties p = new Properties();
            p.load(new java.io.StringReader(body));
            assertEquals(p, toProperties(RecordLines.parseWithProperties(body)), body);
        }
    }

    @Test
    void aBrokenEscapeIsRefusedAsBefore() {
        assertNull(RecordLines.parse("a=\\u12\n"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> RecordLines.parseWithProperties("a=\\u12\n"));
    }

    @Test
    void readsPlainRecords() {
        assertEquals(Map.of("name", "a/b", "prop.command", "sh -c 'x=1'", "empty", ""),
                RecordLines.parse("name=a/b\nprop.command=sh -c 'x\\=1'\n\nempty=\n"));
    }

    private static Properties toProperties(Map<String, String> m) {
        Properties p = new Properties();
        p.putAll(m);
        return p;
    }
}
