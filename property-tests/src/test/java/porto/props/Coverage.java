package porto.props;

import java.util.Map;
import net.jqwik.api.statistics.Statistics;
import porto.domain.ErrorCode;
import porto.domain.State;

/**
 * What the random sequences reached (request outcomes, states), reported by jqwik so weak
 * generators show. Off unless run with -Dporto.props.coverage=true, to keep builds quiet.
 */
final class Coverage {
    private static final boolean ON = Boolean.getBoolean("porto.props.coverage");

    private Coverage() {}

    static void outcome(String request, ErrorCode code) {
        if (ON)
            Statistics.label("requests").collect(request + " -> " + code);
    }

    static void states(Map<String, World.View> views) {
        if (!ON)
            return;
        for (World.View v : views.values())
            Statistics.label("states").collect(v.state() + (v.name().contains("/") ? " (nested)" : ""));
    }
}
