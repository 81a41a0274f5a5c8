package io.zmtp.config.console;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the console refuses: the HTTP status, a stable code for scripts, and a sentence for people. */
final class ApiError extends RuntimeException {
    private final HttpResponseStatus status;
    private final String code;

    ApiError(HttpResponseStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    HttpResponseStatus status() {
        return status;
    }

    String code() {
        return code;
    }
}
