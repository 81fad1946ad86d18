package porto.daemon;

/** The version this daemon reports; the tag follows the upstream release it is compatible with. */
public final class Version {
    public static final String TAG = "5.3.15";
    public static final String REVISION = "porto-java-0.1.0";

    private Version() {}
}
