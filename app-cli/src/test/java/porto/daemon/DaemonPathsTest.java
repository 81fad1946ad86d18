package porto.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A private daemon must never share the installed daemon's volume place: it tears down what it has no record of. */
class DaemonPathsTest {
    @Test
    void theInstalledDaemonUsesUpstreamsPlace() {
        assertEquals("/place", DaemonPaths.volumePlace(Map.of()));
    }

    @Test
    void aDaemonWithItsOwnPlaceGetsItsOwnVolumePlace() {
        assertEquals("/place/porto-test-x-volumes", DaemonPaths.volumePlace(Map.of("PORTO_PLACE", "/place/porto-test-x")));
    }

    @Test
    void anExplicitVolumePlaceWins() {
        assertEquals("/srv/v", DaemonPaths.volumePlace(Map.of("PORTO_PLACE", "/place/porto-test-x", "PORTO_VOLUME_PLACE", "/srv/v")));
    }
}
