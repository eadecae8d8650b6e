package thelook.streams.serving;

/** An answer other than 200, as {@code {"error": ..., "detail": ...}} with its HTTP status. */
final class ApiError extends RuntimeException {
    final int status;
    final String error;
    final Integer retryAfterSeconds;

    private ApiError(int status, String error, String detail, Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiError badRequest(String detail) {
        return new ApiError(400, "bad_request", detail, null);
    }

    static ApiError notFound(String detail) {
        return new ApiError(404, "not_found", detail, null);
    }

    static ApiError unavailable(String detail) {
        return new ApiError(503, "unavailable", detail, 1);
    }
}
