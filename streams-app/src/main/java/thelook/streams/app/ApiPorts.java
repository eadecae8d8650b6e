package thelook.streams.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import thelook.streams.serving.ApiServer;

/**
 * Decides the API's port before Kafka Streams starts: {@code application.server} (what other instances
 * are told) must be known then, so "any free port" (0, in tests) is resolved here.
 */
final class ApiPorts {
    private ApiPorts() {}

    static ApiServer.Settings resolve(ApiServer.Settings s) {
        int port = s.port() != 0 ? s.port() : freePort();
        int advertised = s.advertisedPort() != 0 ? s.advertisedPort() : port;
        return new ApiServer.Settings(port, s.advertisedHost(), advertised, s.token(), s.metricsNeedToken());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port for the API", e);
        }
    }
}
