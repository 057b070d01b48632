package io.strata.fs.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class IndexCommandTest {

    private static IndexCommand parse(String... args) {
        IndexCommand command = new IndexCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void parse_noPushFlag_pushes() {
        assertTrue(parse("localhost:5000/app:v1").push);
    }

    @Test
    void parse_noPush_doesNotPush() {
        assertFalse(parse("--no-push", "localhost:5000/app:v1").push);
    }

    @Test
    void parse_push_pushes() {
        assertTrue(parse("--push", "localhost:5000/app:v1").push);
    }
}
