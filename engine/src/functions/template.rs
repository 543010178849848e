//! Pattern lookup shared by the `to_char` family's date/time and number templates.

/// The longest pattern of `table` that `rest` starts with, as spelled in `rest`.
///
/// A spelling matches as written in `table`; a spelling without lower-case letters also
/// matches in all lower case, which gives the key `lower_case(key)` (so `table` holds only
/// the upper-case spelling of a pattern that has both).
pub(super) fn longest_keyword<'a, K: Copy>(
    rest: &'a str,
    table: &[(&str, K)],
    lower_case: impl Fn(K) -> K,
) -> Option<(&'a str, K)> {
    table
        .iter()
        .filter_map(|&(spelling, key)| {
            let prefix = rest.get(..spelling.len())?;
            if prefix == spelling {
                Some((prefix, key))
            } else if !spelling.bytes().any(|b| b.is_ascii_lowercase())
                && prefix
                    .bytes()
                    .zip(spelling.bytes())
                    .all(|(p, s)| p == s.to_ascii_lowercase())
            {
                Some((prefix, lower_case(key)))
            } else {
                None
            }
        })
        .max_by_key(|(prefix, _)| prefix.len())
}
