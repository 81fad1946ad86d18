package porto.domain.net;

/** Interface name masks of the manual: '?' one character, '*' any run of them. */
public final class NetMasks {
    private NetMasks() {}

    public static boolean matches(String mask, String name) {
        return match(mask, 0, name, 0);
    }

    private static boolean match(String m, int i, String s, int j) {
        while (i < m.length()) {
            char c = m.charAt(i);
            if (c == '*') {
                for (int k = j; k <= s.length(); k++)
                    if (match(m, i + 1, s, k))
                        return true;
                return false;
            }
            if (j == s.length() || (c != '?' && c != s.charAt(j)))
                return false;
            i++;
            j++;
        }
        return j == s.length();
    }
}
