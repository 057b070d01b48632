package io.strata.fs.build;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dockerfile text to {@link Instruction}s, following Docker's reference where the subset reaches:
 * <ul>
 *   <li>parser directives at the very top ({@code # escape=`}; {@code # syntax=...} and unknown ones are comments);</li>
 *   <li>a line whose last non-blank character is the escape character continues on the next line (the escape and
 *       the line break are removed, nothing else); comment lines and blank lines inside a continuation are
 *       skipped; {@code #} starts a comment only at the beginning of a line;</li>
 *   <li>keywords are case-insensitive; RUN, CMD and ENTRYPOINT take a JSON array of strings (exec form) or,
 *       when the arguments are not one, a shell command (as Docker: {@code RUN [ -f x ]} is shell form);</li>
 *   <li>exactly one FROM, first. Instructions outside the subset (ADD, ARG, USER, ...), flags it does not know
 *       ({@code COPY --from}, {@code RUN --mount}, ...) and malformed arguments fail naming the line.</li>
 * </ul>
 */
final class DockerfileParser {

    static final Set<String> SUPPORTED = Set.of("FROM", "RUN", "COPY", "ENV", "WORKDIR", "CMD", "ENTRYPOINT", "LABEL");
    private static final Set<String> KNOWN_UNSUPPORTED = Set.of("ADD", "ARG", "USER", "EXPOSE", "VOLUME", "SHELL",
            "HEALTHCHECK", "ONBUILD", "STOPSIGNAL", "MAINTAINER");
    private static final String SUPPORTED_LIST = "FROM, RUN, COPY, ENV, WORKDIR, CMD, ENTRYPOINT, LABEL";
    private static final Pattern DIRECTIVE = Pattern.compile("#\\s*([a-zA-Z][a-zA-Z0-9_-]*)\\s*=\\s*(.*?)\\s*");
    private static final Pattern INSTRUCTION = Pattern.compile("(\\S+)(?:[ \\t]+(.*))?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private char escape = '\\';

    private DockerfileParser(String name) {
        this.name = name;
    }

    static Dockerfile parse(String text, String name) {
        DockerfileParser parser = new DockerfileParser(name);
        List<Instruction> instructions = new ArrayList<>();
        for (Logical logical : parser.logicalLines(text)) {
            Instruction i = parser.instruction(logical);
            if (instructions.isEmpty() && !(i instanceof Instruction.From)) {
                throw parser.error(logical.line, "the first instruction must be FROM, not " + i.keyword());
            }
            if (!instructions.isEmpty() && i instanceof Instruction.From) {
                throw parser.error(logical.line, "a second FROM: multi-stage builds are not supported by strata"
                        + " build; build each stage as an image of its own and start from it");
            }
            instructions.add(i);
        }
        if (instructions.isEmpty()) {
            throw parser.error(1, "the Dockerfile has no instructions; it needs at least FROM");
        }
        return new Dockerfile(name, parser.escape, instructions);
    }

    /** One instruction with its continuations joined, and the line it starts on. */
    private record Logical(int line, String text) {
    }

    private List<Logical> logicalLines(String text) {
        String[] lines = text.split("\n", -1);
        List<Logical> out = new ArrayList<>();
        int i = directives(lines);
        StringBuilder current = null;
        int start = 0;
        for (; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue; // blank lines and comments, also inside a continuation (Docker skips both)
            }
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            String body = stripTrailingBlanks(line);
            if (body.charAt(body.length() - 1) == escape) {
                current.append(body, 0, body.length() - 1);
                continue;
            }
            current.append(line);
            out.add(new Logical(start, current.toString().strip()));
            current = null;
        }
        if (current != null && !current.toString().isBlank()) {
            out.add(new Logical(start, current.toString().strip())); // a continuation at the end of the file
        }
        return out;
    }

    /** Reads the parser directives at the top; returns the index of the first line after them. */
    private int directives(String[] lines) {
        boolean seenEscape = false;
        for (int i = 0; i < lines.length; i++) {
            Matcher m = DIRECTIVE.matcher(stripCr(lines[i]));
            if (!m.matches()) {
                return i;
            }
            String key = m.group(1).toLowerCase(Locale.ROOT);
            if (key.equals("escape")) {
                if (seenEscape) {
                    throw error(i + 1, "the escape directive is given twice");
                }
                seenEscape = true;
                String value = m.group(2);
                if (!value.equals("\\") && !value.equals("`")) {
                    throw error(i + 1, "escape must be \\ or ` (a backtick), not '" + value + "'");
                }
                escape = value.charAt(0);
            }
            // syntax=, check= and unknown directives are comments to this parser
        }
        return lines.length;
    }

    private Instruction instruction(Logical logical) {
        Matcher m = INSTRUCTION.matcher(logical.text);
        if (!m.matches()) {
            throw error(logical.line, "cannot read this line as an instruction: " + logical.text);
        }
        String keyword = m.group(1).toUpperCase(Locale.ROOT);
        String args = m.group(2) == null ? "" : m.group(2).strip();
        String text = args.isEmpty() ? keyword : keyword + " " + args;
        int line = logical.line;
        if (!SUPPORTED.contains(keyword)) {
            throw error(line, KNOWN_UNSUPPORTED.contains(keyword)
                    ? keyword + " is not supported by strata build (it supports " + SUPPORTED_LIST + ")"
                    : "unknown instruction '" + m.group(1) + "' (strata build supports " + SUPPORTED_LIST + ")");
        }
        if (args.isEmpty()) {
            throw error(line, keyword + " needs arguments");
        }
        try {
            return switch (keyword) {
                case "FROM" -> from(line, text, args);
                case "RUN" -> new Instruction.Run(line, text, command(line, keyword, args, false));
                case "CMD" -> new Instruction.Cmd(line, text, command(line, keyword, args, true));
                case "ENTRYPOINT" -> new Instruction.Entrypoint(line, text, command(line, keyword, args, true));
                case "COPY" -> copy(line, text, args);
                case "ENV" -> new Instruction.Env(line, text, env(line, args));
                case "LABEL" -> new Instruction.Label(line, text, pairs(line, "LABEL", Words.split(args, escape)));
                case "WORKDIR" -> new Instruction.Workdir(line, text, args);
                default -> throw new IllegalStateException(keyword);
            };
        } catch (DockerfileException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw error(line, keyword + ": " + e.getMessage()); // unterminated quotes
        }
    }

    private Instruction.From from(int line, String text, String args) {
        List<String> words = Words.split(args, escape);
        if (!words.isEmpty() && words.get(0).startsWith("--")) {
            throw error(line, "FROM " + flagName(words.get(0)) + " is not supported (choose the platform with"
                    + " strata build --platform)");
        }
        boolean named = words.size() == 3 && words.get(1).equalsIgnoreCase("AS");
        if (words.size() != 1 && !named) {
            throw error(line, "FROM takes an image and optionally AS NAME, got: " + args);
        }
        return new Instruction.From(line, text, words.get(0));
    }

    /**
     * RUN, CMD and ENTRYPOINT arguments: a JSON array of strings is the exec form; anything else is a shell command.
     *
     * @param emptyExecAllowed whether {@code []} is allowed (CMD and ENTRYPOINT: reset; RUN: nothing to run)
     */
    private Instruction.Command command(int line, String keyword, String args, boolean emptyExecAllowed) {
        if (args.startsWith("--") && keyword.equals("RUN")) {
            throw error(line, "RUN " + flagName(args) + " is not supported by strata build");
        }
        List<String> exec = jsonArray(args);
        if (exec != null) {
            if (exec.isEmpty() && !emptyExecAllowed) {
                throw error(line, "RUN [] has nothing to run");
            }
            return new Instruction.Command(exec, null);
        }
        return new Instruction.Command(null, args);
    }

    private Instruction.Copy copy(int line, String text, String args) {
        String rest = args;
        String chown = null;
        while (rest.startsWith("--")) {
            int space = firstBlank(rest);
            String flag = space < 0 ? rest : rest.substring(0, space);
            rest = space < 0 ? "" : rest.substring(space).strip();
            if (flag.startsWith("--chown=")) {
                if (chown != null) {
                    throw error(line, "COPY --chown is given twice");
                }
                chown = flag.substring("--chown=".length());
                if (chown.isEmpty()) {
                    throw error(line, "COPY --chown= needs USER[:GROUP] (numeric or names from the image)");
                }
            } else {
                throw error(line, "COPY " + flagName(flag) + " is not supported by strata build (only --chown)");
            }
        }
        List<String> words = jsonArray(rest);
        boolean json = words != null;
        if (!json) {
            words = Words.split(rest, escape);
        }
        if (words.size() < 2) {
            throw error(line, "COPY needs at least one source and a destination, got: " + rest);
        }
        return new Instruction.Copy(line, text, chown, words.subList(0, words.size() - 1),
                words.get(words.size() - 1), json);
    }

    /** ENV NAME=VALUE... or the one-variable form ENV NAME VALUE (the value is the rest of the line). */
    private List<Instruction.Pair> env(int line, String args) {
        List<String> words = Words.split(args, escape);
        if (Words.assignment(words.get(0), escape) > 0) {
            return pairs(line, "ENV", words);
        }
        int space = firstBlank(args);
        if (space < 0) {
            throw error(line, "ENV " + args + " has no value: write ENV NAME=VALUE");
        }
        String name = args.substring(0, space);
        requireName(line, "ENV", name);
        return List.of(new Instruction.Pair(name, args.substring(space).strip()));
    }

    private List<Instruction.Pair> pairs(int line, String keyword, List<String> words) {
        List<Instruction.Pair> pairs = new ArrayList<>();
        for (String word : words) {
            int eq = Words.assignment(word, escape);
            if (eq <= 0) {
                throw error(line, keyword + ": '" + word + "' is not NAME=VALUE (quote values with spaces:"
                        + " NAME=\"a b\")");
            }
            String name = word.substring(0, eq);
            if (keyword.equals("ENV")) {
                requireName(line, keyword, name);
            }
            pairs.add(new Instruction.Pair(name, word.substring(eq + 1)));
        }
        return pairs;
    }

    private void requireName(int line, String keyword, String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
            throw error(line, keyword + ": '" + name + "' is not a variable name (letters, digits, _ . -;"
                    + " not starting with a digit)");
        }
    }

    /** The arguments as a JSON array of strings, or null when they are not one (then they are shell form). */
    private static List<String> jsonArray(String args) {
        if (!args.startsWith("[")) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(args);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (node == null || !node.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                return null;
            }
            out.add(element.asText());
        }
        return out;
    }

    private static String flagName(String word) {
        int eq = word.indexOf('=');
        int space = firstBlank(word);
        int end = eq < 0 ? space : space < 0 ? eq : Math.min(eq, space);
        return end < 0 ? word : word.substring(0, end);
    }

    private static int firstBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String stripTrailingBlanks(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return line.substring(0, end);
    }

    private DockerfileException error(int line, String message) {
        return new DockerfileException(name, line, message);
    }
}
