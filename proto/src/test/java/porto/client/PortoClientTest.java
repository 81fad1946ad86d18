package porto.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import porto.rpc.Rpc;
import porto.rpc.Rpc.EError;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PortoClientTest {

    private static Rpc.TContainerRequest take(FakePortod portod) throws InterruptedException {
        Rpc.TContainerRequest req = portod.requests.poll(5, TimeUnit.SECONDS);
        if (req == null) {
            throw new AssertionError("the fake daemon received nothing");
        }
        return req;
    }

    @Test
    void roundTripsRequestsAndAnswers() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) -> {
            if (req.hasList()) {
                return List.of(Rpc.TContainerResponse.newBuilder().setError(EError.Success)
                        .setList(Rpc.TContainerListResponse.newBuilder().addName("a").addName("a/b")).build());
            }
            if (req.hasGetProperty()) {
                return List.of(Rpc.TContainerResponse.newBuilder().setError(EError.Success)
                        .setGetProperty(Rpc.TContainerGetPropertyResponse.newBuilder()
                                .setValue(req.getGetProperty().getName() + ":" + req.getGetProperty().getProperty()))
                        .build());
            }
            if (req.hasVersion()) {
                return List.of(Rpc.TContainerResponse.newBuilder().setError(EError.Success)
                        .setVersion(Rpc.TVersionResponse.newBuilder().setTag("5.3.15").setRevision("r1")).build());
            }
            return List.of(FakePortod.ok());
        });
             PortoClient client = PortoClient.connect(portod.socket)) {

            assertEquals(0, portod.connections.get(), "connect() must not open the socket");

            client.create("a");
            assertEquals("a", take(portod).getCreate().getName());

            client.createWeak("w");
            assertEquals("w", take(portod).getCreateWeak().getName());

            assertEquals(List.of("a", "a/b"), client.list("a*"));
            assertEquals("a*", take(portod).getList().getMask());

            client.list();
            assertFalse(take(portod).getList().hasMask());

            assertEquals("a:state", client.getProperty("a", "state"));
            take(portod);

            client.setProperty("a", "command", "sleep 1");
            Rpc.TContainerSetPropertyRequest set = take(portod).getSetProperty();
            assertEquals(List.of("a", "command", "sleep 1"), List.of(set.getName(), set.getProperty(), set.getValue()));

            client.stop("a", 2500);
            assertEquals(2500, take(portod).getStop().getTimeoutMs());
            client.stop("a");
            assertFalse(take(portod).getStop().hasTimeoutMs());

            client.kill("a", 9);
            assertEquals(9, take(portod).getKill().getSig());

            client.respawn("a");
            assertEquals("a", take(portod).getRespawn().getName());

            assertEquals(new Version("5.3.15", "r1"), client.version());
            take(portod);

            client.createFromSpec(Rpc.TContainerSpec.newBuilder().setName("s").setCommand("true").build(), true);
            Rpc.TCreateFromSpecRequest spec = take(portod).getCreateFromSpec();
            assertEquals("s", spec.getContainer().getName());
            assertTrue(spec.getStart());

            assertEquals(1, portod.connections.get(), "all calls share one connection");
        }
    }

    @Test
    void getKeepsValuesAndPerValueErrors() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) -> List.of(Rpc.TContainerResponse.newBuilder()
                .setError(EError.Success)
                .setGet(Rpc.TContainerGetResponse.newBuilder()
                        .addList(Rpc.TContainerGetResponse.TContainerGetListResponse.newBuilder()
                                .setName("a")
                                .addKeyval(Rpc.TContainerGetResponse.TContainerGetValueResponse.newBuilder()
                                        .setVariable("state").setValue("running"))
                                .addKeyval(Rpc.TContainerGetResponse.TContainerGetValueResponse.newBuilder()
                                        .setVariable("bogus").setError(EError.InvalidProperty)
                                        .setErrorMsg("Unknown container property: bogus"))))
                .build()));
             PortoClient client = PortoClient.connect(portod.socket)) {

            Map<String, Map<String, ValueOrError>> result =
                    client.get(List.of("a"), List.of("state", "bogus"), GetOption.SYNC, GetOption.NONBLOCK);
            Rpc.TContainerGetRequest req = take(portod).getGet();
            assertTrue(req.getSync());
            assertTrue(req.getNonblock());
            assertFalse(req.getReal());

            ValueOrError state = result.get("a").get("state");
            assertFalse(state.isError());
            assertEquals("running", state.value());

            ValueOrError bogus = result.get("a").get("bogus");
            assertTrue(bogus.isError());
            assertEquals(EError.InvalidProperty, bogus.error());
            PortoClientException e = assertThrows(PortoClientException.class, bogus::valueOrThrow);
            assertEquals("InvalidProperty (Unknown container property: bogus)", e.getMessage());
        }
    }

    @Test
    void mapsDaemonErrorsToPortoClientException() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) ->
                List.of(FakePortod.error(EError.ContainerDoesNotExist, "container a not found")));
             PortoClient client = PortoClient.connect(portod.socket)) {

            PortoClientException e = assertThrows(PortoClientException.class, () -> client.start("a"));
            assertEquals(EError.ContainerDoesNotExist, e.error());
            assertEquals(EError.ContainerDoesNotExist_VALUE, e.code());
            assertEquals("container a not found", e.errorMessage());
            assertEquals("ContainerDoesNotExist (container a not found)", e.getMessage());

            // request() hands the answer back without judging it
            Rpc.TContainerResponse rsp = client.request(Rpc.TContainerRequest.newBuilder()
                    .setStart(Rpc.TContainerStartRequest.newBuilder().setName("a")).build());
            assertEquals(EError.ContainerDoesNotExist, rsp.getError());
        }
    }

    @Test
    void anAnswerWithoutErrorCodeIsLostError() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) -> List.of(Rpc.TContainerResponse.getDefaultInstance()));
             PortoClient client = PortoClient.connect(portod.socket)) {
            assertEquals(EError.LostError, assertThrows(PortoClientException.class, () -> client.create("a")).error());
        }
    }

    @Test
    void missingSocketIsSocketUnavailable() {
        try (PortoClient client = PortoClient.connect(Path.of("/nonexistent/dir/portod.socket"))) {
            PortoClientException e = assertThrows(PortoClientException.class, client::version);
            assertEquals(EError.SocketUnavailable, e.error());
            assertTrue(e.errorMessage().startsWith("connect: "), e.errorMessage());
        }
    }

    @Test
    void droppedConnectionIsSocketErrorAndTheNextCallReconnects() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) -> {
            if (req.hasDestroy()) {
                s.close();
                return List.of();
            }
            return List.of(FakePortod.ok());
        });
             PortoClient client = PortoClient.connect(portod.socket)) {

            client.create("a");
            PortoClientException e = assertThrows(PortoClientException.class, () -> client.destroy("a"));
            assertEquals(EError.SocketError, e.error());

            client.start("a");
            assertEquals(2, portod.connections.get());
        }
    }

    @Test
    void silentDaemonTimesOut() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) -> req.hasPause() ? List.of() : List.of(FakePortod.ok()));
             PortoClient client = PortoClient.connect(portod.socket)) {
            client.setTimeout(Duration.ofMillis(200));
            long t0 = System.nanoTime();
            PortoClientException e = assertThrows(PortoClientException.class, () -> client.pause("a"));
            assertEquals(EError.SocketTimeout, e.error());
            assertTrue(System.nanoTime() - t0 >= 150_000_000L);
            // the late answer must not be taken for the next one: a fresh connection is used
            client.resume("a");
            assertEquals(2, portod.connections.get());
        }
    }

    @Test
    void largeAnswersArriveWhole() throws Exception {
        String big = "0123456789abcdef".repeat(64 * 1024);
        try (FakePortod portod = new FakePortod((req, s) -> List.of(Rpc.TContainerResponse.newBuilder()
                .setError(EError.Success)
                .setGetData(Rpc.TContainerGetDataResponse.newBuilder().setValue(big)).build()));
             PortoClient client = PortoClient.connect(portod.socket)) {
            assertEquals(big, client.getData("a", "stdout"));
            assertEquals(big, client.getData("a", "stderr"));
        }
    }

    @Test
    void waitReturnsNameOrNullOnTimeout() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) -> {
            Rpc.TContainerWaitResponse.Builder w = Rpc.TContainerWaitResponse.newBuilder();
            if (req.getWait().getName(0).equals("a")) {
                w.setName("a").setState("dead").setWhen(1234);
            } else {
                w.setName("");
            }
            return List.of(Rpc.TContainerResponse.newBuilder().setError(EError.Success).setWait(w).build());
        });
             PortoClient client = PortoClient.connect(portod.socket)) {

            assertEquals("a", client.waitContainers(List.of("a"), -1));
            assertFalse(take(portod).getWait().hasTimeoutMs());

            assertNull(client.waitContainers(List.of("b"), 1500));
            assertEquals(1500, take(portod).getWait().getTimeoutMs());

            WaitEvent event = client.wait(List.of("a"), List.of(), 10, "dead");
            assertEquals(new WaitEvent("a", "dead", 1234, "", ""), event);
            assertEquals("dead", take(portod).getWait().getTargetState());
        }
    }

    @Test
    void pushedEventsAreKeptInOrderAroundAnswers() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) -> {
            if (req.hasAsyncWait()) {
                // the answer, then an event right behind it
                return List.of(FakePortod.ok(), FakePortod.event("a", "dead", 1));
            }
            if (req.hasStart()) {
                // an event arriving while the client waits for its answer
                return List.of(FakePortod.event("b", "dead", 2), FakePortod.ok());
            }
            return List.of(FakePortod.ok());
        });
             PortoClient client = PortoClient.connect(portod.socket)) {

            assertNull(client.nextEvent(0), "nothing was asked for yet");

            client.asyncWait(List.of("a", "b"));
            assertEquals(List.of("a", "b"), take(portod).getAsyncWait().getNameList());

            client.start("c");

            // "a" was pushed first (behind the AsyncWait answer), "b" while start waited: in that order
            assertEquals(new WaitEvent("a", "dead", 1, "", ""), client.nextEvent(0));
            assertEquals(new WaitEvent("b", "dead", 2, "", ""), client.nextEvent(1000));

            long t0 = System.nanoTime();
            assertNull(client.nextEvent(200));
            assertTrue(System.nanoTime() - t0 >= 150_000_000L);
        }
    }

    @Test
    void eventsPushedLaterAreRead() throws Exception {
        FakePortod.Session[] session = new FakePortod.Session[1];
        try (FakePortod portod = new FakePortod((req, s) -> {
            session[0] = s;
            return List.of(FakePortod.ok());
        });
             PortoClient client = PortoClient.connect(portod.socket)) {

            client.asyncWait(List.of("***"), List.of("x"), 5000, "dead");
            Rpc.TContainerWaitRequest req = take(portod).getAsyncWait();
            assertEquals(5000, req.getTimeoutMs());
            assertEquals("dead", req.getTargetState());
            assertEquals(List.of("x"), req.getLabelList());

            Thread pusher = new Thread(() -> {
                try {
                    Thread.sleep(100);
                    session[0].push(FakePortod.event("z", "dead", 7));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            pusher.start();
            assertEquals(new WaitEvent("z", "dead", 7, "", ""), client.nextEvent(-1));
            pusher.join();

            // calls still work on the same connection afterwards
            client.destroy("z");
            assertEquals(1, portod.connections.get());
        }
    }

    @Test
    void asyncWaitIsRenewedAfterReconnect() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) -> {
            if (req.hasKill()) {
                s.close();
                return List.of();
            }
            return List.of(FakePortod.ok());
        });
             PortoClient client = PortoClient.connect(portod.socket)) {
            client.asyncWait(List.of("a"));
            take(portod);
            assertThrows(PortoClientException.class, () -> client.kill("a", 15));
            take(portod);
            client.start("a");
            Rpc.TContainerRequest renewed = take(portod);
            assertTrue(renewed.hasAsyncWait(), "the async wait is asked for again on the new connection");
            assertTrue(take(portod).hasStart());
        }
    }

    @Test
    void closedClientRefusesCalls() throws Exception {
        try (FakePortod portod = new FakePortod((req, s) -> List.of(FakePortod.ok()))) {
            PortoClient client = PortoClient.connect(portod.socket);
            client.create("a");
            client.close();
            assertEquals(EError.SocketError, assertThrows(PortoClientException.class, () -> client.create("b")).error());
        }
    }
}
