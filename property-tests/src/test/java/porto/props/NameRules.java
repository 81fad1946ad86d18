package porto.props;

/**
 * The manual's naming rules, written out again independently of the domain so tests have an
 * oracle: letters, digits and "_-@:." in components separated by '/', at most 128 characters a
 * component, 200 in all, 16 levels; no empty component, and "self", "." and ".." are reserved.
 */
final class NameRules {
    private NameRules() {}

    static boolean valid(String name) {
        if (name == null || name.isEmpty() || name.length() > 200)
            return false;
        String[] parts = name.split("/", -1);
        if (parts.length > 16)
            return false;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 128)
                return false;
            if (part.equals("self") || part.equals(".") || part.equals(".."))
                return false;
            for (char c : part.toCharArray())
                if (!(Character.isLetterOrDigit(c) && c < 128) && "_-@:.".indexOf(c) < 0)
                    return false;
        }
        return true;
    }

    static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "/" : name.substring(0, slash);
    }

    static boolean isWithin(String name, String ancestor) {
        return name.equals(ancestor) || name.startsWith(ancestor + "/");
    }
}
