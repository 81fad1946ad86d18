package porto.domain.volume;

import porto.domain.PortoException;

/** What volumes need to know about containers, answered by the container side (never under the volume lock). */
public interface Containers {
    boolean exists(String name);

    /** The host path of the container's root ("/" for the host and for containers without a root of their own). */
    String hostRoot(String name) throws PortoException;

    /** None: every container exists and has the host's root (for tests of volumes alone). */
    Containers HOST_ONLY = new Containers() {
        @Override
        public boolean exists(String name) {
            return true;
        }

        @Override
        public String hostRoot(String name) {
            return "/";
        }
    };
}
