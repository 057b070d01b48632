package io.strata.bench.netem;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * The far end of a calibration: a loopback server that answers a one-byte ping {@code 'p'} with {@code 'p'},
 * and a bulk request {@code 'b'} followed by a big-endian long {@code n} with {@code n} bytes. It answers at
 * loopback speed, so what a client measures through a proxy in front of it is the emulated link.
 */
final class CalibrationServer implements AutoCloseable {

    static final int PING = 'p';
    static final int BULK = 'b';

    private final ServerSocket listener;

    CalibrationServer() throws IOException {
        listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "netem-calibration-" + listener.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    private void acceptLoop() {
        while (true) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "netem-calibration-conn");
                t.setDaemon(true);
                t.start();
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // one failed accept; keep serving
            }
        }
    }

    private static void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] block = new byte[64 * 1024];
            while (true) {
                int cmd = in.read();
                if (cmd == PING) {
                    out.write(PING);
                } else if (cmd == BULK) {
                    for (long left = in.readLong(); left > 0; left -= block.length) {
                        out.write(block, 0, (int) Math.min(block.length, left));
                    }
                } else {
                    return; // EOF or a client that does not speak the protocol
                }
            }
        } catch (EOFException e) {
            // the client went away mid-request
        } catch (IOException e) {
            // the client reset the connection; nothing to serve
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
