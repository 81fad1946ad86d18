package porto.domain;

/**
 * Name masks as the manual defines them: fnmatch(3) with FNM_PATHNAME ('*' and '?' stop at '/'),
 * and '***' matching anything, slashes included.
 */
public final class Masks {
    private Masks() {}

    public static boolean isMask(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    public static boolean matches(String name, String mask) {
        return match(name, 0, mask, 0);
    }

    private static boolean match(String s, int si, String m, int mi) {
        while (mi < m.length()) {
            char c = m.charAt(mi);
            if (m.startsWith("***", mi)) {
                for (int k = si; k <= s.length(); k++)
                    if (match(s, k, m, mi + 3))
                        return true;
                return false;
            }
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (match(s, k, m, mi + 1))
                        return true;
                    if (k < s.length() && s.charAt(k) == '/')
                        return false;
                }
                return false;
            }
            if (si >= s.length())
                return false;
            if (c == '?') {
                if (s.charAt(si) == '/')
                    return false;
            } else if (c != s.charAt(si)) {
                return false;
            }
            si++;
            mi++;
        }
        return si == s.length();
    }
}
