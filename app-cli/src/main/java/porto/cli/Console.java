package porto.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * portoctl's standard output and error, in UTF-8 whatever the locale. Output is gathered and written
 * when {@link #flush()} is called or before anything goes to standard error, so the two interleave as
 * they were produced.
 */
final class Console {
    private final OutputStream out;
    private final OutputStream err;
    private final StringBuilder pending = new StringBuilder(256);

    Console(OutputStream out, OutputStream err) {
        this.out = out;
        this.err = err;
    }

    static Console system() {
        return new Console(new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err));
    }

    /** Appends to standard output. */
    Console print(String s) {
        pending.append(s);
        return this;
    }

    /** Appends a line to standard output. */
    Console println(String s) {
        pending.append(s).append('\n');
        return this;
    }

    /** Appends a whole block to standard output. */
    Console print(StringBuilder s) {
        pending.append(s);
        return this;
    }

    /** Writes a line to standard error, after what standard output has pending. */
    void error(String line) {
        flush();
        write(err, line + "\n");
    }

    void flush() {
        if (pending.length() > 0) {
            String s = pending.toString();
            pending.setLength(0);
            write(out, s);
        }
    }

    private static void write(OutputStream stream, String s) {
        try {
            stream.write(s.getBytes(StandardCharsets.UTF_8));
            stream.flush();
        } catch (IOException e) {
            // a closed pipe: nobody is reading, so there is nobody to tell
        }
    }
}
