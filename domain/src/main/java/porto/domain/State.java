package porto.domain;

import java.util.Locale;

/** Container states, named as the API shows them. */
public enum State {
    STOPPED, STARTING, RUNNING, PAUSED, DEAD, META;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Running a process, or a meta container: something whose children may run. */
    public boolean isActive() {
        return this == RUNNING || this == META || this == PAUSED || this == STARTING;
    }
}
