package porto.protocol;

/**
 * The release this build reports, to clients (portod's version answer) and to users (portoctl
 * version, portod --version). The tag is the upstream release whose protocol and behaviour it follows.
 */
public final class Release {
    public static final String TAG = "5.3.15";
    public static final String REVISION = "porto-java-0.1.0";

    private Release() {}
}
