package io.strata.fs.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Docker's word rules: quotes, escapes and variables. */
class WordsTest {

    private static final Map<String, String> ENV = Map.of("HOME", "/root", "EMPTY", "", "A", "x y");

    private static String expand(String raw) {
        return Words.expand(raw, ENV, '\\', true);
    }

    @Test
    void split_quotesAndEscapes_stayInOneRawWord() {
        assertEquals(List.of("a", "\"b c\"", "'d e'", "f\\ g", "h=\"i j\""),
                Words.split(" a  \"b c\"\t'd e' f\\ g h=\"i j\" ", '\\'));
    }

    @Test
    void expand_variables_replacedUnsetEmpty() {
        assertEquals("/root/x", expand("$HOME/x"));
        assertEquals("/root_x", expand("${HOME}_x"));
        assertEquals("", expand("$UNSET"));
        assertEquals("def", expand("${UNSET:-def}"));
        assertEquals("def", expand("${EMPTY:-def}"));
        assertEquals("/root", expand("${HOME:-def}"));
        assertEquals("alt", expand("${HOME:+alt}"));
        assertEquals("", expand("${UNSET:+alt}"));
        assertEquals("/root/x y", expand("${UNSET:-$HOME/$A}"));
        assertEquals("$ 1 $1", expand("$ 1 $1"));
    }

    @Test
    void expand_quotesAndEscapes_removedSingleQuotesLiteral() {
        assertEquals("x y z", expand("\"$A z\""));
        assertEquals("$A", expand("'$A'"));
        assertEquals("$A", expand("\\$A"));
        assertEquals("a\"b\\c", expand("\"a\\\"b\\\\c\""));
        assertEquals("a b", expand("a\\ b"));
        assertEquals("\\n", expand("\"\\n\""), "other escapes inside double quotes stay");
    }

    @Test
    void expand_jsonWords_onlyVariablesAndEscapedDollar() {
        assertEquals("'x y' \"q\" \\n $A", Words.expand("'$A' \"q\" \\n \\$A", ENV, '\\', false));
    }

    @Test
    void expand_backtickEscape_isTheEscape() {
        assertEquals("$A C:\\dir", Words.expand("`$A C:\\dir", ENV, '`', true));
    }

    @Test
    void expand_badSubstitutions_failSayingWhatIsSupported() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> expand("${A?err}")).getMessage()
                .contains("${NAME:-default}"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> expand("${A")).getMessage()
                .contains("unterminated ${"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> expand("${}")).getMessage()
                .contains("bad substitution"));
    }

    @Test
    void assignment_equalsInsideQuotes_skipped() {
        assertEquals(5, Words.assignment("\"a=b\"=c", '\\'));
        assertEquals(-1, Words.assignment("\"a=b\"", '\\'));
        assertEquals(3, Words.assignment("a\\==b", '\\'));
    }
}
