package porto.domain;

/** Porto's error codes; the numbers are those of EError in rpc.proto. */
public enum ErrorCode {
    Success(0),
    Unknown(1),
    InvalidMethod(2),
    ContainerAlreadyExists(3),
    ContainerDoesNotExist(4),
    InvalidProperty(5),
    InvalidData(6),
    InvalidValue(7),
    InvalidState(8),
    NotSupported(9),
    ResourceNotAvailable(10),
    Permission(11),
    VolumeAlreadyExists(12),
    VolumeNotFound(13),
    NoSpace(14),
    Busy(15),
    VolumeAlreadyLinked(16),
    VolumeNotLinked(17),
    LayerAlreadyExists(18),
    LayerNotFound(19),
    NoValue(20),
    VolumeNotReady(21),
    InvalidCommand(22),
    LostError(23),
    DeviceNotFound(24),
    InvalidPath(25),
    LabelNotFound(28),
    InvalidLabel(29);

    private final int number;

    ErrorCode(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
