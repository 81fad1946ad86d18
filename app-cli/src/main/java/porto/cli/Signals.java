package porto.cli;

/**
 * Linux (x86-64) signal names and numbers, and the C library's descriptions of them. Public for the unit
 * tests.
 */
public final class Signals {

    private static final String[] NAMES = {
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    };

    private static final String[] DESCRIPTIONS = {
        "Hangup", "Interrupt", "Quit", "Illegal instruction", "Trace/breakpoint trap", "Aborted",
        "Bus error", "Floating point exception", "Killed", "User defined signal 1", "Segmentation fault",
        "User defined signal 2", "Broken pipe", "Alarm clock", "Terminated", "Stack fault", "Child exited",
        "Continued", "Stopped (signal)", "Stopped", "Stopped (tty input)", "Stopped (tty output)",
        "Urgent I/O condition", "CPU time limit exceeded", "File size limit exceeded",
        "Virtual timer expired", "Profiling timer expired", "Window changed", "I/O possible",
        "Power failure", "Bad system call",
    };

    private static final int SIGRTMIN = 34;
    private static final int SIGRTMAX = 64;

    public static final int SIGTERM = 15;
    public static final int SIGKILL = 9;

    private Signals() {
    }

    /**
     * A signal given as {@code SIGKILL}, {@code KILL} (any case) or a number.
     *
     * @return the number, or {@code null} if the text is neither a known name nor an integer
     */
    public static Integer parse(String text) {
        String upper = text.toUpperCase(java.util.Locale.ROOT);
        String full = upper.startsWith("SIG") ? upper : "SIG" + upper;
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(full)) {
                return i + 1;
            }
        }
        switch (full) {
            case "SIGIOT":
                return 6;
            case "SIGCLD":
                return 17;
            case "SIGPOLL":
                return 29;
            default:
                break;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What strsignal(3) says about a signal, for example {@code Killed} for 9. */
    public static String describe(int signal) {
        if (signal >= 1 && signal <= DESCRIPTIONS.length) {
            return DESCRIPTIONS[signal - 1];
        }
        if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
            return "Real-time signal " + (signal - SIGRTMIN);
        }
        return "Unknown signal " + signal;
    }
}
