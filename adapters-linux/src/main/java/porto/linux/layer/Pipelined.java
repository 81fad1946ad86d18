package porto.linux.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Decompresses on a thread of its own, a few chunks ahead of the reader, so that decompressing
 * and writing the layer's files use two cores as `tar` with its compressor in a pipe does.
 */
final class Pipelined extends InputStream {
    private static final int CHUNK = 1 << 20;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(8);
    private final Thread producer;
    private volatile IOException failure;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    Pipelined(InputStream source) {
        producer = Thread.ofPlatform().daemon().name("porto-layer-unpack").start(() -> {
            try (source) {
                while (true) {
                    byte[] chunk = source.readNBytes(CHUNK);
                    if (chunk.length == 0)
                        break;
                    chunks.put(chunk);
                }
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new IOException(e.getMessage(), e);
            } catch (InterruptedException e) {
                return; // the reader closed
            }
            try {
                chunks.put(END);
            } catch (InterruptedException e) {
                // the reader closed
            }
        });
    }

    private boolean fill() throws IOException {
        if (position < current.length)
            return true;
        if (ended)
            return false;
        try {
            current = chunks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while unpacking");
        }
        position = 0;
        if (current == END) {
            ended = true;
            if (failure != null)
                throw failure;
            return false;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? current[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0)
            return 0;
        if (!fill())
            return -1;
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        producer.interrupt();
    }
}
