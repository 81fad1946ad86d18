package porto.cli;

/** Splitting of {@code property=value} arguments. Public for the unit tests. */
public final class Props {

    private Props() {
    }

    /**
     * Splits at the first {@code '='}: {@code command=sh -c 'a=b'} gives {@code command} and
     * {@code sh -c 'a=b'}. Returns {@code null} when there is no {@code '='}.
     */
    public static String[] split(String arg) {
        int eq = arg.indexOf('=');
        if (eq < 0) {
            return null;
        }
        return new String[] {arg.substring(0, eq), arg.substring(eq + 1)};
    }
}
