//! Rewrites a corpus script so that the `sqllogictest` crate's parser reads it the way SQLite's
//! reference runner does, without changing any line numbers (failures are reported as
//! `path:line` of the original file):
//!
//! - `skipif X # reason` / `onlyif X # reason`: the trailing comment is dropped (the crate
//!   rejects it as an invalid line).
//! - `onlyif X` directly followed by `halt`: the crate would not attach the condition to `halt`
//!   and would leak it onto the next record. The pair becomes `halt` when X is this engine, and
//!   two blank lines otherwise.
//! - `skipif postgresql # PostgreSQL has strict column usage for GROUP BY clauses`: the corpus
//!   marks these records as not applying to an engine with PostgreSQL's GROUP BY rules (a
//!   selected column must be grouped or aggregated, SQLite picks an arbitrary row's value).
//!   tether has those rules, so the condition becomes `skipif tether`. Only this reason is
//!   honoured: the other `skipif postgresql` reasons (chiefly "requires AS when renaming output
//!   columns") do not apply to tether, whose parser accepts aliases without AS.

/// The preprocessed script, line for line.
pub fn preprocess(script: &str, engine_name: &str) -> String {
    let lines: Vec<&str> = script.lines().collect();
    let mut out = String::with_capacity(script.len() + 64);
    let mut index = 0;
    while index < lines.len() {
        let line = condition_for_engine(lines[index], engine_name);
        if let Some(label) = condition_label(&line, "onlyif") {
            if lines.get(index + 1).map(|l| l.trim()) == Some("halt") {
                if label == engine_name {
                    out.push_str("halt\n\n");
                } else {
                    out.push_str("\n\n");
                }
                index += 2;
                continue;
            }
        }
        out.push_str(&line);
        out.push('\n');
        index += 1;
    }
    out
}

/// Marker of the one `skipif postgresql` reason that applies to tether.
const STRICT_GROUP_BY_REASON: &str = "strict column usage for GROUP BY";

/// A condition line as tether reads it: comment dropped, strict-GROUP-BY skips retargeted.
fn condition_for_engine(line: &str, engine_name: &str) -> String {
    if line.starts_with("skipif postgresql") && line.contains(STRICT_GROUP_BY_REASON) {
        return format!("skipif {engine_name}");
    }
    strip_condition_comment(line)
}

/// `skipif X # reason` → `skipif X`; any other line unchanged.
fn strip_condition_comment(line: &str) -> String {
    let is_condition = line.starts_with("skipif") || line.starts_with("onlyif");
    match line.find('#') {
        Some(hash) if is_condition => line[..hash].trim_end().to_string(),
        _ => line.to_string(),
    }
}

/// The label of a `keyword label` condition line.
fn condition_label<'a>(line: &'a str, keyword: &str) -> Option<&'a str> {
    let mut words = line.split_whitespace();
    (words.next() == Some(keyword))
        .then(|| words.next())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::preprocess;

    #[test]
    fn drops_condition_comments() {
        let out = preprocess("skipif mysql # not compatible\nquery I\n", "tether");
        assert_eq!(out, "skipif mysql\nquery I\n");
    }

    #[test]
    fn honours_only_the_strict_group_by_postgresql_skip() {
        let strict =
            "skipif postgresql # PostgreSQL has strict column usage for GROUP BY clauses\n";
        assert_eq!(preprocess(strict, "tether"), "skipif tether\n");
        let alias = "skipif postgresql # PostgreSQL requires AS when renaming output columns\n";
        assert_eq!(preprocess(alias, "tether"), "skipif postgresql\n");
    }

    #[test]
    fn resolves_onlyif_halt_keeping_line_numbers() {
        assert_eq!(preprocess("onlyif mssql\nhalt\nx\n", "tether"), "\n\nx\n");
        assert_eq!(
            preprocess("onlyif tether\nhalt\nx\n", "tether"),
            "halt\n\nx\n"
        );
    }
}
