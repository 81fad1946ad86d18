package porto.cli.unit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import porto.cli.Props;

class PropsTest {

    @Test
    void splitsAtTheFirstEqualsSign() {
        // portoctl run env command="bash -c 'env'" env="A=1; B=2": the shell already split the words
        assertArrayEquals(new String[] {"command", "bash -c 'env'"}, Props.split("command=bash -c 'env'"));
        assertArrayEquals(new String[] {"env", "A=1; B=2"}, Props.split("env=A=1; B=2"));
        assertArrayEquals(new String[] {"command", "sh -c 'x=1; echo $x'"}, Props.split("command=sh -c 'x=1; echo $x'"));
    }

    @Test
    void emptySidesAreKept() {
        assertArrayEquals(new String[] {"cwd", ""}, Props.split("cwd="));
        assertArrayEquals(new String[] {"", "x"}, Props.split("=x"));
    }

    @Test
    void noEqualsSignIsNotAProperty() {
        assertNull(Props.split("command"));
        assertNull(Props.split(""));
    }
}
