package porto.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import porto.domain.StateMachine.Event;

class ContainerTransitionTest {
    private final Container host = new Container(ContainerName.HOST, null, 0);

    @Test
    void aStartGoesThroughStarting() {
        Container c = new Container("a", host, 1);
        assertEquals(State.STARTING, c.transition(Event.START));
        assertEquals(State.RUNNING, c.transition(Event.STARTED));
    }

    @Test
    void aFailedStartReturnsToStopped() {
        Container c = new Container("a", host, 1);
        c.transition(Event.START);
        assertEquals(State.STOPPED, c.transition(Event.START_FAILED));
    }

    @Test
    void aMoveOutsideTheTableThrowsAndChangesNothing() {
        Container c = new Container("a", host, 1);
        assertThrows(StateMachine.IllegalTransition.class, () -> c.transition(Event.STARTED));
        assertThrows(StateMachine.IllegalTransition.class, () -> c.transition(Event.DEATH));
        assertEquals(State.STOPPED, c.state());
    }

    @Test
    void theHostNeverMoves() {
        assertEquals(State.META, host.state());
        assertThrows(StateMachine.IllegalTransition.class, () -> host.transition(Event.PAUSE));
    }

    @Test
    void aRestoredStateIsTakenOnceAndAnUnfinishedStartIsStopped() {
        Container c = new Container("a", host, 1);
        c.restore(State.STARTING);
        assertEquals(State.STOPPED, c.state());
        assertThrows(IllegalStateException.class, () -> c.restore(State.RUNNING));
    }
}
