package porto.linux.layer;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches the tar stream that Commons Compress reads, to keep the raw bytes of GNU tar's
 * "SCHILY.xattr." PAX records: Commons Compress decodes every PAX value as UTF-8, which breaks a
 * binary value such as a security.capability with a byte over 0x7f. It only follows the 512-byte
 * records (header, PAX data, GNU sparse extensions, padding) to find the PAX data that belongs to
 * each entry; the archive itself is read and checked by Commons Compress.
 */
final class PaxTap extends FilterInputStream {
    private static final int RECORD = 512;

    private final byte[] header = new byte[RECORD];
    private int headerFill;
    /** Bytes of entry data (with padding) still to pass before the next header. */
    private long dataLeft;
    /** Extension records of an old GNU sparse header still to come. */
    private boolean sparseExtensions;
    private ByteArrayOutputStream capture;
    private long captureLeft;
    private Map<String, byte[]> pending = new TreeMap<>();
    private Long pendingSize;
    private Map<String, byte[]> lastEntry = Map.of();

    PaxTap(InputStream in) {
        super(in);
    }

    /** Raw SCHILY xattr values of the entry whose header was read last: name to bytes. */
    Map<String, byte[]> xattrsOfLastEntry() {
        return lastEntry;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        for (int i = 0; i < n; )
            i += observe(b, off + i, n - i);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] sink = new byte[(int) Math.min(n, 8192)];
        long done = 0;
        while (done < n) {
            int got = read(sink, 0, (int) Math.min(sink.length, n - done));
            if (got <= 0)
                break;
            done += got;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Takes in up to {@code len} bytes; returns how many it used. */
    private int observe(byte[] b, int off, int len) {
        if (dataLeft > 0) {
            int n = (int) Math.min(len, dataLeft);
            if (capture != null && captureLeft > 0) {
                int c = (int) Math.min(n, captureLeft);
                capture.write(b, off, c);
                captureLeft -= c;
                if (captureLeft == 0)
                    parsePax(capture.toByteArray());
            }
            dataLeft -= n;
            return n;
        }
        int n = Math.min(len, RECORD - headerFill);
        System.arraycopy(b, off, header, headerFill, n);
        headerFill += n;
        if (headerFill == RECORD) {
            headerFill = 0;
            onRecord();
        }
        return n;
    }

    private void onRecord() {
        if (sparseExtensions) {
            sparseExtensions = header[504] != 0;
            if (!sparseExtensions)
                dataLeft = padded(pendingSparseSize);
            return;
        }
        boolean empty = true;
        for (byte x : header)
            if (x != 0) {
                empty = false;
                break;
            }
        if (empty)
            return;
        char type = (char) header[156];
        long size = size();
        capture = null;
        switch (type) {
            case 'x', 'X' -> {
                capture = new ByteArrayOutputStream((int) Math.min(size, 1 << 20));
                captureLeft = size;
                dataLeft = padded(size);
                if (size == 0)
                    parsePax(new byte[0]);
            }
            case 'g', 'L', 'K' -> dataLeft = padded(size);
            default -> {
                lastEntry = pending;
                long stored = pendingSize != null ? pendingSize : size;
                pending = new TreeMap<>();
                pendingSize = null;
                boolean hasData = type == '0' || type == '\0' || type == '7' || type == 'S';
                if (type == 'S' && header[482] != 0) {
                    sparseExtensions = true;
                    pendingSparseSize = stored;
                } else {
                    dataLeft = hasData ? padded(stored) : 0;
                }
            }
        }
    }

    private long pendingSparseSize;

    private static long padded(long size) {
        return (size + RECORD - 1) / RECORD * RECORD;
    }

    /** The size field: octal, or base-256 when its first byte has the high bit set. */
    private long size() {
        if ((header[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++)
                v = (v << 8) | (header[i] & 0xff);
            return v;
        }
        long v = 0;
        boolean digits = false;
        for (int i = 124; i < 136; i++) {
            byte c = header[i];
            if (c == ' ' && !digits)
                continue;
            if (c < '0' || c > '7')
                break;
            v = v * 8 + (c - '0');
            digits = true;
        }
        return v;
    }

    /** PAX records "LEN key=value\n"; keeps SCHILY xattrs and size. */
    private void parsePax(byte[] data) {
        int at = 0;
        while (at < data.length) {
            int space = at;
            int length = 0;
            while (space < data.length && data[space] >= '0' && data[space] <= '9')
                length = length * 10 + (data[space++] - '0');
            if (space >= data.length || data[space] != ' ' || length <= 0 || at + length > data.length)
                return; // malformed: Commons Compress reports it
            int eq = space + 1;
            while (eq < at + length && data[eq] != '=')
                eq++;
            if (eq >= at + length)
                return;
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            int valueEnd = at + length - 1; // the newline
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, Math.max(eq + 1, valueEnd));
            if (key.startsWith("SCHILY.xattr."))
                pending.put(key.substring("SCHILY.xattr.".length()), value);
            else if (key.equals("size"))
                try {
                    pendingSize = Long.parseLong(new String(value, StandardCharsets.US_ASCII).trim());
                } catch (NumberFormatException e) {
                    return; // Commons Compress reports it
                }
            at += length;
        }
    }
}
