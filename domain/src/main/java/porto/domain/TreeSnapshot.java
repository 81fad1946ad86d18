package porto.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A read-only view of the tree for invariant checks, valid while {@link ContainerService#inspect} runs. */
public final class TreeSnapshot {
    private final ContainerTree tree;

    TreeSnapshot(ContainerTree tree) {
        this.tree = tree;
    }

    public List<Container> containers() {
        return new ArrayList<>(tree.containers().values());
    }

    public Map<Integer, String> pids() {
        return tree.pids();
    }
}
