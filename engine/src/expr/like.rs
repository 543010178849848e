//! SQL `LIKE` / `ILIKE` pattern matching: `%` any run of characters, `_` one character, and an
//! escape character (default `\`).

/// True if `text` matches `pattern`.
pub fn like_match(text: &str, pattern: &str, escape: Option<char>, case_insensitive: bool) -> bool {
    let (text, pattern): (Vec<char>, Vec<char>) = if case_insensitive {
        (
            text.to_lowercase().chars().collect(),
            pattern.to_lowercase().chars().collect(),
        )
    } else {
        (text.chars().collect(), pattern.chars().collect())
    };
    matches(&text, &pattern, escape.unwrap_or('\\'))
}

/// Iterative matcher with backtracking to the last `%` (linear in practice, no recursion).
fn matches(text: &[char], pattern: &[char], escape: char) -> bool {
    let (mut t, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('%') => {
                p += 1;
                star = Some((p, t));
                continue;
            }
            Some('_') => {
                t += 1;
                p += 1;
                continue;
            }
            Some(&c) => {
                let (literal, width) = if c == escape {
                    (pattern.get(p + 1).copied().unwrap_or(escape), 2)
                } else {
                    (c, 1)
                };
                if text[t] == literal {
                    t += 1;
                    p += width;
                    continue;
                }
            }
            None => {}
        }
        match star {
            Some((star_p, star_t)) => {
                p = star_p;
                t = star_t + 1;
                star = Some((star_p, star_t + 1));
            }
            None => return false,
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == '%')
}

#[cfg(test)]
mod tests {
    use super::like_match;

    #[test]
    fn wildcards() {
        assert!(like_match("hello", "h%o", None, false));
        assert!(like_match("hello", "h_llo", None, false));
        assert!(!like_match("hello", "h_lo", None, false));
        assert!(like_match("", "%", None, false));
        assert!(like_match("abc", "%%c", None, false));
        assert!(!like_match("abc", "%b", None, false));
        assert!(like_match("a%c", "a\\%c", None, false));
        assert!(!like_match("abc", "a\\%c", None, false));
        assert!(like_match("HeLLo", "hello", None, true));
        assert!(like_match("mississippi", "%iss%pi", None, false));
    }
}
