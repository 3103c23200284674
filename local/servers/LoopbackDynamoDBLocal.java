import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts Amazon DynamoDB Local bound to 127.0.0.1 only.
 *
 * <p>DynamoDB Local has no host option and its Jetty connector binds every interface, which would
 * expose an unauthenticated database to the network. The connector is created (unbound) inside
 * {@code createServerFromCommandLineArgs}, so it can still be pointed at loopback before
 * {@code start()} opens the socket.
 *
 * <p>Arguments are passed through unchanged (e.g. {@code -inMemory -port 8000 -disableTelemetry}).
 * Unlike {@code ServerRunner.main}, this never calls {@code Telemetry.configureTelemetry}, so no
 * telemetry client is created at all.
 *
 * <p>With {@code -Dloopback.exitOnStdinEof=true} the process exits when its stdin reaches EOF: a
 * parent that dies without cleaning up (SIGKILL, crash) then cannot leave an orphaned server.
 */
public final class LoopbackDynamoDBLocal {
    private static final String HOST = "127.0.0.1";

    private LoopbackDynamoDBLocal() {}

    public static void main(String[] args) throws Exception {
        if (Boolean.getBoolean("loopback.exitOnStdinEof")) {
            watchStdin();
        }

        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Server jetty = readJettyServer(proxy);

        int bound = 0;
        for (Connector connector : jetty.getConnectors()) {
            if (connector instanceof ServerConnector) {
                ((ServerConnector) connector).setHost(HOST);
                bound++;
            }
        }
        if (bound == 0) {
            // Refuse to start rather than silently listen on every interface.
            fail("no ServerConnector found; refusing to start on all interfaces");
        }

        try {
            proxy.start();
        } catch (Exception e) {
            fail("could not start: " + e);
        }
        // DynamoDBProxyServer.start() swallows SocketException (e.g. port in use), prints a
        // message and stops Jetty; without this check the JVM would idle with nothing listening.
        if (!jetty.isStarted()) {
            fail("server did not start (see message above)");
        }

        for (Connector connector : jetty.getConnectors()) {
            if (connector instanceof ServerConnector) {
                ServerConnector sc = (ServerConnector) connector;
                System.out.println("LoopbackDynamoDBLocal listening on " + sc.getHost() + ":" + sc.getLocalPort());
            }
        }
        System.out.flush();
        proxy.join();
    }

    private static Server readJettyServer(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        return (Server) field.get(proxy);
    }

    private static void watchStdin() {
        Thread watcher = new Thread(() -> {
            try {
                byte[] buffer = new byte[256];
                while (System.in.read(buffer) >= 0) {
                    // Input is ignored; only EOF matters.
                }
            } catch (java.io.IOException ignored) {
                // A broken stdin means the parent is gone, same as EOF.
            }
            System.exit(0);
        }, "loopback-stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void fail(String message) {
        System.err.println("LoopbackDynamoDBLocal: " + message);
        System.err.flush();
        System.exit(1);
    }
}
