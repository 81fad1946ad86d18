package porto.daemon;

import porto.domain.Caller;
import porto.domain.ContainerName;
import porto.domain.ContainerService;
import porto.domain.ErrorCode;
import porto.domain.PortoException;
import porto.domain.volume.Containers;

/** Containers as volumes see them, read through the container service (never under the volume lock). */
final class ContainerView implements Containers {
    private final ContainerService service;

    ContainerView(ContainerService service) {
        this.service = service;
    }

    @Override
    public boolean exists(String name) {
        if (name.equals(ContainerName.HOST))
            return true;
        try {
            service.get(Caller.ROOT, name, "state");
            return true;
        } catch (PortoException e) {
            return e.code() != ErrorCode.ContainerDoesNotExist;
        }
    }

    /** The container's root as a host path: its read-only property root_path (roots compose). */
    @Override
    public String hostRoot(String name) throws PortoException {
        return name.equals(ContainerName.HOST) ? "/" : service.get(Caller.ROOT, name, "root_path");
    }
}
