package porto.client;

import porto.rpc.Rpc.EError;

/**
 * One value from a {@link PortoClient#get} answer: either the value of a property or the reason the
 * daemon could not read it.
 *
 * @param value        the value; {@code null} when {@link #isError()}
 * @param code         0 for a value, otherwise the numeric {@link EError} of the failure
 * @param errorMessage the failure's text; empty for a value
 */
public record ValueOrError(String value, int code, String errorMessage) {

    public static ValueOrError ofValue(String value) {
        return new ValueOrError(value == null ? "" : value, 0, "");
    }

    public static ValueOrError ofError(int code, String message) {
        return new ValueOrError(null, code, message == null ? "" : message);
    }

    public boolean isError() {
        return code != 0;
    }

    /** The failure's code as the enum ({@code Success} for a value). */
    public EError error() {
        EError e = EError.forNumber(code);
        return e == null ? EError.Unknown : e;
    }

    /** The value, or throws the failure as a {@link PortoClientException}. */
    public String valueOrThrow() {
        if (isError()) {
            throw new PortoClientException(code, errorMessage);
        }
        return value;
    }
}
