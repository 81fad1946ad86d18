package porto.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * POSIX-style option scanning as portoctl's commands do it: short options only, clustered
 * ({@code -ns}), arguments attached or separate ({@code -T5}, {@code -T 5}), and scanning stops at the
 * first word that is not an option, so {@code run x command=ls -l} leaves {@code -l} alone. Public for
 * the unit tests.
 */
public final class Getopt {

    /** One option found: its letter and its argument ({@code null} for flags). */
    public record Opt(char key, String arg) {
    }

    /** A malformed command line, with getopt's own diagnostic. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    public final List<Opt> options = new ArrayList<>();
    public final List<String> rest = new ArrayList<>();

    private Getopt() {
    }

    /**
     * Scans {@code args} against {@code spec}, letters optionally followed by {@code ':'} when they take
     * an argument ({@code "T:S:L:At:"}). A {@code "--"} ends the options and is dropped unless
     * {@code keepDashDash}.
     */
    public static Getopt parse(List<String> args, String spec, boolean keepDashDash) throws UsageException {
        Getopt g = new Getopt();
        int i = 0;
        while (i < args.size()) {
            String a = args.get(i);
            if (a.equals("--")) {
                if (!keepDashDash) {
                    i++;
                }
                break;
            }
            if (a.length() < 2 || a.charAt(0) != '-') {
                break;
            }
            i++;
            for (int j = 1; j < a.length(); j++) {
                char c = a.charAt(j);
                int at = c == ':' ? -1 : spec.indexOf(c);
                if (at < 0) {
                    throw new UsageException("portoctl: invalid option -- '" + c + "'");
                }
                boolean hasArg = at + 1 < spec.length() && spec.charAt(at + 1) == ':';
                if (!hasArg) {
                    g.options.add(new Opt(c, null));
                    continue;
                }
                if (j + 1 < a.length()) {
                    g.options.add(new Opt(c, a.substring(j + 1)));
                } else if (i < args.size()) {
                    g.options.add(new Opt(c, args.get(i++)));
                } else {
                    throw new UsageException("portoctl: option requires an argument -- '" + c + "'");
                }
                break;
            }
        }
        g.rest.addAll(args.subList(i, args.size()));
        return g;
    }
}
