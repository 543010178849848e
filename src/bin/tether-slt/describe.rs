//! One-line descriptions of failing records for `--list-failures`, so that a run's failures
//! can be grepped, counted and grouped by cause.

use sqllogictest::TestErrorKind;

/// Longest expected/actual excerpt kept in a description.
const MAX_EXCERPT: usize = 160;

/// `<what went wrong> | SQL: <the statement on one line>`.
pub fn describe_failure(kind: &TestErrorKind) -> String {
    match kind {
        TestErrorKind::Fail { sql, err, .. } => {
            format!(
                "error: {} | SQL: {}",
                one_line(&err.to_string()),
                one_line(sql)
            )
        }
        TestErrorKind::Ok { sql, .. } => {
            format!(
                "expected an error but it succeeded | SQL: {}",
                one_line(sql)
            )
        }
        TestErrorKind::QueryResultMismatch {
            sql,
            expected,
            actual,
        } => format!(
            "mismatch: expected [{}] got [{}] | SQL: {}",
            excerpt(&expected.replace('\n', ", ")),
            excerpt(&actual.replace('\n', ", ")),
            one_line(sql)
        ),
        other => one_line(&other.to_string()),
    }
}

/// Whitespace runs (newlines included) collapsed to one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn excerpt(text: &str) -> String {
    let text = one_line(text);
    match text.char_indices().nth(MAX_EXCERPT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
