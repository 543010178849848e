//! [`KeyRange`]: a range over ordered keys where bounds may be prefixes of the key
//! (`a = 5` on an index over `(a, b)` is the range with both bounds `[5]`, inclusive).

use std::cmp::Ordering;

use crate::types::Value;

/// One end of a range: compared against the same-length prefix of a key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyBound {
    pub values: Box<[Value]>,
    pub inclusive: bool,
}

/// A range of keys; `None` = unbounded on that side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyRange {
    pub lower: Option<KeyBound>,
    pub upper: Option<KeyBound>,
}

fn prefix_cmp(key: &[Value], bound: &[Value]) -> Ordering {
    let n = bound.len().min(key.len());
    key[..n].cmp(&bound[..n])
}

impl KeyRange {
    /// Everything.
    pub fn full() -> Self {
        KeyRange::default()
    }

    /// Keys whose prefix equals `values`.
    pub fn prefix(values: Box<[Value]>) -> Self {
        KeyRange {
            lower: Some(KeyBound {
                values: values.clone(),
                inclusive: true,
            }),
            upper: Some(KeyBound {
                values,
                inclusive: true,
            }),
        }
    }

    /// True if `key` lies below the lower bound (scan must skip it).
    pub fn before_lower(&self, key: &[Value]) -> bool {
        match &self.lower {
            None => false,
            Some(b) => match prefix_cmp(key, &b.values) {
                Ordering::Less => true,
                Ordering::Equal => !b.inclusive,
                Ordering::Greater => false,
            },
        }
    }

    /// True if `key` lies beyond the upper bound (scan can stop).
    pub fn past_upper(&self, key: &[Value]) -> bool {
        match &self.upper {
            None => false,
            Some(b) => match prefix_cmp(key, &b.values) {
                Ordering::Less => false,
                Ordering::Equal => !b.inclusive,
                Ordering::Greater => true,
            },
        }
    }

    /// The key to start a map range from (a prefix sorts before all its extensions).
    pub fn start(&self) -> Option<&[Value]> {
        self.lower.as_ref().map(|b| &*b.values)
    }

    /// True when the range cannot contain anything (a bound holds NULL, which never matches).
    pub fn is_empty_by_null(&self) -> bool {
        let has_null = |b: &Option<KeyBound>| {
            b.as_ref()
                .is_some_and(|b| b.values.iter().any(Value::is_null))
        };
        has_null(&self.lower) || has_null(&self.upper)
    }

    /// The single key this range holds, if it is a point range over `key_len` columns.
    pub fn as_point(&self, key_len: usize) -> Option<&[Value]> {
        match (&self.lower, &self.upper) {
            (Some(l), Some(u))
                if l.inclusive
                    && u.inclusive
                    && l.values.len() == key_len
                    && l.values == u.values =>
            {
                Some(&l.values)
            }
            _ => None,
        }
    }
}
