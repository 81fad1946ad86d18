package porto.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import porto.client.PortoClient;
import porto.client.PortoClientException;
import porto.rpc.Rpc.EError;
import porto.rpc.Rpc.TContainerCreateRequest;
import porto.rpc.Rpc.TContainerRequest;
import porto.rpc.Rpc.TContainerResponse;
import porto.rpc.Rpc.TVersionRequest;

/** Malformed and refused requests get Porto's errors, and the daemon keeps serving. */
class ProtocolTest extends PortodTest {
    private static SocketChannel connect() throws Exception {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(portod.socket));
        return ch;
    }

    private static TContainerResponse exchange(SocketChannel ch, byte[] body) throws Exception {
        OutputStream out = Channels.newOutputStream(ch);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(frame);
        coded.writeUInt32NoTag(body.length);
        coded.flush();
        frame.write(body);
        out.write(frame.toByteArray());
        out.flush();
        return TContainerResponse.parseDelimitedFrom(Channels.newInputStream(ch));
    }

    private static void assertStillServing() {
        try (PortoClient c = portod.client()) {
            assertEquals("5.3.15", c.version().tag());
        }
    }

    @Test
    void requestWithoutMethodIsInvalidMethod() throws Exception {
        try (SocketChannel ch = connect()) {
            assertEquals(EError.InvalidMethod, exchange(ch, new byte[0]).getError());
            // The same connection goes on serving.
            var v = exchange(ch, TContainerRequest.newBuilder().setVersion(TVersionRequest.getDefaultInstance()).build().toByteArray());
            assertEquals(EError.Success, v.getError());
        }
    }

    @Test
    void unknownMethodIsInvalidMethod() throws Exception {
        // Field 304 is upstream's listDockerImages: declared in rpc.proto but without a handler here.
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(304, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.EMPTY).build()).build();
        byte[] body = TContainerRequest.newBuilder().setUnknownFields(unknown).build().toByteArray();
        try (SocketChannel ch = connect()) {
            TContainerResponse rsp = exchange(ch, body);
            assertEquals(EError.InvalidMethod, rsp.getError());
            assertTrue(rsp.getErrorMsg().contains("listDockerImages (304)"), rsp.getErrorMsg());
        }
        assertStillServing();
    }

    @Test
    void twoMethodsAreInvalidMethod() throws Exception {
        byte[] body = TContainerRequest.newBuilder()
                .setVersion(TVersionRequest.getDefaultInstance())
                .setCreate(TContainerCreateRequest.newBuilder().setName("two"))
                .build().toByteArray();
        try (SocketChannel ch = connect()) {
            assertEquals(EError.InvalidMethod, exchange(ch, body).getError());
        }
        try (PortoClient c = portod.client()) {
            assertEquals(List.of(), c.list("two"));
        }
    }

    @Test
    void unknownFieldInsideTheMethodIsInvalidMethod() throws Exception {
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build();
        byte[] body = TContainerRequest.newBuilder()
                .setCreate(TContainerCreateRequest.newBuilder().setName("extra").setUnknownFields(unknown))
                .build().toByteArray();
        try (SocketChannel ch = connect()) {
            assertEquals(EError.InvalidMethod, exchange(ch, body).getError());
        }
    }

    @Test
    void oversizedFrameClosesOnlyThatConnection() throws Exception {
        try (SocketChannel ch = connect()) {
            OutputStream out = Channels.newOutputStream(ch);
            // varint of 64 MiB, over the 32 MiB limit
            out.write(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x20});
            out.flush();
            InputStream in = Channels.newInputStream(ch);
            assertEquals(-1, in.read(), "the daemon closes the connection");
        }
        assertStillServing();
    }

    @Test
    void garbageClosesOnlyThatConnection() throws Exception {
        try (SocketChannel ch = connect()) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(new byte[] {5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            out.flush();
            assertEquals(-1, Channels.newInputStream(ch).read());
        }
        assertStillServing();
    }

    @Test
    void badNamesAreInvalidValue() {
        try (PortoClient c = portod.client()) {
            for (String bad : List.of("", "a//b", "bad name", "a/", "x".repeat(129), "a/".repeat(16) + "a", "self/../x", "ünï"))
                assertEquals(EError.InvalidValue, assertThrows(PortoClientException.class, () -> c.create(bad), bad).error(), bad);
            String deep = "l" + "/l".repeat(15);
            for (int i = 1; i <= 16; i++)
                c.create(deep.substring(0, 2 * i - 1));
            assertEquals(EError.InvalidValue, assertThrows(PortoClientException.class, () -> c.create(deep + "/l")).error());
            c.destroy("l");
            assertEquals(List.of(), c.list("l***"));
        }
    }

    @Test
    void unknownContainersPropertiesAndValuesAreRefused() {
        try (PortoClient c = portod.client()) {
            assertEquals(EError.ContainerDoesNotExist, assertThrows(PortoClientException.class, () -> c.start("nope")).error());
            assertEquals(EError.ContainerDoesNotExist, assertThrows(PortoClientException.class, () -> c.create("nope/child")).error());
            c.create("vals");
            assertEquals(EError.InvalidProperty, assertThrows(PortoClientException.class, () -> c.setProperty("vals", "no_such", "1")).error());
            assertEquals(EError.InvalidProperty, assertThrows(PortoClientException.class, () -> c.getProperty("vals", "no_such")).error());
            assertEquals(EError.InvalidValue, assertThrows(PortoClientException.class, () -> c.setProperty("vals", "memory_limit", "lots")).error());
            assertEquals(EError.InvalidValue, assertThrows(PortoClientException.class, () -> c.setProperty("vals", "isolate", "maybe")).error());
            assertEquals(EError.InvalidValue, assertThrows(PortoClientException.class, () -> c.setProperty("vals", "ulimit", "nofile: many")).error());
            assertEquals(EError.InvalidValue, assertThrows(PortoClientException.class, () -> c.setProperty("vals", "state", "running")).error());
            assertEquals(EError.ContainerAlreadyExists, assertThrows(PortoClientException.class, () -> c.create("vals")).error());
            c.setProperty("vals", "memory_limit", "1.5G");
            assertEquals("1610612736", c.getProperty("vals", "memory_limit"));
            c.setProperty("vals", "env", "A=1; B=x\\;y");
            assertEquals("x;y", c.getProperty("vals", "env[B]"));
            c.destroy("vals");
        }
    }

    @Test
    void wrongStatesAreInvalidState() {
        try (PortoClient c = portod.client()) {
            c.create("st");
            assertEquals(EError.InvalidState, assertThrows(PortoClientException.class, () -> c.stop("st")).error());
            assertEquals(EError.InvalidState, assertThrows(PortoClientException.class, () -> c.pause("st")).error());
            assertEquals(EError.InvalidState, assertThrows(PortoClientException.class, () -> c.resume("st")).error());
            assertEquals(EError.InvalidState, assertThrows(PortoClientException.class, () -> c.kill("st", 9)).error());
            assertEquals(EError.InvalidState, assertThrows(PortoClientException.class, () -> c.getProperty("st", "exit_status")).error());
            c.setProperty("st", "command", "sleep 1000");
            c.start("st");
            assertEquals(EError.InvalidState, assertThrows(PortoClientException.class, () -> c.start("st")).error());
            assertEquals(EError.InvalidState, assertThrows(PortoClientException.class, () -> c.setProperty("st", "command", "true")).error());
            c.pause("st");
            assertEquals("paused", c.getProperty("st", "state"));
            c.resume("st");
            assertEquals("running", c.getProperty("st", "state"));
            c.destroy("st");
        }
    }
}
