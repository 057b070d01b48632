package io.strata.bench.netem;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Tiny loopback servers for the proxy's tests; each serves every connection on a daemon thread. */
final class LoopbackServers {

    private LoopbackServers() {
    }

    /** Echoes every byte back; passes the client's half-close on (EOF in, shutdownOutput out). */
    static Server echo() throws IOException {
        return new Server(s -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        });
    }

    /** Sends {@code body} to every client, then closes. */
    static Server sender(byte[] body) throws IOException {
        return new Server(s -> {
            s.getOutputStream().write(body);
            s.shutdownOutput();
            s.getInputStream().readAllBytes(); // wait for the client's close, so ours is a FIN and not an RST
        });
    }

    interface Handler {
        void serve(Socket s) throws IOException;
    }

    static final class Server implements AutoCloseable {
        private final ServerSocket listener;

        Server(Handler handler) throws IOException {
            listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (true) {
                    Socket s;
                    try {
                        s = listener.accept();
                    } catch (IOException e) {
                        return;
                    }
                    Thread c = new Thread(() -> {
                        try (s) {
                            s.setTcpNoDelay(true);
                            handler.serve(s);
                        } catch (IOException e) {
                            // the client (or a fault of the proxy) ended the connection
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                }
            });
            t.setDaemon(true);
            t.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
