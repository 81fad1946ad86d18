/**
 * The port conformance suite: one abstract JUnit class per port ({@code StateStoreConformance},
 * {@code ContainerFilesConformance}, {@code CgroupsConformance}, ...). Each kernel's adapters
 * module extends every class in its tests with a small fixture that builds its adapter on scratch
 * state, so the same assertions hold for the simulated kernel and for Linux. A new port (storage,
 * network) joins by adding its abstract class and fixture interface here and one subclass per kernel.
 */
package porto.conformance;
