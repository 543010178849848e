//! The known-failures list: records whose failure is accepted because they test SQLite-only
//! behaviour. One entry per line, `path:line  reason`, where `path` is the file's path inside
//! the corpus (e.g. `random/expr/slt_good_0.test`) and matches any run path ending with it;
//! `#` starts a comment line. The list may only shrink: a listed record that passes is reported.

use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Known failures by corpus path, then line.
#[derive(Debug, Default)]
pub struct KnownFailures {
    by_path: HashMap<String, HashSet<u32>>,
}

/// The known-failure lines of one run file.
pub struct FileKnownFailures<'a> {
    /// The entry's corpus path, as written in the list.
    pub entry_path: &'a str,
    pub lines: &'a HashSet<u32>,
}

impl KnownFailures {
    /// Reads the list from `path`.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn parse(text: &str) -> Result<Self, String> {
        let mut known = KnownFailures::default();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let location = line.split_whitespace().next().unwrap_or_default();
            let parsed = location
                .rsplit_once(':')
                .and_then(|(file, number)| Some((file, number.parse::<u32>().ok()?)));
            let Some((file, number)) = parsed else {
                return Err(format!(
                    "line {}: expected `path:line  reason`, found {raw:?}",
                    index + 1
                ));
            };
            known
                .by_path
                .entry(file.trim_start_matches("./").to_string())
                .or_default()
                .insert(number);
        }
        Ok(known)
    }

    /// The entries that apply to the run file `file`: those whose path is a suffix of it, on a
    /// path-component boundary.
    pub fn for_file(&self, file: &Path) -> Option<FileKnownFailures<'_>> {
        let file = file.to_string_lossy().replace('\\', "/");
        self.by_path.iter().find_map(|(entry_path, lines)| {
            let matches = file == *entry_path
                || file
                    .strip_suffix(entry_path.as_str())
                    .is_some_and(|prefix| prefix.ends_with('/'));
            matches.then_some(FileKnownFailures { entry_path, lines })
        })
    }

    /// Number of entries.
    pub fn entry_count(&self) -> usize {
        self.by_path.values().map(HashSet::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_by_path_suffix() {
        let known = KnownFailures::parse("# c\nrandom/expr/slt_good_0.test:12  integer division\n")
            .unwrap();
        let hit = known
            .for_file(Path::new(
                "../shared/sqllogictest/random/expr/slt_good_0.test",
            ))
            .unwrap();
        assert!(hit.lines.contains(&12));
        assert!(known
            .for_file(Path::new("x/other_random/expr/slt_good_0.test"))
            .is_none());
    }
}
