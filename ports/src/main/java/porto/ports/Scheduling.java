package porto.ports;

/**
 * How a task is scheduled, see sched(7) and ioprio_set(2).
 *
 * @param policy   SCHED_OTHER (0), SCHED_RR (2), SCHED_BATCH (3) or SCHED_IDLE (5)
 * @param priority real-time priority, 1..99 for SCHED_RR, else 0
 * @param nice     -20..19
 * @param ioprio   the ioprio_set(2) value (class << 13 | data); 0 leaves it to the cpu nice
 */
public record Scheduling(int policy, int priority, int nice, int ioprio) {
    public static final int SCHED_OTHER = 0;
    public static final int SCHED_RR = 2;
    public static final int SCHED_BATCH = 3;
    public static final int SCHED_IDLE = 5;

    public static final Scheduling DEFAULT = new Scheduling(SCHED_OTHER, 0, 0, 0);
}
