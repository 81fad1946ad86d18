package porto.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.rpc.Rpc;
import porto.rpc.Rpc.EError;

/** The hand-written codec against the classes protoc generated from rpc.proto. */
class WireTest {

    private static void sameBytes(Rpc.TContainerRequest expected, int method, Wire.Writer body) {
        assertArrayEquals(expected.toByteArray(), new Wire.Writer().message(method, body).toByteArray(),
                expected.toString());
    }

    @Test
    void requestsMatchGeneratedEncoding() {
        sameBytes(Rpc.TContainerRequest.newBuilder()
                .setCreate(Rpc.TContainerCreateRequest.newBuilder().setName("a/b")).build(),
                1, new Wire.Writer().string(1, "a/b"));
        sameBytes(Rpc.TContainerRequest.newBuilder()
                .setKill(Rpc.TContainerKillRequest.newBuilder().setName("a").setSig(-1)).build(),
                13, new Wire.Writer().string(1, "a").int32(2, -1));
        sameBytes(Rpc.TContainerRequest.newBuilder()
                .setStop(Rpc.TContainerStopRequest.newBuilder().setName("a").setTimeoutMs((int) 4_000_000_000L)).build(),
                8, new Wire.Writer().string(1, "a").uint(2, 4_000_000_000L));
        sameBytes(Rpc.TContainerRequest.newBuilder()
                .setGet(Rpc.TContainerGetRequest.newBuilder().addName("a").addName("***")
                        .addVariable("state").addVariable("время").setNonblock(true).setReal(true)).build(),
                15, new Wire.Writer().strings(1, List.of("a", "***")).strings(2, List.of("state", "время"))
                        .bool(3, true).bool(5, true));
        sameBytes(Rpc.TContainerRequest.newBuilder()
                .setPropertyList(Rpc.TContainerPropertyListRequest.getDefaultInstance()).build(),
                11, new Wire.Writer());
        sameBytes(Rpc.TContainerRequest.newBuilder()
                .setStopAsyncWait(Rpc.TContainerWaitRequest.newBuilder().addName("x")).build(),
                128, new Wire.Writer().string(1, "x"));
        sameBytes(Rpc.TContainerRequest.newBuilder()
                .setSetProperty(Rpc.TContainerSetPropertyRequest.newBuilder()
                        .setName("a").setProperty("command").setValue("x".repeat(70_000))).build(),
                5, new Wire.Writer().string(1, "a").string(2, "command").string(3, "x".repeat(70_000)));
    }

    @Test
    void framesLikeProtobufDelimitedWriter() throws Exception {
        Rpc.TContainerRequest req = Rpc.TContainerRequest.newBuilder()
                .setCreate(Rpc.TContainerCreateRequest.newBuilder().setName("y".repeat(300))).build();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        req.writeDelimitedTo(expected);
        assertArrayEquals(expected.toByteArray(),
                new Wire.Writer().message(1, new Wire.Writer().string(1, "y".repeat(300))).toFrame());
    }

    @Test
    void readsWhatTheGeneratedClassesWrite() throws Exception {
        Rpc.TContainerResponse rsp = Rpc.TContainerResponse.newBuilder()
                .setError(EError.Success)
                .setTimestamp(123)
                .setGet(Rpc.TContainerGetResponse.newBuilder()
                        .addList(Rpc.TContainerGetResponse.TContainerGetListResponse.newBuilder()
                                .setName("a").setChangeTime(77)
                                .addKeyval(Rpc.TContainerGetResponse.TContainerGetValueResponse.newBuilder()
                                        .setVariable("state").setValue("running"))
                                .addKeyval(Rpc.TContainerGetResponse.TContainerGetValueResponse.newBuilder()
                                        .setVariable("x").setError(EError.InvalidProperty).setErrorMsg("no"))))
                .setAsyncWait(Rpc.TContainerWaitResponse.newBuilder().setName("n").setWhen(1L << 40))
                .build();
        Wire.Fields f = Wire.Fields.parse(rsp.toByteArray());
        assertEquals(0, f.number(1, 23));
        assertEquals(123, f.number(1000, 0));
        Wire.Fields entry = f.message(10).messages(1).get(0);
        assertEquals("a", entry.string(1));
        List<Wire.Fields> kv = entry.messages(2);
        assertEquals("state", kv.get(0).string(1));
        assertEquals("running", kv.get(0).string(4));
        assertFalse(kv.get(0).has(2));
        assertEquals(EError.InvalidProperty_VALUE, kv.get(1).number(2, 0));
        assertEquals("no", kv.get(1).string(3));
        assertEquals(1L << 40, f.message(19).number(3, 0));
        assertTrue(f.has(19));
        assertFalse(f.has(11));
        assertEquals("", f.message(11).string(1), "an absent message reads as empty");
    }

    @Test
    void absentErrorIsTheDefault() throws Exception {
        Wire.Fields f = Wire.Fields.parse(Rpc.TContainerResponse.getDefaultInstance().toByteArray());
        assertEquals(EError.LostError_VALUE, f.number(1, EError.LostError_VALUE));
    }

    @Test
    void rejectsTruncatedMessages() {
        byte[] bytes = Rpc.TContainerResponse.newBuilder().setErrorMsg("hello").build().toByteArray();
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 2);
        assertThrows(Wire.MalformedException.class, () -> Wire.Fields.parse(cut));
    }
}
