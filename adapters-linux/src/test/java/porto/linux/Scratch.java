package porto.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories of the conformance suites. */
final class Scratch {
    private Scratch() {}

    /** Removes {@code dir} and everything in it, links themselves and not what they point at. */
    static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList())
                Files.deleteIfExists(p);
        }
    }
}
