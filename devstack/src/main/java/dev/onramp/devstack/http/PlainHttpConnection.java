package dev.onramp.devstack.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One keep-alive HTTP/1.1 connection over a plain blocking socket, for load generators: a request goes out as
 * bytes, the answer's status comes back, the body is skipped. It connects on first use and again after any
 * failure.
 *
 * <p>Why not {@code java.net.http.HttpClient}: on two cores its completion stages run on a new thread per request
 * (the common pool has no parallelism there), and a generator built on it took more CPU per request than the
 * service it was loading (~1.5 ms per webhook for {@code onramp simulate}). Plain http only: a generator aimed at a
 * TLS endpoint uses the JDK client.
 */
public final class PlainHttpConnection implements AutoCloseable {
    private final InetSocketAddress address;
    private final int readTimeoutMillis;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    public PlainHttpConnection(InetSocketAddress address, Duration readTimeout) {
        this.address = address;
        this.readTimeoutMillis = (int) readTimeout.toMillis();
    }

    /** The address of an {@code http://} URL, or empty for anything this cannot speak (https). */
    public static Optional<InetSocketAddress> addressOf(String baseUrl) {
        URI uri = URI.create(baseUrl);
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            return Optional.empty();
        }
        return Optional.of(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()));
    }

    /** A request's bytes: request line, Host, the given headers, Content-Length, and the body. */
    public static byte[] request(String method, InetSocketAddress address, String path, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(address.getHostString()).append(':').append(address.getPort()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /**
     * Sends one request and returns the answer's status; after an IOException the next call reconnects. A kept
     * connection the server has meanwhile closed (its idle timeout) is replaced and the request sent once more on a
     * fresh one, as HTTP clients do; so a request can arrive twice, which webhooks (idempotent by event id) allow.
     */
    public int exchange(byte[] request) throws IOException {
        if (socket != null) {
            try {
                return exchangeOnce(request);
            } catch (IOException stale) {
                // retried once below on a new connection
            }
        }
        return exchangeOnce(request);
    }

    private int exchangeOnce(byte[] request) throws IOException {
        try {
            if (socket == null) {
                connect();
            }
            out.write(request);
            out.flush();
            Answer answer = read(in);
            if (answer.closes()) {
                close();
            }
            return answer.status();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        Socket fresh = new Socket();
        try {
            fresh.setTcpNoDelay(true);
            fresh.connect(address, 5_000);
            fresh.setSoTimeout(readTimeoutMillis);
            out = fresh.getOutputStream();
            in = new BufferedInputStream(fresh.getInputStream(), 8192);
            socket = fresh;
        } catch (IOException e) {
            fresh.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }

    /** The status of one response, and whether the server closes the connection after it. */
    private record Answer(int status, boolean closes) {
    }

    /** Reads one response (status line, headers, a Content-Length or chunked body). */
    private static Answer read(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new IOException("connection closed");
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        long contentLength = -1;
        boolean chunked = false;
        boolean closes = false;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closes = true;
            }
        }
        if (chunked) {
            long size;
            do {
                size = Long.parseLong(readLine(in).trim(), 16);
                skip(in, size);
                readLine(in);
            } while (size > 0);
        } else if (contentLength > 0) {
            skip(in, contentLength);
        }
        return new Answer(status, closes);
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed in a body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int length = line.length();
                return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }
}
