package io.strata.fs.build;

import java.util.List;

/**
 * One instruction of a Dockerfile, as parsed: arguments still raw (quotes, escapes and {@code $VARIABLES} are
 * resolved at build time against the image's environment, see {@link Words}). {@link #line()} is the line it starts
 * on, {@link #text()} the instruction as one line (continuations joined, keyword upper case): what the step log
 * prints, the history's {@code created_by}, and part of the layer cache key.
 */
sealed interface Instruction {

    int line();

    String text();

    /** The keyword, upper case. */
    default String keyword() {
        int space = text().indexOf(' ');
        return space < 0 ? text() : text().substring(0, space);
    }

    /**
     * {@code FROM IMAGE [AS NAME]} or {@code FROM scratch}.
     *
     * @param image the raw image reference, or {@code scratch}
     */
    record From(int line, String text, String image) implements Instruction {
        boolean isScratch() {
            return image.equals("scratch");
        }
    }

    /** {@code RUN}: the command, in shell or exec form. */
    record Run(int line, String text, Command command) implements Instruction {
    }

    /**
     * {@code COPY [--chown=USER[:GROUP]] SRC... DST} (or the JSON form).
     *
     * @param chown   the raw {@code --chown} value, or null
     * @param sources raw source words (relative to the build context)
     * @param dest    raw destination (relative ones are relative to the working directory)
     * @param json    whether the arguments came from the JSON form (no quote processing then)
     */
    record Copy(int line, String text, String chown, List<String> sources, String dest, boolean json)
            implements Instruction {
        public Copy {
            sources = List.copyOf(sources);
        }
    }

    /** {@code ENV NAME=VALUE...} (or the one-variable form {@code ENV NAME VALUE}): raw names and values. */
    record Env(int line, String text, List<Pair> pairs) implements Instruction {
        public Env {
            pairs = List.copyOf(pairs);
        }
    }

    /** {@code LABEL KEY=VALUE...}: raw keys and values. */
    record Label(int line, String text, List<Pair> pairs) implements Instruction {
        public Label {
            pairs = List.copyOf(pairs);
        }
    }

    /** {@code WORKDIR PATH}: the raw path (relative ones are relative to the previous working directory). */
    record Workdir(int line, String text, String path) implements Instruction {
    }

    /** {@code CMD}: the default command (arguments of the entrypoint when there is one). */
    record Cmd(int line, String text, Command command) implements Instruction {
    }

    /** {@code ENTRYPOINT}: the command the container runs. */
    record Entrypoint(int line, String text, Command command) implements Instruction {
    }

    /** A raw {@code NAME=VALUE} of ENV or LABEL (quotes and variables still in). */
    record Pair(String name, String value) {
    }

    /**
     * A command in exec form (a JSON array: {@code exec} is the argv) or shell form ({@code shell}, run as
     * {@code /bin/sh -c SHELL}). Exactly one of the two is set.
     */
    record Command(List<String> exec, String shell) {
        public Command {
            if ((exec == null) == (shell == null)) {
                throw new IllegalArgumentException("a command is either exec form or shell form");
            }
            exec = exec == null ? null : List.copyOf(exec);
        }

        /** What is executed: the exec form as is, the shell form as {@code /bin/sh -c SHELL}. */
        List<String> argv() {
            return exec != null ? exec : List.of("/bin/sh", "-c", shell);
        }
    }
}
