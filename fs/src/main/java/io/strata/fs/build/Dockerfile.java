package io.strata.fs.build;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A parsed Dockerfile of the subset {@code strata build} runs: one {@code FROM}, then {@code RUN}, {@code COPY},
 * {@code ENV}, {@code WORKDIR}, {@code CMD}, {@code ENTRYPOINT}, {@code LABEL}; comments, line continuations and the
 * {@code escape} parser directive. Anything else is refused when parsing, naming the line (see
 * {@link DockerfileParser}).
 */
public final class Dockerfile {

    private final String name;
    private final char escape;
    private final List<Instruction> instructions;

    Dockerfile(String name, char escape, List<Instruction> instructions) {
        this.name = name;
        this.escape = escape;
        this.instructions = List.copyOf(instructions);
    }

    /**
     * Parses {@code text}; {@code name} (usually the file's path) prefixes every error message.
     *
     * @throws DockerfileException naming the line and what to change
     */
    public static Dockerfile parse(String text, String name) {
        return DockerfileParser.parse(text, name);
    }

    /** Reads and parses the file {@code path} (UTF-8). */
    public static Dockerfile read(Path path) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.io.FileNotFoundException("no Dockerfile at " + path + " (give its path with -f FILE)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DockerfileException(path.toString(), 1, "the file is not UTF-8 text");
        }
        return parse(text, path.toString());
    }

    /** What error messages call the file. */
    String name() {
        return name;
    }

    /** The escape character: {@code \} or, with the {@code # escape=`} directive, a backtick. */
    char escape() {
        return escape;
    }

    /** Every instruction in order, {@code FROM} first. */
    List<Instruction> instructions() {
        return instructions;
    }

    /** The {@code FROM} instruction. */
    Instruction.From from() {
        return (Instruction.From) instructions.get(0);
    }

    /** How many steps a build has: one per instruction. */
    public int steps() {
        return instructions.size();
    }
}
