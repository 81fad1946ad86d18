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

    /** Each level's root is relative to its parent's: the host path is their concatenation. */
    @Override
    public String hostRoot(String name) throws PortoException {
        if (name.equals(ContainerName.HOST))
            return "/";
        String root = "";
        StringBuilder prefix = new StringBuilder();
        for (String part : name.split("/")) {
            if (prefix.length() > 0)
                prefix.append('/');
            prefix.append(part);
            String own = service.get(Caller.ROOT, prefix.toString(), "root");
            if (!own.isEmpty() && !own.equals("/"))
                root = root + (own.startsWith("/") ? own : "/" + own);
        }
        return root.isEmpty() ? "/" : root;
    }
}
