package io.strata.fs.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Dockerfile subset's syntax: what parses to what, and which line an error names. */
class DockerfileParserTest {

    private static Dockerfile parse(String text) {
        return Dockerfile.parse(text, "Dockerfile");
    }

    private static String error(String text) {
        return assertThrows(DockerfileException.class, () -> parse(text)).getMessage();
    }

    @Test
    void parse_continuationsCommentsAndBlankLines_joinedAndNumberedByFirstLine() {
        Dockerfile f = parse("""
                # syntax=docker/dockerfile:1
                # a comment

                from debian:12 AS base
                run apt-get update && \\
                # a comment inside the continuation is skipped
                    apt-get install -y curl \\

                    && echo done
                ENV A=1
                COPY a b \\
                  /dst/
                """);
        List<Instruction> i = f.instructions();
        assertEquals(4, i.size());
        assertEquals(new Instruction.From(4, "FROM debian:12 AS base", "debian:12"), i.get(0));
        Instruction.Run run = assertInstanceOf(Instruction.Run.class, i.get(1));
        assertEquals(5, run.line());
        assertEquals("apt-get update &&     apt-get install -y curl     && echo done", run.command().shell());
        assertEquals(List.of("/bin/sh", "-c", run.command().shell()), run.command().argv());
        assertEquals("RUN " + run.command().shell(), run.text());
        assertEquals(10, i.get(2).line());
        Instruction.Copy copy = assertInstanceOf(Instruction.Copy.class, i.get(3));
        assertEquals(11, copy.line());
        assertEquals(List.of("a", "b"), copy.sources());
        assertEquals("/dst/", copy.dest());
    }

    @Test
    void parse_crlfAndTrailingBlanksAfterEscape_continue() {
        Dockerfile f = parse("FROM scratch\r\nCMD echo a \\  \r\n  b\r\n");
        Instruction.Cmd cmd = assertInstanceOf(Instruction.Cmd.class, f.instructions().get(1));
        assertEquals("echo a   b", cmd.command().shell());
    }

    @Test
    void parse_jsonArrays_execFormElseShellForm() {
        Dockerfile f = parse("""
                FROM scratch
                RUN ["/bin/echo", "a b", "$HOME"]
                RUN [ -f /etc/passwd ] && echo yes
                RUN ['single', 'quotes']
                CMD []
                ENTRYPOINT ["/entry"]
                COPY ["with space", "/dst dir/"]
                COPY --chown=10:20 ["a", "b", "/c/"]
                """);
        List<Instruction> i = f.instructions();
        assertEquals(List.of("/bin/echo", "a b", "$HOME"), ((Instruction.Run) i.get(1)).command().exec());
        assertEquals("[ -f /etc/passwd ] && echo yes", ((Instruction.Run) i.get(2)).command().shell());
        assertEquals("['single', 'quotes']", ((Instruction.Run) i.get(3)).command().shell(),
                "JSON needs double quotes: Docker runs this as a shell command");
        assertEquals(List.of(), ((Instruction.Cmd) i.get(4)).command().exec());
        assertEquals(List.of("/entry"), ((Instruction.Entrypoint) i.get(5)).command().argv());
        Instruction.Copy json = (Instruction.Copy) i.get(6);
        assertTrue(json.json());
        assertEquals(List.of("with space"), json.sources());
        assertEquals("/dst dir/", json.dest());
        Instruction.Copy chown = (Instruction.Copy) i.get(7);
        assertEquals("10:20", chown.chown());
        assertEquals(List.of("a", "b"), chown.sources());
    }

    @Test
    void parse_envAndLabelForms_rawPairs() {
        Dockerfile f = parse("""
                FROM scratch
                ENV A=1 B="two words" C=${A:-x}
                ENV NAME the rest of the line
                LABEL "com.example.vendor"="ACME Inc" version=1.0
                WORKDIR /app/$A
                """);
        List<Instruction> i = f.instructions();
        assertEquals(List.of(new Instruction.Pair("A", "1"), new Instruction.Pair("B", "\"two words\""),
                new Instruction.Pair("C", "${A:-x}")), ((Instruction.Env) i.get(1)).pairs());
        assertEquals(List.of(new Instruction.Pair("NAME", "the rest of the line")), ((Instruction.Env) i.get(2)).pairs());
        assertEquals(List.of(new Instruction.Pair("\"com.example.vendor\"", "\"ACME Inc\""),
                new Instruction.Pair("version", "1.0")), ((Instruction.Label) i.get(3)).pairs());
        assertEquals("/app/$A", ((Instruction.Workdir) i.get(4)).path());
    }

    @Test
    void parse_escapeDirectiveBacktick_continuesWithBacktickAndKeepsBackslashes() {
        Dockerfile f = parse("""
                # escape=`
                FROM scratch
                RUN echo C:\\dir `
                    done
                """);
        assertEquals('`', f.escape());
        assertEquals("echo C:\\dir     done", ((Instruction.Run) f.instructions().get(1)).command().shell());
    }

    @Test
    void parse_directiveAfterAComment_isAComment() {
        Dockerfile f = parse("# hello\n# escape=`\nFROM scratch\n");
        assertEquals('\\', f.escape());
    }

    @Test
    void parse_fromScratch_isScratch() {
        assertTrue(parse("FROM scratch").from().isScratch());
        assertEquals(1, parse("FROM scratch").steps());
    }

    @Test
    void parse_badLines_failNamingFileLineAndWhatToDo() {
        assertEquals("Dockerfile:3: ADD is not supported by strata build (it supports FROM, RUN, COPY, ENV, WORKDIR,"
                + " CMD, ENTRYPOINT, LABEL)", error("FROM scratch\n\nADD x /\n"));
        assertTrue(error("FROM scratch\nFOO bar\n").startsWith("Dockerfile:2: unknown instruction 'FOO'"));
        assertTrue(error("# c\nRUN true\n").startsWith("Dockerfile:2: the first instruction must be FROM, not RUN"));
        assertTrue(error("FROM a\nFROM b\n").contains("Dockerfile:2: a second FROM: multi-stage builds are not"));
        assertTrue(error("FROM scratch\nCOPY onlyone\n").startsWith("Dockerfile:2: COPY needs at least one source"));
        assertTrue(error("FROM scratch\nCOPY --from=build a /b\n").startsWith("Dockerfile:2: COPY --from is not"));
        assertTrue(error("FROM scratch\nCOPY --chmod=755 a /b\n").startsWith("Dockerfile:2: COPY --chmod is not"));
        assertTrue(error("FROM scratch\nRUN --mount=type=cache,target=/x true\n")
                .startsWith("Dockerfile:2: RUN --mount is not supported"));
        assertTrue(error("FROM --platform=linux/arm64 x\n").startsWith("Dockerfile:1: FROM --platform is not"));
        assertTrue(error("FROM a b c d\n").startsWith("Dockerfile:1: FROM takes an image"));
        assertTrue(error("FROM scratch\nENV ONLYNAME\n").startsWith("Dockerfile:2: ENV ONLYNAME has no value"));
        assertTrue(error("FROM scratch\nENV A=1 B\n").startsWith("Dockerfile:2: ENV: 'B' is not NAME=VALUE"));
        assertTrue(error("FROM scratch\nENV 1A=x\n").startsWith("Dockerfile:2: ENV: '1A' is not a variable name"));
        assertTrue(error("FROM scratch\nLABEL novalue\n").startsWith("Dockerfile:2: LABEL: 'novalue' is not"));
        assertTrue(error("FROM scratch\nENV A=\"open\n").startsWith("Dockerfile:2: ENV: unterminated double quote"));
        assertTrue(error("FROM scratch\nWORKDIR\n").startsWith("Dockerfile:2: WORKDIR needs arguments"));
        assertTrue(error("FROM scratch\nRUN []\n").startsWith("Dockerfile:2: RUN [] has nothing to run"));
        assertTrue(error("# escape=x\nFROM scratch\n").startsWith("Dockerfile:1: escape must be"));
        assertTrue(error("\n# only a comment\n").startsWith("Dockerfile:1: the Dockerfile has no instructions"));
        assertTrue(error("FROM scratch\nRUN a \\\n\\\nb\nCOPY x\n").startsWith("Dockerfile:5:"),
                "the line number counts the physical lines of continuations");
    }
}
