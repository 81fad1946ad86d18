package porto.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import porto.ports.Users;

/**
 * What every {@link Users} must answer, over the database of the fake kernel: root(0),
 * daemon(1), bin(2) and alice(1000), each with a group of its name and id, and groups porto(990)
 * and porto-containers(991) with nobody in them until {@link Fixture#addMember}.
 */
public abstract class UsersConformance {
    public static final int ALICE = 1000;
    public static final int PORTO = 990;

    /** The adapter over that database, and a way to change it behind the port's back. */
    public interface Fixture extends AutoCloseable {
        Users users();

        /** Puts user {@code uid} in group {@code gid}: the adapter must see it at the next question. */
        void addMember(int gid, int uid) throws Exception;

        @Override
        void close() throws Exception;
    }

    protected abstract Fixture newFixture() throws Exception;

    private Fixture fx;
    private Users users;

    @BeforeEach
    void setUpUsers() throws Exception {
        fx = newFixture();
        users = fx.users();
    }

    @AfterEach
    void tearDownUsers() throws Exception {
        if (fx != null)
            fx.close();
    }

    @Test
    void namesAndIdsMapBothWays() {
        assertEquals(OptionalInt.of(0), users.uid("root"));
        assertEquals(OptionalInt.of(ALICE), users.uid("alice"));
        assertEquals(Optional.of("alice"), users.userName(ALICE));
        assertEquals(OptionalInt.of(PORTO), users.gid("porto"));
        assertEquals(Optional.of("porto-containers"), users.groupName(991));
        assertEquals(Optional.of("daemon"), users.groupName(1));
    }

    @Test
    void whoIsNotThereIsNotFound() {
        assertEquals(OptionalInt.empty(), users.uid("nobody-here"));
        assertEquals(OptionalInt.empty(), users.gid("no-such-group"));
        assertEquals(Optional.empty(), users.userName(54321));
        assertEquals(Optional.empty(), users.groupName(54321));
        assertEquals(OptionalInt.empty(), users.primaryGid(54321));
        assertEquals(List.of(), users.groupsOf(54321));
        assertEquals(Optional.empty(), users.home(54321));
    }

    @Test
    void aUserHasAPrimaryGroupAHomeAndTheGroupsItIsIn() throws Exception {
        assertEquals(OptionalInt.of(ALICE), users.primaryGid(ALICE));
        assertEquals(Optional.of("/home/alice"), users.home(ALICE));
        assertEquals(Optional.of("/root"), users.home(0));
        assertEquals(List.of(ALICE), users.groupsOf(ALICE));
        fx.addMember(PORTO, ALICE);
        assertEquals(List.of(ALICE, PORTO), users.groupsOf(ALICE), "the primary group first, then the others");
        assertTrue(users.groupsOf(0).contains(0));
    }
}
