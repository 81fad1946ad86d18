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
    Busy(15),
    NoValue(20),
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
