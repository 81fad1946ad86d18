package porto.domain;

/** A property's value or the error that took its place (one cell of a many-container get). */
public record Result(String value, PortoException error) {
    static Result ok(String v) {
        return new Result(v, null);
    }

    static Result error(PortoException e) {
        return new Result(null, e);
    }
}
