package porto.cli;

import static porto.cli.Portoctl.EXIT_FAILURE;
import static porto.cli.Portoctl.EXIT_SUCCESS;
import static porto.cli.Portoctl.options;
import static porto.cli.Portoctl.parseSeconds;

import java.util.List;
import porto.client.PortoClientException;
import porto.rpc.Rpc.EError;

/**
 * The commands that change containers and print nothing when they succeed: create, destroy, start,
 * restart, pause, resume, respawn, stop, kill, set and gc.
 */
final class ChangeCommands extends CommandGroup {
    ChangeCommands(Portoctl ctl) {
        super(ctl);
    }

    int create(List<String> args) {
        for (String name : args) {
            try {
                client().create(name);
            } catch (PortoClientException e) {
                return fail("Can't create container", e);
            }
        }
        return EXIT_SUCCESS;
    }

    int destroy(List<String> args) {
        int status = EXIT_SUCCESS;
        for (String name : args) {
            try {
                client().destroy(name);
            } catch (PortoClientException e) {
                status = fail("Can't destroy container", e);
            }
        }
        return status;
    }

    /** start, restart, pause, resume, respawn: the same call on every name, stopping at the first error. */
    int simple(String command, List<String> args) {
        for (String name : args) {
            String what = command;
            try {
                switch (command) {
                    case "start" -> client().start(name);
                    case "pause" -> client().pause(name);
                    case "resume" -> client().resume(name);
                    case "respawn" -> client().respawn(name);
                    default -> {
                        what = "stop";
                        client().stop(name);
                        what = "start";
                        client().start(name);
                    }
                }
            } catch (PortoClientException e) {
                return fail("Can't " + what + " container", e);
            }
        }
        return EXIT_SUCCESS;
    }

    int stop(List<String> args, int need) throws Getopt.UsageException {
        Getopt g = options(args, "T:", need, false);
        long timeoutMs = -1;
        for (Getopt.Opt o : g.options) {
            timeoutMs = parseSeconds(o.arg()) * 1000L;
        }
        for (String name : g.rest) {
            try {
                client().stop(name, timeoutMs);
            } catch (PortoClientException e) {
                return fail("Can't stop container", e);
            }
        }
        return EXIT_SUCCESS;
    }

    int kill(List<String> args) {
        int signal = Signals.SIGTERM;
        if (args.size() >= 2) {
            Integer parsed = Signals.parse(args.get(1));
            if (parsed == null) {
                io.error("Invalid signal: " + PortoClientException.describe(EError.InvalidValue_VALUE,
                        "Bad integer value: " + args.get(1)));
                return EXIT_FAILURE;
            }
            signal = parsed;
        }
        try {
            client().kill(args.get(0), signal);
        } catch (PortoClientException e) {
            return fail("Can't send signal to container", e);
        }
        return EXIT_SUCCESS;
    }

    int set(List<String> args) {
        String property;
        String value;
        if (args.size() == 2) {
            String[] kv = Props.split(args.get(1));
            if (kv == null) {
                ctl.commandUsage(Portoctl.find("set"));
                return EXIT_FAILURE;
            }
            property = kv[0];
            value = kv[1];
        } else {
            property = args.get(1);
            value = String.join(" ", args.subList(2, args.size()));
        }
        try {
            client().setProperty(args.get(0), property, value);
        } catch (PortoClientException e) {
            return fail("Can't set property", e);
        }
        return EXIT_SUCCESS;
    }

    int gc() {
        List<String> names;
        try {
            names = client().list();
        } catch (PortoClientException e) {
            return fail("Can't list containers", e);
        }
        for (String name : names) {
            if (name.equals("/")) {
                continue;
            }
            String state;
            try {
                state = client().getProperty(name, "state");
            } catch (PortoClientException e) {
                io.error(Format.error("Can't get container state", e));
                continue;
            }
            if (!state.equals("dead")) {
                continue;
            }
            try {
                client().destroy(name);
            } catch (PortoClientException e) {
                return fail("Can't destroy container", e);
            }
        }
        return EXIT_SUCCESS;
    }
}
