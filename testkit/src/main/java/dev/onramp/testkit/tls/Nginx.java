package dev.onramp.testkit.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Debian's nginx, run by a test as the proxy a deployment puts in front of a service: a shipped server block (a
 * {@code .conf.template} with {@code ${NAME}} placeholders, as the official nginx image fills them) inside a minimal
 * main configuration, in a directory of its own, in the foreground.
 */
public final class Nginx implements AutoCloseable {
    private final Process process;
    private final Path dir;

    private Nginx(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** Starts nginx with the template filled in from {@code values}, and waits until {@code port} accepts connections. */
    public static Nginx start(Path template, Map<String, String> values, int port, Path dir) {
        try {
            String server = Files.readString(template);
            for (var value : values.entrySet()) {
                server = server.replace("${" + value.getKey() + "}", value.getValue());
            }
            Files.writeString(dir.resolve("server.conf"), server);
            Files.writeString(dir.resolve("nginx.conf"), """
                    worker_processes 1;
                    error_log %1$s/error.log warn;
                    pid %1$s/nginx.pid;
                    events { worker_connections 64; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                        include %1$s/server.conf;
                    }
                    """.formatted(dir));
            // nginx's workers may run as another user (nobody, under root): they read the password file from here.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Process process = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            Nginx nginx = new Nginx(process, dir);
            nginx.awaitPort(port);
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx (install it: apt-get install nginx)", e);
        }
    }

    private void awaitPort(int port) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx stopped: " + Files.readString(dir.resolve("nginx.out"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port + " within 20 s");
    }

    /** A line {@code user:hash} for an htpasswd file ({@code openssl passwd -apr1}). */
    public static String htpasswdLine(String user, String password) {
        return user + ":" + Commands.run(List.of("openssl", "passwd", "-apr1", password)).trim();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
