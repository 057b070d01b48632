package io.strata.fs.service;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format between {@code strata} commands and the resident service, over a Unix socket: one request per
 * connection, then reply frames until {@link #EXIT} or {@link #FALLBACK}. Binary ({@code DataOutputStream}) rather
 * than JSON so the client needs nothing beyond {@code java.base}: it runs on every {@code strata mount} and its
 * start-up time is the point of the service.
 *
 * <pre>
 * request := MAGIC:int  kind:byte  cwd:utf  nEnv:int (name:utf value:utf)*  nArgs:int arg:utf*
 * reply   := (OUT text:utf | ERR text:utf)*  (EXIT code:int | FALLBACK reason:utf)
 * </pre>
 */
public final class ServiceProtocol {

    /** "STR1": a client of another protocol version is refused, not misread. */
    static final int MAGIC = 0x53545231;

    static final byte OUT = 1;
    static final byte ERR = 2;
    static final byte EXIT = 3;
    /** The service will not run this request (e.g. a different environment): the client runs it itself. */
    static final byte FALLBACK = 4;

    private static final int MAX_ITEMS = 1024;

    /**
     * The environment that decides what a mount does (cache, credentials). The service runs a request only when the
     * client's values equal its own; otherwise the client mounts in a process of its own, with its own environment.
     * The runtime directory variables are not listed: they choose the socket, so they match by construction.
     */
    static final List<String> SHARED_ENVIRONMENT =
            List.of("STRATA_CACHE_DIR", "XDG_CACHE_HOME", "HOME", "REGISTRY_AUTH_FILE", "DOCKER_CONFIG");

    /** What a request asks. */
    public enum Kind {
        /** Run a command line (only {@code mount} is accepted). */
        RUN,
        /** Describe the service and the mounts it serves. */
        STATUS,
        /** Unmount everything the service serves and exit. */
        STOP
    }

    /** One request: what, from which working directory and environment, with which arguments. */
    public record Request(Kind kind, String workingDirectory, Map<String, String> environment, List<String> args) {

        /** A request carrying this process's working directory and {@link #SHARED_ENVIRONMENT}. */
        static Request fromThisProcess(Kind kind, List<String> args) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String name : SHARED_ENVIRONMENT) {
                String value = System.getenv(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
            return new Request(kind, System.getProperty("user.dir"), env, List.copyOf(args));
        }

        void write(DataOutputStream out) throws IOException {
            out.writeInt(MAGIC);
            out.writeByte(kind.ordinal());
            out.writeUTF(workingDirectory);
            out.writeInt(environment.size());
            for (Map.Entry<String, String> e : environment.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(args.size());
            for (String arg : args) {
                out.writeUTF(arg);
            }
            out.flush();
        }

        static Request read(DataInputStream in) throws IOException {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a strata service request (wrong magic): is the client another version?");
            }
            int kind = in.readUnsignedByte();
            if (kind >= Kind.values().length) {
                throw new IOException("unknown request kind " + kind);
            }
            String cwd = in.readUTF();
            int nEnv = count(in);
            Map<String, String> env = new LinkedHashMap<>();
            for (int i = 0; i < nEnv; i++) {
                env.put(in.readUTF(), in.readUTF());
            }
            int nArgs = count(in);
            List<String> args = new ArrayList<>(nArgs);
            for (int i = 0; i < nArgs; i++) {
                args.add(in.readUTF());
            }
            return new Request(Kind.values()[kind], cwd, env, args);
        }

        private static int count(DataInputStream in) throws IOException {
            int n = in.readInt();
            if (n < 0 || n > MAX_ITEMS) {
                throw new IOException("request has " + n + " items (at most " + MAX_ITEMS + ")");
            }
            return n;
        }
    }

    private ServiceProtocol() {
    }

    /** The service's socket for this user, in its private runtime directory. */
    public static java.nio.file.Path socket() {
        return io.strata.fs.mount.RuntimeDir.base().resolve("service.sock");
    }
}
