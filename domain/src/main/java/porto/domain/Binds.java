package porto.domain;

import java.util.ArrayList;
import java.util.List;

/** The bind property: "<source> <target> [ro|rw]; ...". */
public final class Binds {
    public record Bind(String source, String target, boolean readOnly) {}

    private Binds() {}

    public static List<Bind> parse(String text) throws PortoException {
        List<Bind> binds = new ArrayList<>();
        for (String item : Values.splitList(text, ';')) {
            String entry = item.trim();
            if (entry.isEmpty())
                continue;
            String[] words = entry.split("\\s+");
            if (words.length < 2 || words.length > 3)
                throw Values.invalid("expected '<source> <target> [ro|rw]', got '" + entry + "'");
            boolean readOnly = false;
            if (words.length == 3) {
                readOnly = switch (words[2]) {
                    case "ro" -> true;
                    case "rw" -> false;
                    default -> throw Values.invalid("bind flag must be ro or rw, got '" + words[2] + "'");
                };
            }
            binds.add(new Bind(Properties.absolutePath(words[0]), Properties.absolutePath(words[1]), readOnly));
        }
        return binds;
    }

    public static String format(List<Bind> binds) {
        StringBuilder out = new StringBuilder();
        for (Bind b : binds) {
            if (out.length() > 0)
                out.append("; ");
            out.append(b.source()).append(' ').append(b.target()).append(b.readOnly() ? " ro" : " rw");
        }
        return out.toString();
    }
}
