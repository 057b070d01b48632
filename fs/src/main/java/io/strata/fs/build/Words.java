package io.strata.fs.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dockerfile words, the way Docker reads the arguments of COPY, ENV, LABEL and WORKDIR: {@link #split} cuts at
 * whitespace outside quotes (keeping the words raw), {@link #expand} removes the quotes and escapes and replaces
 * variables from the image's environment. Supported: {@code '...'} (literal), {@code "..."} (variables and the
 * escapes {@code \"}, {@code \\}, {@code \$} inside), the escape character before any character outside quotes,
 * {@code $NAME}, {@code ${NAME}}, {@code ${NAME:-default}} (unset or empty: the default) and
 * {@code ${NAME:+alternative}} (set and not empty: the alternative). An unset variable is empty, as in Docker.
 */
final class Words {

    private Words() {
    }

    /**
     * The raw words of {@code text}, split at spaces and tabs outside quotes.
     *
     * @throws IllegalArgumentException on an unterminated quote
     */
    static List<String> split(String text, char escape) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            word = word == null ? new StringBuilder() : word;
            if (c == escape && i + 1 < n) {
                word.append(c).append(text.charAt(++i));
            } else if (c == '\'' || c == '"') {
                int close = closingQuote(text, i, escape);
                word.append(text, i, close + 1);
                i = close;
            } else {
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** Where the quote opened at {@code open} closes. */
    private static int closingQuote(String text, int open, char escape) {
        char quote = text.charAt(open);
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '"' && c == escape) {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated " + (quote == '"' ? "double" : "single") + " quote in: "
                + text);
    }

    /**
     * Index of the first {@code =} of a raw word outside quotes and escapes; -1 when there is none.
     */
    static int assignment(String raw, char escape) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == escape) {
                i++;
            } else if (c == '\'' || c == '"') {
                i = closingQuote(raw, i, escape);
            } else if (c == '=') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The word's value: quotes and escapes removed, variables replaced from {@code env}.
     *
     * @param quotes false for words of a JSON array, whose quoting JSON did already: only variables (and
     *               {@code ESCAPE$} for a literal dollar) are processed then
     * @throws IllegalArgumentException on an unterminated quote or {@code ${}, or an unsupported {@code ${...}} form
     */
    static String expand(String raw, Map<String, String> env, char escape, boolean quotes) {
        StringBuilder out = new StringBuilder();
        int n = raw.length();
        int i = 0;
        while (i < n) {
            char c = raw.charAt(i);
            if (quotes && c == '\'') {
                int close = closingQuote(raw, i, escape);
                out.append(raw, i + 1, close);
                i = close + 1;
            } else if (quotes && c == '"') {
                int close = closingQuote(raw, i, escape);
                i = doubleQuoted(raw, i + 1, close, env, escape, out);
            } else if (c == escape && i + 1 < n && (quotes || raw.charAt(i + 1) == '$')) {
                out.append(raw.charAt(i + 1));
                i += 2;
            } else if (c == '$') {
                i = variable(raw, i, env, escape, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The inside of a double-quoted part, {@code [from, close)}; returns the index after the closing quote. */
    private static int doubleQuoted(String raw, int from, int close, Map<String, String> env, char escape,
                                    StringBuilder out) {
        int i = from;
        while (i < close) {
            char c = raw.charAt(i);
            if (c == escape && i + 1 < close) {
                char next = raw.charAt(i + 1);
                if (next == '"' || next == '$' || next == escape) {
                    out.append(next);
                    i += 2;
                    continue;
                }
                out.append(c);
                i++;
            } else if (c == '$') {
                i = variable(raw, i, env, escape, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return close + 1;
    }

    /** A variable at {@code raw[at] == '$'}; appends its value and returns the index after it. */
    private static int variable(String raw, int at, Map<String, String> env, char escape, StringBuilder out) {
        int n = raw.length();
        if (at + 1 < n && raw.charAt(at + 1) == '{') {
            int close = closingBrace(raw, at + 2);
            String inside = raw.substring(at + 2, close);
            int nameEnd = nameEnd(inside, 0);
            String name = inside.substring(0, nameEnd);
            String rest = inside.substring(nameEnd);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("bad substitution ${" + inside + "}: a variable name must start"
                        + " with a letter or _");
            }
            String value = env.get(name);
            boolean empty = value == null || value.isEmpty();
            if (rest.isEmpty()) {
                out.append(value == null ? "" : value);
            } else if (rest.startsWith(":-")) {
                out.append(empty ? expand(rest.substring(2), env, escape, true) : value);
            } else if (rest.startsWith(":+")) {
                out.append(empty ? "" : expand(rest.substring(2), env, escape, true));
            } else {
                throw new IllegalArgumentException("unsupported substitution ${" + inside + "}: strata build knows"
                        + " $NAME, ${NAME}, ${NAME:-default} and ${NAME:+alternative}");
            }
            return close + 1;
        }
        int end = nameEnd(raw, at + 1);
        if (end == at + 1) {
            out.append('$'); // not a variable: "$", "$1", "$ "
            return at + 1;
        }
        String value = env.get(raw.substring(at + 1, end));
        out.append(value == null ? "" : value);
        return end;
    }

    /** The end of a variable name ({@code [A-Za-z_][A-Za-z0-9_]*}) starting at {@code from}. */
    private static int nameEnd(String s, int from) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (!letter && !(i > from && c >= '0' && c <= '9')) {
                break;
            }
            i++;
        }
        return i;
    }

    private static int closingBrace(String raw, int from) {
        int depth = 1;
        for (int i = from; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated ${ in: " + raw);
    }
}
