package porto.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import porto.protocol.Framing;
import porto.rpc.Rpc;
import porto.rpc.Rpc.EError;

/**
 * A connection to portod over its UNIX socket.
 *
 * <p>The socket is opened on the first call, not by {@link #connect()}. Every request is framed as a
 * varint32 byte count followed by the message, and so is every answer. One request is in flight at a
 * time: all methods are {@code synchronized}, and a thread blocked in {@link #nextEvent(long)} keeps
 * other threads waiting until it returns.
 *
 * <p>A call that the daemon refuses throws {@link PortoClientException} with the daemon's code; a socket that
 * cannot be reached throws it with {@code SocketUnavailable}, one that breaks with {@code SocketError},
 * and one that stays silent past {@link #setTimeout(Duration)} with {@code SocketTimeout} (there is no
 * timeout unless one is set). A broken connection is reopened on the next call.
 *
 * <p>After {@link #asyncWait}, the daemon may push events at any moment; those arriving while a call
 * waits for its answer are kept, in order, for {@link #nextEvent(long)}.
 *
 * <p>The named methods encode their requests and decode the answers themselves ({@link Wire}), so a
 * short-lived program that only uses them never initialises the generated {@code porto.rpc} classes;
 * {@link #call}, {@link #request} and the spec methods take and return those classes.
 */
public final class PortoClient implements AutoCloseable {

    /** Where portod listens unless told otherwise. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/portod.socket");

    /** Environment variable that overrides {@link #DEFAULT_SOCKET}. */
    public static final String SOCKET_ENV = "PORTO_SOCKET";

    // TContainerRequest fields (methods)
    private static final int M_CREATE = 1;
    private static final int M_DESTROY = 2;
    private static final int M_LIST = 3;
    private static final int M_GET_PROPERTY = 4;
    private static final int M_SET_PROPERTY = 5;
    private static final int M_GET_DATA = 6;
    private static final int M_START = 7;
    private static final int M_STOP = 8;
    private static final int M_PAUSE = 9;
    private static final int M_RESUME = 10;
    private static final int M_PROPERTY_LIST = 11;
    private static final int M_DATA_LIST = 12;
    private static final int M_KILL = 13;
    private static final int M_VERSION = 14;
    private static final int M_GET = 15;
    private static final int M_WAIT = 16;
    private static final int M_CREATE_WEAK = 17;
    private static final int M_RESPAWN = 18;
    private static final int M_ASYNC_WAIT = 19;
    private static final int M_STOP_ASYNC_WAIT = 128;

    // TContainerResponse fields
    private static final int R_ERROR = 1;
    private static final int R_ERROR_MSG = 2;
    private static final int R_LIST = 3;
    private static final int R_GET_PROPERTY = 4;
    private static final int R_GET_DATA = 5;
    private static final int R_PROPERTY_LIST = 6;
    private static final int R_DATA_LIST = 7;
    private static final int R_VERSION = 8;
    private static final int R_GET = 10;
    private static final int R_WAIT = 11;
    private static final int R_ASYNC_WAIT = 19;

    private static final int LOST_ERROR = EError.LostError_VALUE;
    private static final int SOCKET_ERROR = EError.SocketError_VALUE;
    private static final long NO_DEADLINE = Connection.NO_DEADLINE;

    private final Path socket;
    /** The socket and its framing; reopened by {@link #openConnection()} after a failure. */
    private final Connection connection;
    private final ArrayDeque<WaitEvent> events = new ArrayDeque<>();

    private long timeoutNanos;
    private boolean everConnected;
    private boolean closed;
    /** The last AsyncWait request, sent again whenever the connection is reopened. */
    private Wire.Writer asyncWait;

    private PortoClient(Path socket) {
        this.socket = socket;
        this.connection = new Connection(socket);
    }

    /** A client for {@code $PORTO_SOCKET}, or {@code /run/portod.socket} when that is unset. */
    public static PortoClient connect() {
        return new PortoClient(defaultSocket());
    }

    /** A client for the given socket. */
    public static PortoClient connect(Path socket) {
        if (socket == null) {
            throw new NullPointerException("socket");
        }
        return new PortoClient(socket);
    }

    /** {@code $PORTO_SOCKET} if set and not empty, else {@link #DEFAULT_SOCKET}. */
    public static Path defaultSocket() {
        String env = System.getenv(SOCKET_ENV);
        return env == null || env.isEmpty() ? DEFAULT_SOCKET : Path.of(env);
    }

    /** The socket this client talks to. */
    public Path socket() {
        return socket;
    }

    /**
     * How long to wait for an answer; {@code null} or zero means forever (the default). Calls that wait
     * on purpose (stop with a timeout, wait) get their own time on top of this.
     */
    public synchronized void setTimeout(Duration timeout) {
        timeoutNanos = timeout == null || timeout.isNegative() ? 0 : timeout.toNanos();
    }

    public synchronized Duration getTimeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    // ---------------------------------------------------------------- containers

    public void create(String name) {
        call(M_CREATE, new Wire.Writer().string(1, name));
    }

    /** Creates a container that the daemon destroys when this connection closes. */
    public void createWeak(String name) {
        call(M_CREATE_WEAK, new Wire.Writer().string(1, name));
    }

    public void destroy(String name) {
        call(M_DESTROY, new Wire.Writer().string(1, name));
    }

    /** Names of all containers this client can see. */
    public List<String> list() {
        return list(null);
    }

    /** Names of containers matching {@code mask} ({@code *}, {@code ***}, {@code foo*}...); null for all. */
    public List<String> list(String mask) {
        Wire.Writer list = new Wire.Writer();
        if (mask != null && !mask.isEmpty()) {
            list.string(1, mask);
        }
        Wire.Fields rsp = call(M_LIST, list);
        try {
            return List.copyOf(rsp.message(R_LIST).strings(1));
        } catch (Wire.MalformedException e) {
            throw malformed(e);
        }
    }

    public void start(String name) {
        call(M_START, new Wire.Writer().string(1, name));
    }

    /** Stops with the daemon's default grace period. */
    public void stop(String name) {
        stop(name, -1);
    }

    /**
     * Stops, giving the processes {@code timeoutMs} after SIGTERM before SIGKILL; a negative value leaves
     * the period to the daemon.
     */
    public void stop(String name, long timeoutMs) {
        Wire.Writer stop = new Wire.Writer().string(1, name);
        if (timeoutMs >= 0) {
            stop.uint(2, uint32(timeoutMs));
        }
        call(M_STOP, stop, Math.max(timeoutMs, 0));
    }

    public void kill(String name, int signal) {
        call(M_KILL, new Wire.Writer().string(1, name).int32(2, signal));
    }

    public void pause(String name) {
        call(M_PAUSE, new Wire.Writer().string(1, name));
    }

    public void resume(String name) {
        call(M_RESUME, new Wire.Writer().string(1, name));
    }

    public void respawn(String name) {
        call(M_RESPAWN, new Wire.Writer().string(1, name));
    }

    // ---------------------------------------------------------------- properties

    public String getProperty(String name, String property, GetOption... options) {
        Wire.Writer get = new Wire.Writer().string(1, name).string(2, property);
        flags(get, options, 0, 3, 4);
        return value(call(M_GET_PROPERTY, get), R_GET_PROPERTY);
    }

    public String getData(String name, String data, GetOption... options) {
        Wire.Writer get = new Wire.Writer().string(1, name).string(2, data);
        flags(get, options, 0, 3, 4);
        return value(call(M_GET_DATA, get), R_GET_DATA);
    }

    public void setProperty(String name, String property, String value) {
        call(M_SET_PROPERTY, new Wire.Writer().string(1, name).string(2, property).string(3, value));
    }

    /**
     * Reads several properties of several containers in one request. Names may be masks. The answer maps
     * each container, in the daemon's order, to its variables in the daemon's order; a variable that
     * could not be read carries its error instead of failing the whole call.
     */
    public Map<String, Map<String, ValueOrError>> get(List<String> names, List<String> variables,
                                                      GetOption... options) {
        Wire.Writer get = new Wire.Writer().strings(1, names).strings(2, variables);
        flags(get, options, 3, 4, 5);
        Wire.Fields rsp = call(M_GET, get);
        Map<String, Map<String, ValueOrError>> result = new LinkedHashMap<>();
        try {
            for (Wire.Fields entry : rsp.message(R_GET).messages(1)) {
                String name = entry.string(1);
                Map<String, ValueOrError> values = result.get(name);
                if (values == null) {
                    values = new LinkedHashMap<>();
                    result.put(name, values);
                }
                for (Wire.Fields kv : entry.messages(2)) {
                    int error = (int) kv.number(2, 0);
                    values.put(kv.string(1), error != 0
                            ? ValueOrError.ofError(error, kv.string(3))
                            : ValueOrError.ofValue(kv.string(4)));
                }
            }
        } catch (Wire.MalformedException e) {
            throw malformed(e);
        }
        return result;
    }

    /** All properties the daemon knows, with descriptions. */
    public List<PropertyDescription> propertyList() {
        Wire.Fields rsp = call(M_PROPERTY_LIST, new Wire.Writer());
        List<PropertyDescription> list = new ArrayList<>();
        try {
            for (Wire.Fields p : rsp.message(R_PROPERTY_LIST).messages(1)) {
                list.add(new PropertyDescription(p.string(1), p.string(2), p.bool(3), p.bool(4)));
            }
        } catch (Wire.MalformedException e) {
            throw malformed(e);
        }
        return list;
    }

    /** All read-only properties ("data") the daemon knows, with descriptions. */
    public List<PropertyDescription> dataList() {
        Wire.Fields rsp = call(M_DATA_LIST, new Wire.Writer());
        List<PropertyDescription> list = new ArrayList<>();
        try {
            for (Wire.Fields d : rsp.message(R_DATA_LIST).messages(1)) {
                list.add(new PropertyDescription(d.string(1), d.string(2), true, false));
            }
        } catch (Wire.MalformedException e) {
            throw malformed(e);
        }
        return list;
    }

    public Version version() {
        Wire.Fields rsp = call(M_VERSION, new Wire.Writer());
        try {
            Wire.Fields v = rsp.message(R_VERSION);
            return new Version(v.string(1), v.string(2));
        } catch (Wire.MalformedException e) {
            throw malformed(e);
        }
    }

    // ---------------------------------------------------------------- spec

    /** Creates (and, if asked, starts) a container described by {@code spec}. */
    public void createFromSpec(Rpc.TContainerSpec spec, boolean start) {
        createFromSpec(spec, List.of(), start);
    }

    public void createFromSpec(Rpc.TContainerSpec spec, List<Rpc.TVolumeSpec> volumes, boolean start) {
        Rpc.TCreateFromSpecRequest.Builder req = Rpc.TCreateFromSpecRequest.newBuilder()
                .setContainer(spec).addAllVolumes(volumes);
        if (start) {
            req.setStart(true);
        }
        call(Rpc.TContainerRequest.newBuilder().setCreateFromSpec(req).build());
    }

    /** Applies the fields set in {@code spec} to the existing container it names. */
    public void updateFromSpec(Rpc.TContainerSpec spec) {
        call(Rpc.TContainerRequest.newBuilder()
                .setUpdateFromSpec(Rpc.TUpdateFromSpecRequest.newBuilder().setContainer(spec)).build());
    }

    // ---------------------------------------------------------------- waiting

    /**
     * Waits until one of the containers (names or masks) is dead, or meta without running children.
     *
     * @param timeoutMs how long the daemon should wait; negative for ever
     * @return the name of that container, or {@code null} on timeout
     */
    public String waitContainers(List<String> names, long timeoutMs) {
        WaitEvent event = wait(names, List.of(), timeoutMs, null);
        return event == null ? null : event.name();
    }

    /**
     * Waits like {@link #waitContainers} but for a given target state and/or labels, and tells which
     * state was reached (and which label changed).
     *
     * @return the event, or {@code null} on timeout
     */
    public WaitEvent wait(List<String> names, List<String> labels, long timeoutMs, String targetState) {
        Wire.Writer wait = waitRequest(names, labels, timeoutMs, targetState);
        long deadline = timeoutMs >= 0 ? System.nanoTime() + timeoutMs * 1_000_000L : NO_DEADLINE;
        Wire.Fields rsp;
        while (true) {
            try {
                rsp = call(M_WAIT, wait, timeoutMs);
                break;
            } catch (PortoClientException e) {
                // the daemon reloading drops its connections: ask again until the wait would have ended
                if (e.code() != SOCKET_ERROR || (deadline != NO_DEADLINE && System.nanoTime() - deadline > 0)) {
                    throw e;
                }
                sleepQuietly(100);
            }
        }
        if (!rsp.has(R_WAIT)) {
            return null;
        }
        WaitEvent event;
        try {
            event = event(rsp.message(R_WAIT));
        } catch (Wire.MalformedException e) {
            throw malformed(e);
        }
        return event.name().isEmpty() ? null : event;
    }

    /** Asks the daemon to push an event whenever one of the containers (names or masks) dies. */
    public void asyncWait(List<String> names) {
        asyncWait(names, List.of(), -1, null);
    }

    /**
     * Asks the daemon to push events for the containers (names or masks) and labels. With a target state
     * only that state is reported; with a timeout the daemon pushes an event in state {@code timeout}
     * once that long has passed without one. Read the events with {@link #nextEvent(long)}.
     */
    public synchronized void asyncWait(List<String> names, List<String> labels, long timeoutMs,
                                       String targetState) {
        Wire.Writer wait = waitRequest(names, labels, timeoutMs, targetState);
        call(M_ASYNC_WAIT, wait);
        asyncWait = wait;
    }

    /** Withdraws an {@link #asyncWait} for these containers. */
    public synchronized void stopAsyncWait(List<String> names) {
        call(M_STOP_ASYNC_WAIT, new Wire.Writer().strings(1, names));
        asyncWait = null;
    }

    private static Wire.Writer waitRequest(List<String> names, List<String> labels, long timeoutMs,
                                           String targetState) {
        Wire.Writer wait = new Wire.Writer().strings(1, names);
        if (timeoutMs >= 0) {
            wait.uint(2, uint32(timeoutMs));
        }
        wait.strings(3, labels);
        if (targetState != null && !targetState.isEmpty()) {
            wait.string(4, targetState);
        }
        return wait;
    }

    /**
     * The next event pushed by the daemon after {@link #asyncWait}.
     *
     * @param timeoutMs how long to wait for one: 0 to only take what already arrived, negative for ever
     * @return the event, or {@code null} if none came in time (or nothing was ever asked for)
     */
    public synchronized WaitEvent nextEvent(long timeoutMs) {
        checkOpen();
        if (!events.isEmpty()) {
            return events.poll();
        }
        if (!connection.isOpen()) {
            if (asyncWait == null) {
                return null;
            }
            openConnection();
        }
        long deadline = timeoutMs < 0 ? NO_DEADLINE : System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            byte[] message = connection.receive(deadline, true);
            if (message == null) {
                return null;
            }
            Wire.Fields rsp = fields(message);
            if (rsp.has(R_ASYNC_WAIT)) {
                try {
                    return event(rsp.message(R_ASYNC_WAIT));
                } catch (Wire.MalformedException e) {
                    throw malformed(e);
                }
            }
            // an answer without a question: nothing to hand it to
        }
    }

    /** Events already received and not yet taken by {@link #nextEvent(long)}. */
    public synchronized List<WaitEvent> pendingEvents() {
        List<WaitEvent> list = new ArrayList<>(events);
        events.clear();
        return list;
    }

    // ---------------------------------------------------------------- raw calls

    /**
     * Sends one request and returns the daemon's answer.
     *
     * @throws PortoClientException if the answer carries an error, or the socket fails
     */
    public Rpc.TContainerResponse call(Rpc.TContainerRequest request) {
        Rpc.TContainerResponse rsp = request(request);
        if (rsp.getError() != Rpc.EError.Success) {
            throw new PortoClientException(rsp.getError().getNumber(), rsp.getErrorMsg());
        }
        return rsp;
    }

    /**
     * Sends one request and returns the daemon's answer as it is, error code included; only failures
     * of the socket throw.
     */
    public synchronized Rpc.TContainerResponse request(Rpc.TContainerRequest request) {
        checkOpen();
        byte[] body = request.toByteArray();
        byte[] answer = exchange(Framing.frame(body, 0, body.length), deadline(0));
        try {
            return Rpc.TContainerResponse.parser().parsePartialFrom(answer);
        } catch (InvalidProtocolBufferException e) {
            throw connection.broken("recv: " + e.getMessage(), e);
        }
    }

    private Wire.Fields call(int method, Wire.Writer body) {
        return call(method, body, 0);
    }

    private synchronized Wire.Fields call(int method, Wire.Writer body, long extraMs) {
        checkOpen();
        byte[] frame = new Wire.Writer().message(method, body).toFrame();
        Wire.Fields rsp = fields(exchange(frame, deadline(extraMs)));
        long error = rsp.number(R_ERROR, LOST_ERROR);
        if (error != 0) {
            throw new PortoClientException((int) error, rsp.string(R_ERROR_MSG));
        }
        return rsp;
    }

    /** The deadline of a call: none without a timeout, or when the call itself waits for ever. */
    private long deadline(long extraMs) {
        if (timeoutNanos > 0 && extraMs >= 0) {
            return System.nanoTime() + timeoutNanos + extraMs * 1_000_000L;
        }
        return NO_DEADLINE;
    }

    private Wire.Fields fields(byte[] message) {
        try {
            return Wire.Fields.parse(message);
        } catch (Wire.MalformedException e) {
            throw malformed(e);
        }
    }

    private PortoClientException malformed(Wire.MalformedException e) {
        return connection.broken("recv: malformed answer: " + e.getMessage(), e);
    }

    private static String value(Wire.Fields rsp, int field) {
        try {
            return rsp.message(field).string(1);
        } catch (Wire.MalformedException e) {
            throw new PortoClientException(SOCKET_ERROR, "recv: malformed answer: " + e.getMessage(), e);
        }
    }

    /** Sets the nonblock/sync/real flags at the given field numbers (0: not in this request). */
    private static void flags(Wire.Writer w, GetOption[] options, int nonblock, int sync, int real) {
        boolean[] set = new boolean[3];
        for (GetOption option : options) {
            set[option.ordinal()] = true;
        }
        if (set[GetOption.NONBLOCK.ordinal()] && nonblock > 0) {
            w.bool(nonblock, true);
        }
        if (set[GetOption.SYNC.ordinal()]) {
            w.bool(sync, true);
        }
        if (set[GetOption.REAL.ordinal()]) {
            w.bool(real, true);
        }
    }

    /** Sends, reopening a stale connection once, then reads the answer, keeping pushed events aside. */
    private byte[] exchange(byte[] frame, long deadline) {
        boolean fresh = false;
        if (!connection.isOpen()) {
            openConnection();
            fresh = true;
        }
        try {
            connection.send(frame, deadline);
        } catch (IOException e) {
            connection.disconnect();
            if (fresh) {
                throw new PortoClientException(SOCKET_ERROR, "send: " + e.getMessage(), e);
            }
            openConnection();
            try {
                connection.send(frame, deadline);
            } catch (IOException again) {
                connection.disconnect();
                throw new PortoClientException(SOCKET_ERROR, "send: " + again.getMessage(), again);
            }
        }
        while (true) {
            byte[] message = connection.receive(deadline, false);
            Wire.Fields rsp = fields(message);
            if (!rsp.has(R_ASYNC_WAIT)) {
                return message;
            }
            try {
                events.add(event(rsp.message(R_ASYNC_WAIT)));
            } catch (Wire.MalformedException e) {
                throw malformed(e);
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        connection.disconnect();
    }

    // ---------------------------------------------------------------- connection

    private void checkOpen() {
        if (closed) {
            throw new PortoClientException(SOCKET_ERROR, "client is closed");
        }
    }

    /** Connects, and asks again for the async wait that the daemon forgot with an earlier connection. */
    private void openConnection() {
        connection.open();
        boolean restore = everConnected && asyncWait != null;
        everConnected = true;
        if (restore) {
            // the daemon forgot our async wait with the old connection: ask again
            Wire.Fields rsp = fields(exchange(new Wire.Writer().message(M_ASYNC_WAIT, asyncWait).toFrame(),
                    NO_DEADLINE));
            long error = rsp.number(R_ERROR, LOST_ERROR);
            if (error != 0) {
                asyncWait = null;
                throw new PortoClientException((int) error, rsp.string(R_ERROR_MSG));
            }
        }
    }


    private static WaitEvent event(Wire.Fields w) {
        return new WaitEvent(w.string(1), w.string(2), w.number(3, 0), w.string(4), w.string(5));
    }

    private static int uint32(long ms) {
        return (int) Math.min(ms, 0xFFFF_FFFFL);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortoClientException(SOCKET_ERROR, "interrupted");
        }
    }
}
