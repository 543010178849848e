//! Splitting a SQL script into complete statements, for the shell.
//!
//! [`StatementSplitter`] is fed a script line by line and hands back each statement as soon as its
//! terminating `;` is seen. A `;` ends a statement only outside single-quoted strings (including
//! `E'...'` strings with backslash escapes), double-quoted identifiers, dollar-quoted strings
//! (`$$...$$`, `$tag$...$tag$`), `--` line comments and nested `/* */` block comments. Each
//! statement remembers the 1-based line and column where it starts in the script, so a position
//! reported relative to the statement text can be turned into a script position
//! ([`ScriptStatement::script_position`]).
//!
//! This is a small hand-written lexer rather than sqlparser's tokenizer because the shell needs to
//! know that a statement is still *open* (an unterminated string or comment is not an error while
//! the user is still typing), which a tokenizer reports only as a failure.
//!
//! ```
//! use tether_dialect::split::split_script;
//!
//! let statements = split_script("SELECT 'a;b';\n-- note\nSELECT 2; SELECT 3");
//! let texts: Vec<&str> = statements.iter().map(|s| s.text.as_str()).collect();
//! assert_eq!(texts, ["SELECT 'a;b'", "SELECT 2", "SELECT 3"]);
//! assert_eq!((statements[1].line, statements[1].column), (3, 1));
//! assert_eq!((statements[2].line, statements[2].column), (3, 11));
//! ```

/// One complete statement of a script: its text without the terminating `;` and without leading
/// whitespace or comments, and where that text starts in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptStatement {
    /// The statement text. Comments inside the statement are kept, so line numbers inside the
    /// text match the script.
    pub text: String,
    /// 1-based script line of the statement's first character.
    pub line: u64,
    /// 1-based column (in characters) of the statement's first character on that line.
    pub column: u64,
}

impl ScriptStatement {
    /// Converts a 1-based line and column relative to [`ScriptStatement::text`] (as in a syntax
    /// error) into the 1-based line and column in the script.
    pub fn script_position(&self, line: u64, column: u64) -> (u64, u64) {
        let line = line.max(1);
        if line == 1 {
            (self.line, self.column + column.max(1) - 1)
        } else {
            (self.line + line - 1, column)
        }
    }
}

/// Where the lexer is between two characters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LexState {
    /// Ordinary SQL text (or nothing yet).
    Code,
    /// Inside `'...'`; `backslash_escapes` for `E'...'` strings.
    SingleQuoted { backslash_escapes: bool },
    /// Inside a `"..."` identifier.
    DoubleQuoted,
    /// Inside a dollar-quoted string; the field is the full delimiter, e.g. `$tag$`.
    DollarQuoted(String),
    /// Inside `/* ... */`, nested `depth` levels deep.
    BlockComment { depth: u32 },
}

/// Incremental splitter: feed lines with [`StatementSplitter::push_line`], collect the complete
/// statements it returns, and call [`StatementSplitter::finish`] at the end of the script to get a
/// last statement that has no terminating `;`.
#[derive(Debug, Clone)]
pub struct StatementSplitter {
    /// Text of the open statement from its first character up to the end of the previous line.
    buffer: String,
    /// Script position of the open statement's first character; `None` when no statement is open.
    start: Option<(u64, u64)>,
    /// 1-based number of the next line to be fed.
    next_line: u64,
    state: LexState,
}

impl Default for StatementSplitter {
    fn default() -> Self {
        Self::new()
    }
}

impl StatementSplitter {
    /// A splitter at line 1 of a script.
    pub fn new() -> Self {
        StatementSplitter {
            buffer: String::new(),
            start: None,
            next_line: 1,
            state: LexState::Code,
        }
    }

    /// True when nothing is open: no partial statement and not inside a comment. The shell shows
    /// its main prompt then, and a line starting with `\` is a meta-command.
    pub fn is_idle(&self) -> bool {
        self.start.is_none() && self.state == LexState::Code
    }

    /// The 1-based number of the next line [`StatementSplitter::push_line`] will read.
    pub fn next_line(&self) -> u64 {
        self.next_line
    }

    /// Counts a line that was consumed outside the splitter (e.g. a meta-command line), so that
    /// later statements keep their script line numbers.
    pub fn skip_line(&mut self) {
        self.next_line += 1;
    }

    /// Forgets the open statement and any open quote or comment (the interactive shell's Ctrl-C).
    /// Line numbering continues.
    pub fn reset(&mut self) {
        self.buffer.clear();
        self.start = None;
        self.state = LexState::Code;
    }

    /// Feeds several lines at once (split at `\n`; a trailing `\r` is dropped from each line).
    pub fn push_text(&mut self, text: &str) -> Vec<ScriptStatement> {
        text.lines().flat_map(|line| self.push_line(line)).collect()
    }

    /// Feeds one line of the script (without its line terminator) and returns the statements it
    /// completes, in order. Empty statements (`;` alone) are skipped.
    pub fn push_line(&mut self, line: &str) -> Vec<ScriptStatement> {
        let line_number = self.next_line;
        self.next_line += 1;
        let bytes = line.as_bytes();
        let mut completed = Vec::new();
        // Byte offset on this line where the open statement's text continues from.
        let mut segment_start: Option<usize> = self.start.map(|_| 0);
        let mut i = 0;
        while i < bytes.len() {
            match &mut self.state {
                LexState::Code => {
                    let byte = bytes[i];
                    let next = bytes.get(i + 1).copied();
                    match byte {
                        b';' => {
                            if let Some(from) = segment_start.take() {
                                completed.push(self.take_statement(&line[from..i]));
                            }
                            i += 1;
                            continue;
                        }
                        b'-' if next == Some(b'-') => break,
                        b'/' if next == Some(b'*') => {
                            self.state = LexState::BlockComment { depth: 1 };
                            i += 2;
                            continue;
                        }
                        b' ' | b'\t' | b'\r' | b'\x0c' => {
                            i += 1;
                            continue;
                        }
                        _ => {}
                    }
                    // A significant character: it starts the statement if none is open.
                    if segment_start.is_none() {
                        segment_start = Some(i);
                        self.start = Some((line_number, column_of(line, i)));
                    }
                    match byte {
                        b'\'' => {
                            let backslash_escapes = is_escape_string_prefix(bytes, i);
                            self.state = LexState::SingleQuoted { backslash_escapes };
                        }
                        b'"' => self.state = LexState::DoubleQuoted,
                        b'$' => {
                            if let Some(delimiter) = dollar_quote_delimiter(line, i) {
                                i += delimiter.len();
                                self.state = LexState::DollarQuoted(delimiter.to_string());
                                continue;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                LexState::SingleQuoted { backslash_escapes } => {
                    match bytes[i] {
                        b'\\' if *backslash_escapes => i += 1,
                        b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 1,
                        b'\'' => self.state = LexState::Code,
                        _ => {}
                    }
                    i += 1;
                }
                LexState::DoubleQuoted => {
                    match bytes[i] {
                        b'"' if bytes.get(i + 1) == Some(&b'"') => i += 1,
                        b'"' => self.state = LexState::Code,
                        _ => {}
                    }
                    i += 1;
                }
                LexState::DollarQuoted(delimiter) => match line[i..].find(delimiter.as_str()) {
                    Some(offset) => {
                        i += offset + delimiter.len();
                        self.state = LexState::Code;
                    }
                    None => i = bytes.len(),
                },
                LexState::BlockComment { depth } => {
                    let next = bytes.get(i + 1).copied();
                    match (bytes[i], next) {
                        (b'/', Some(b'*')) => {
                            *depth += 1;
                            i += 2;
                        }
                        (b'*', Some(b'/')) => {
                            *depth -= 1;
                            if *depth == 0 {
                                self.state = LexState::Code;
                            }
                            i += 2;
                        }
                        _ => i += 1,
                    }
                }
            }
        }
        if let Some(from) = segment_start {
            self.buffer.push_str(&line[from..]);
            self.buffer.push('\n');
        }
        completed
    }

    /// Ends the script: returns the open statement, if any, even though it has no terminating `;`
    /// (or is inside an unterminated string, which the parser will then report). Leaves the
    /// splitter idle.
    pub fn finish(&mut self) -> Option<ScriptStatement> {
        self.state = LexState::Code;
        if self.start.is_some() {
            Some(self.take_statement(""))
        } else {
            None
        }
    }

    /// Completes the open statement with `tail` (the part of the current line before its `;`).
    fn take_statement(&mut self, tail: &str) -> ScriptStatement {
        let mut text = std::mem::take(&mut self.buffer);
        text.push_str(tail);
        text.truncate(text.trim_end().len());
        let (line, column) = self.start.take().unwrap_or((self.next_line, 1));
        ScriptStatement { text, line, column }
    }
}

/// Splits a whole script; a final statement without `;` is included.
pub fn split_script(script: &str) -> Vec<ScriptStatement> {
    let mut splitter = StatementSplitter::new();
    let mut statements = splitter.push_text(script);
    statements.extend(splitter.finish());
    statements
}

/// 1-based character column of byte offset `offset` in `line`.
fn column_of(line: &str, offset: usize) -> u64 {
    line[..offset].chars().count() as u64 + 1
}

/// True for bytes that may continue an identifier (PostgreSQL allows `$` after the first
/// character, and any non-ASCII character).
fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

/// True when the quote at `quote` is preceded by a standalone `E`/`e` (an escape string).
fn is_escape_string_prefix(bytes: &[u8], quote: usize) -> bool {
    match quote.checked_sub(1).map(|p| bytes[p]) {
        Some(b'e' | b'E') => quote < 2 || !is_identifier_byte(bytes[quote - 2]),
        _ => false,
    }
}

/// The dollar-quote delimiter (`$$` or `$tag$`) starting at byte `at` of `line`, if one starts
/// there. A `$` that continues an identifier (`a$b`) or starts a parameter (`$1`) is not one.
fn dollar_quote_delimiter(line: &str, at: usize) -> Option<&str> {
    let bytes = line.as_bytes();
    if at > 0 && is_identifier_byte(bytes[at - 1]) {
        return None;
    }
    let mut end = at + 1;
    while end < bytes.len() {
        let byte = bytes[end];
        if byte == b'$' {
            return Some(&line[at..=end]);
        }
        let allowed = byte.is_ascii_alphabetic()
            || byte == b'_'
            || byte >= 0x80
            || (byte.is_ascii_digit() && end > at + 1);
        if !allowed {
            return None;
        }
        end += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(script: &str) -> Vec<String> {
        split_script(script).into_iter().map(|s| s.text).collect()
    }

    fn positions(script: &str) -> Vec<(u64, u64)> {
        split_script(script)
            .into_iter()
            .map(|s| (s.line, s.column))
            .collect()
    }

    #[test]
    fn splits_at_semicolons() {
        assert_eq!(texts("SELECT 1;\nSELECT 2;\n"), ["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn several_statements_on_one_line() {
        assert_eq!(
            texts("SELECT 1; SELECT 2;SELECT 3;"),
            ["SELECT 1", "SELECT 2", "SELECT 3"]
        );
        assert_eq!(
            positions("SELECT 1; SELECT 2;SELECT 3;"),
            [(1, 1), (1, 11), (1, 20)]
        );
    }

    #[test]
    fn statement_spanning_lines_keeps_its_lines() {
        let statements = split_script("\n\nSELECT a,\n  b\nFROM t\n;");
        assert_eq!(statements.len(), 1);
        assert_eq!(statements[0].text, "SELECT a,\n  b\nFROM t");
        assert_eq!((statements[0].line, statements[0].column), (3, 1));
    }

    #[test]
    fn trailing_statement_without_semicolon_is_returned_by_finish() {
        assert_eq!(texts("SELECT 1;\nSELECT 2\n"), ["SELECT 1", "SELECT 2"]);
        let mut splitter = StatementSplitter::new();
        assert!(splitter.push_line("SELECT 2").is_empty());
        assert!(!splitter.is_idle());
        let last = splitter.finish().expect("open statement");
        assert_eq!(last.text, "SELECT 2");
        assert!(splitter.is_idle());
        assert_eq!(splitter.finish(), None);
    }

    #[test]
    fn empty_statements_and_blank_scripts_yield_nothing() {
        assert!(texts("").is_empty());
        assert!(texts("\n  \n").is_empty());
        assert!(texts(";;\n ; ").is_empty());
        assert!(texts("-- only a comment\n/* and another */").is_empty());
    }

    #[test]
    fn semicolons_inside_single_quotes() {
        assert_eq!(
            texts("SELECT 'a;b'; SELECT 'it''s;';"),
            ["SELECT 'a;b'", "SELECT 'it''s;'"]
        );
    }

    #[test]
    fn single_quoted_string_across_lines() {
        let mut splitter = StatementSplitter::new();
        assert!(splitter
            .push_line("INSERT INTO t VALUES ('line one;")
            .is_empty());
        assert!(!splitter.is_idle());
        let done = splitter.push_line("line two');");
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].text, "INSERT INTO t VALUES ('line one;\nline two')");
        assert!(splitter.is_idle());
    }

    #[test]
    fn escape_strings_honour_backslashes() {
        assert_eq!(
            texts(r"SELECT E'a\';b'; SELECT 2;"),
            [r"SELECT E'a\';b'", "SELECT 2"]
        );
        // Outside an E string a backslash is an ordinary character.
        assert_eq!(
            texts(r"SELECT 'a\'; SELECT 2;"),
            [r"SELECT 'a\'", "SELECT 2"]
        );
        // `e` ending an identifier does not make an escape string.
        assert_eq!(
            texts(r"SELECT name'\'; SELECT 2;"),
            [r"SELECT name'\'", "SELECT 2"]
        );
        // A doubled quote inside an E string keeps backslash escapes on.
        assert_eq!(
            texts(r"SELECT E'a''b\';c'; SELECT 2;"),
            [r"SELECT E'a''b\';c'", "SELECT 2"]
        );
    }

    #[test]
    fn semicolons_inside_double_quoted_identifiers() {
        assert_eq!(
            texts(r#"SELECT 1 AS "a;""b"; SELECT 2;"#),
            [r#"SELECT 1 AS "a;""b""#, "SELECT 2"]
        );
    }

    #[test]
    fn dollar_quoted_strings() {
        assert_eq!(
            texts("SELECT $$a;b$$; SELECT 2;"),
            ["SELECT $$a;b$$", "SELECT 2"]
        );
        assert_eq!(
            texts("SELECT $fn$ $$; ' \" $fn$; SELECT 2;"),
            ["SELECT $fn$ $$; ' \" $fn$", "SELECT 2"]
        );
        let mut splitter = StatementSplitter::new();
        assert!(splitter.push_line("SELECT $body$ first;").is_empty());
        assert!(splitter.push_line("second; $notit$").is_empty());
        let done = splitter.push_line("end $body$;");
        assert_eq!(
            done[0].text,
            "SELECT $body$ first;\nsecond; $notit$\nend $body$"
        );
    }

    #[test]
    fn dollar_signs_that_are_not_quotes() {
        assert_eq!(texts("SELECT $1; SELECT 2;"), ["SELECT $1", "SELECT 2"]);
        assert_eq!(
            texts("SELECT a$b$c; SELECT 2;"),
            ["SELECT a$b$c", "SELECT 2"]
        );
        assert_eq!(texts("SELECT $1$; SELECT 2;"), ["SELECT $1$", "SELECT 2"]);
    }

    #[test]
    fn line_comments() {
        assert_eq!(
            texts("SELECT 1 -- not the end; really\n, 2; -- after;\nSELECT 3;"),
            ["SELECT 1 -- not the end; really\n, 2", "SELECT 3"]
        );
    }

    #[test]
    fn leading_comments_are_not_part_of_the_statement() {
        let statements = split_script("-- heading\n/* block\n comment */ SELECT 1;");
        assert_eq!(statements.len(), 1);
        assert_eq!(statements[0].text, "SELECT 1");
        assert_eq!((statements[0].line, statements[0].column), (3, 13));
    }

    #[test]
    fn nested_block_comments() {
        assert_eq!(
            texts("SELECT /* a /* b; */ still; */ 1; SELECT 2;"),
            ["SELECT /* a /* b; */ still; */ 1", "SELECT 2"]
        );
        let mut splitter = StatementSplitter::new();
        assert!(splitter.push_line("/* open").is_empty());
        assert!(!splitter.is_idle(), "an open comment is not idle");
        assert!(splitter.push_line("; */").is_empty());
        assert!(splitter.is_idle());
    }

    #[test]
    fn minus_and_slash_alone_are_ordinary() {
        assert_eq!(
            texts("SELECT 4 - 1; SELECT 4 / 2;"),
            ["SELECT 4 - 1", "SELECT 4 / 2"]
        );
    }

    #[test]
    fn unterminated_string_is_still_returned_at_the_end() {
        assert_eq!(texts("SELECT 'oops;\n"), ["SELECT 'oops;"]);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(positions("SELECT 'é'; SELECT 2;"), [(1, 1), (1, 13)]);
    }

    #[test]
    fn script_position_maps_statement_positions() {
        let statement = ScriptStatement {
            text: "SELEC 1".into(),
            line: 12,
            column: 8,
        };
        assert_eq!(statement.script_position(1, 1), (12, 8));
        assert_eq!(statement.script_position(1, 3), (12, 10));
        assert_eq!(statement.script_position(2, 3), (13, 3));
    }

    #[test]
    fn skipped_lines_keep_numbering() {
        let mut splitter = StatementSplitter::new();
        splitter.skip_line();
        let done = splitter.push_line("SELECT 1;");
        assert_eq!(done[0].line, 2);
        assert_eq!(splitter.next_line(), 3);
    }

    #[test]
    fn reset_discards_the_open_statement() {
        let mut splitter = StatementSplitter::new();
        splitter.push_line("SELECT 'open");
        splitter.reset();
        assert!(splitter.is_idle());
        let done = splitter.push_line("SELECT 2;");
        assert_eq!(done[0].text, "SELECT 2");
        assert_eq!(done[0].line, 2);
    }

    /// Every script of up to four characters from an alphabet of the lexer's special characters
    /// (plus a multi-byte one) splits without panicking, and every statement is non-empty.
    #[test]
    fn never_panics_on_short_scripts() {
        let alphabet = [
            ";", "'", "\"", "$", "-", "/", "*", "E", "é", "\\", "\n", "a", " ",
        ];
        let mut scripts = vec![String::new()];
        let mut frontier = scripts.clone();
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|script| alphabet.iter().map(move |piece| format!("{script}{piece}")))
                .collect();
            scripts.extend(frontier.iter().cloned());
        }
        for script in &scripts {
            for statement in split_script(script) {
                assert!(!statement.text.trim().is_empty(), "{script:?}");
            }
        }
    }

    #[test]
    fn crlf_line_endings() {
        assert_eq!(
            texts("SELECT 1\r\n;\r\nSELECT 2;\r\n"),
            ["SELECT 1", "SELECT 2"]
        );
    }
}
