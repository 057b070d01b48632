package io.strata.fs.cli;

import io.strata.fs.service.ServiceClient;
import io.strata.fs.service.ServiceProtocol;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The entry point of {@code strata}. {@code strata mount} first offers itself to the resident service
 * ({@code strata service start}); when the service takes it, this process loads only {@code java.base} and a few
 * classes of ours, which is most of what makes a mount through the service fast. Everything else, and every mount
 * the service declines or no service answers, goes to {@link StrataCommand}.
 */
public final class Main {

    /** Flags that a mount through the service cannot honour, or that only print something. */
    private static final Set<String> LOCAL_FLAGS = Set.of("--foreground", "--no-service", "-h", "--help", "-V", "--version");

    private Main() {
    }

    public static void main(String[] args) {
        if (forwardable(args)) {
            try {
                Optional<ServiceClient.Outcome> outcome = ServiceClient.send(ServiceProtocol.socket(),
                        ServiceProtocol.Kind.RUN, List.of(args), System.out, System.err);
                if (outcome.isPresent() && !outcome.get().declined()) {
                    System.exit(outcome.get().exitCode());
                }
                if (outcome.isPresent() && Logging.debug()) {
                    System.err.println("strata: the service declined this mount (" + outcome.get().fallbackReason()
                            + "); mounting in a process of its own");
                }
            } catch (IOException e) {
                // The service took the request and then broke off: it may have mounted, so don't mount twice.
                System.err.println("strata mount: " + e.getMessage());
                System.exit(StrataCommand.RUNTIME_ERROR);
            }
        }
        StrataCommand.main(args);
    }

    private static boolean forwardable(String[] args) {
        if (args.length < 3 || !args[0].equals("mount")) {
            return false;
        }
        for (String arg : args) {
            if (LOCAL_FLAGS.contains(arg)) {
                return false;
            }
        }
        return true;
    }
}
