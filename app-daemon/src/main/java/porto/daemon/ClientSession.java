package porto.daemon;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import porto.domain.Caller;
import porto.domain.ClientScope;
import porto.domain.ContainerService;
import porto.domain.Events;
import porto.domain.Masks;
import porto.domain.PortoException;
import porto.protocol.Framing;
import porto.rpc.Rpc.EError;
import porto.rpc.Rpc.TContainerRequest;
import porto.rpc.Rpc.TContainerResponse;
import porto.rpc.Rpc.TContainerWaitRequest;
import porto.rpc.Rpc.TContainerWaitResponse;

/**
 * One client: requests are served in order on this connection's virtual thread; AsyncWait
 * reports are queued by the domain and written by a second thread, under the same write lock.
 */
final class ClientSession implements Api.Session, ClientLimits.Client {
    /** Larger requests are refused and their connection closed. */
    static final int MAX_FRAME = 32 << 20;

    private final SocketChannel channel;
    /** The peer, then (once identified on this connection's thread) with its container. */
    private Caller caller;
    private final Api api;
    private final ContainerService service;
    private final Object writeLock = new Object();
    private final Set<String> weak = new LinkedHashSet<>();
    /** Reports not yet written; a client that stops reading loses its connection, not our memory. */
    private static final int MAX_PENDING_REPORTS = 10_000;
    private final LinkedBlockingQueue<TContainerResponse> pushes = new LinkedBlockingQueue<>(MAX_PENDING_REPORTS);
    private volatile Events.Listener asyncListener;
    private Thread pusher;
    private OutputStream out;
    private final ClientLimits limits;
    /** The peer's own uid: root keeps room beyond the limits even when it acts as a container's owner. */
    private final boolean superuser;
    private volatile boolean busy;
    private volatile long lastActivity = System.nanoTime();

    ClientSession(SocketChannel channel, Caller caller, Api api, ContainerService service, ClientLimits limits) {
        this.channel = channel;
        this.caller = caller;
        this.api = api;
        this.service = service;
        this.limits = limits;
        this.superuser = caller.uid() == 0;
    }

    @Override
    public String owner() {
        return caller.inContainer() ? "container " + caller.container() : "user " + caller.uid();
    }

    @Override
    public boolean busy() {
        return busy;
    }

    @Override
    public long lastActivity() {
        return lastActivity;
    }

    @Override
    public void drop() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public Caller caller() {
        return caller;
    }

    void serve() {
        // Off the accept loop: finding the client's container takes the service lock.
        try (channel) { // closed on every path, a failure to identify the client included
            caller = service.identify(caller.pid(), caller.uid(), caller.gid(), caller.startTime());
            String refusal = limits.admit(this, superuser);
            if (refusal != null) {
                refuse(refusal);
                return;
            }
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            out = Channels.newOutputStream(channel);
            while (true) {
                byte[] frame = Framing.read(in, MAX_FRAME);
                if (frame == null)
                    break;
                busy = true;
                TContainerRequest req;
                try {
                    req = TContainerRequest.parser().parsePartialFrom(frame);
                } catch (InvalidProtocolBufferException e) {
                    Log.info("client pid " + caller.pid() + " sent a message that does not parse; closing: " + e.getMessage());
                    break;
                }
                TContainerResponse rsp = api.handle(req, this);
                send(rsp);
                lastActivity = System.nanoTime();
                busy = false;
            }
        } catch (IOException e) {
            Log.info("client pid " + caller.pid() + ": " + e.getMessage() + "; closing");
        } catch (RuntimeException e) {
            Log.error("client pid " + caller.pid() + ": request handling broke; closing", e);
        } finally {
            limits.leave(this);
            close();
        }
    }

    /**
     * Answers the client's first request with ResourceNotAvailable and closes the connection; when
     * too many refused clients already wait for theirs, closes it at once without an answer.
     */
    private void refuse(String why) {
        if (!limits.mayWaitForRefusal())
            return; // the caller's try-with-resources closes the channel
        try {
            long closedMeanwhile = limits.takeClosedUnanswered();
            Log.info("client pid " + caller.pid() + " refused: " + why
                    + (closedMeanwhile > 0 ? " (" + closedMeanwhile + " refused connections closed unanswered before it)" : ""));
            answerRefusal(why);
        } finally {
            limits.refusalAnswered();
        }
    }

    private void answerRefusal(String why) {
        Thread closer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(limits.refusalWaitMillis());
                drop();
            } catch (InterruptedException e) {
                // answered in time
            }
        });
        try (channel) {
            if (Framing.read(new BufferedInputStream(Channels.newInputStream(channel)), MAX_FRAME) != null)
                Framing.write(Channels.newOutputStream(channel), TContainerResponse.newBuilder()
                        .setError(EError.ResourceNotAvailable).setErrorMsg(why).build().toByteArray());
        } catch (IOException e) {
            // the client left, or sent nothing in time
        } finally {
            closer.interrupt();
        }
    }

    private void send(TContainerResponse rsp) throws IOException {
        synchronized (writeLock) {
            Framing.write(out, rsp.toByteArray());
        }
    }

    private void close() {
        stopAsyncWait();
        if (pusher != null)
            pusher.interrupt();
        List<String> names;
        synchronized (weak) {
            names = new ArrayList<>(weak);
        }
        for (String name : names)
            service.destroyIfWeak(name);
    }

    @Override
    public void createdWeak(String name) {
        synchronized (weak) {
            weak.add(name);
        }
    }

    @Override
    public void asyncWait(TContainerWaitRequest request, ClientScope scope) throws PortoException {
        List<String> wanted = new ArrayList<>();
        for (String n : request.getNameList())
            wanted.add(n.equals("***") || Masks.isMask(n) ? scope.resolveMask(n) : scope.resolve(n));
        stopAsyncWait();
        String target = request.hasTargetState() ? request.getTargetState() : null;
        List<String> labels = request.getLabelList();
        Events.Listener listener = new Events.Listener() {
            @Override
            public void stateChanged(String name, String state, long when) {
                if (target != null && !target.isEmpty() && !target.equals(state))
                    return;
                report(name, TContainerWaitResponse.newBuilder().setState(state).setWhen(when / 1000));
            }

            /** With label masks asked for, a change of a matching label is reported too (as upstream). */
            @Override
            public void labelChanged(String name, String state, String label, String value, long when) {
                if (labels.stream().anyMatch(l -> Masks.matches(label, l)))
                    report(name, TContainerWaitResponse.newBuilder().setState(state).setWhen(when / 1000).setLabel(label).setValue(value));
            }

            private void report(String name, TContainerWaitResponse.Builder event) {
                String seen = scope.relative(name);
                if (seen == null || !matches(wanted, name))
                    return;
                if (!pushes.offer(TContainerResponse.newBuilder().setError(EError.Success)
                        .setAsyncWait(event.setName(seen)).build()))
                    abandon();
            }
        };
        asyncListener = listener;
        service.addListener(listener);
        if (pusher == null) {
            pusher = Thread.ofVirtual().name("porto-push-" + caller.pid()).start(this::pushLoop);
        }
    }

    private static boolean matches(List<String> wanted, String name) {
        if (wanted.isEmpty())
            return true;
        for (String w : wanted)
            if (w.equals(name) || w.equals("***") || (Masks.isMask(w) && Masks.matches(name, w)))
                return true;
        return false;
    }

    /** Closes the connection of a client that does not read its reports. */
    private void abandon() {
        Log.info("client pid " + caller.pid() + " does not read its AsyncWait reports; closing it");
        stopAsyncWait();
        try {
            channel.close();
        } catch (java.io.IOException e) {
            // closing anyway
        }
    }

    private void pushLoop() {
        try {
            while (true) {
                send(pushes.take());
            }
        } catch (InterruptedException | IOException e) {
            // ClientSession closed.
        }
    }

    @Override
    public void stopAsyncWait() {
        Events.Listener l = asyncListener;
        if (l != null) {
            service.removeListener(l);
            asyncListener = null;
        }
    }
}
