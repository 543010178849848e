//! Property test: tether's view statements print (Display) to SQL that parses back to the same
//! statement.
//!
//! Each case is a random statement *spec*. It is written out as SQL in a random but equivalent
//! spelling (keyword case, option order, options before `AS` or after the query, quoted or bare
//! values), parsed, and checked twice: the parsed statement prints as the spec's canonical SQL,
//! and that printed SQL parses back to an equal statement.

use proptest::prelude::*;
use proptest::sample::select;
use sqlparser::keywords::ALL_KEYWORDS;
use tether_dialect::{parse_tether_one, TetherStatement};

/// An identifier and how it is written.
#[derive(Debug, Clone)]
enum Name {
    /// A lower-case word that is not a keyword: written as is.
    Bare(String),
    /// Anything: written in double quotes, `"` doubled.
    Quoted(String),
}

impl Name {
    fn sql(&self) -> String {
        match self {
            Name::Bare(word) => word.clone(),
            Name::Quoted(text) => format!("\"{}\"", text.replace('"', "\"\"")),
        }
    }
}

fn bare_word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,7}".prop_filter("not a keyword", |word| {
        !ALL_KEYWORDS.contains(&word.to_ascii_uppercase().as_str())
    })
}

/// A name of tether's own statements (view, columns, version key): anything goes.
fn name() -> impl Strategy<Value = Name> {
    prop_oneof![
        3 => bare_word().prop_map(Name::Bare),
        1 => "[A-Za-z0-9 _;,.()'\"\\\\é-]{1,8}".prop_map(Name::Quoted),
        1 => select(vec!["select", "from", "with", "as", "User", "realtime"])
            .prop_map(|word| Name::Quoted(word.to_string())),
    ]
}

fn object_name() -> impl Strategy<Value = String> {
    prop::collection::vec(name(), 1..=2)
        .prop_map(|parts| parts.iter().map(Name::sql).collect::<Vec<_>>().join("."))
}

/// A name inside the view query, printed by sqlparser: its `Display` does not double a `""`
/// inside a quoted name (nor a quote after a backslash), so those are left out here.
fn query_name() -> impl Strategy<Value = Name> {
    prop_oneof![
        3 => bare_word().prop_map(Name::Bare),
        1 => "[A-Za-z0-9 _;,.()'é-]{1,8}".prop_map(Name::Quoted),
        1 => select(vec!["select", "from", "with", "as", "User", "realtime"])
            .prop_map(|word| Name::Quoted(word.to_string())),
    ]
}

fn query_object_name() -> impl Strategy<Value = String> {
    prop::collection::vec(query_name(), 1..=2)
        .prop_map(|parts| parts.iter().map(Name::sql).collect::<Vec<_>>().join("."))
}

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        // At most one quote: sqlparser prints a `''` inside a string back as one quote.
        "[a-z ]{0,3}'?[a-z ]{0,3}".prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        Just("NULL".to_string()),
        Just("true".to_string()),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (
            query_name(),
            select(vec!["=", "<>", "<", ">=", ">"]),
            literal()
        )
            .prop_map(|(column, op, value)| format!("{} {op} {value}", column.sql())),
        query_name().prop_map(|column| format!("{} IS NULL", column.sql())),
    ];
    leaf.prop_recursive(3, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), select(vec!["AND", "OR"]), inner.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.prop_map(|c| format!("({c})")),
        ]
    })
}

/// A simple query in canonical (printed) form: projection with renames, one table, a filter.
fn query() -> impl Strategy<Value = String> {
    let projection = prop_oneof![
        1 => Just("*".to_string()),
        3 => prop::collection::vec((query_name(), prop::option::of(query_name())), 1..4).prop_map(|items| {
            items
                .iter()
                .map(|(column, alias)| match alias {
                    Some(alias) => format!("{} AS {}", column.sql(), alias.sql()),
                    None => column.sql(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }),
    ];
    (
        projection,
        query_object_name(),
        prop::option::of(query_name()),
        prop::option::of(condition()),
    )
        .prop_map(|(projection, table, alias, filter)| {
            let mut sql = format!("SELECT {projection} FROM {table}");
            if let Some(alias) = alias {
                sql += &format!(" AS {}", alias.sql());
            }
            if let Some(filter) = filter {
                sql += &format!(" WHERE {filter}");
            }
            sql
        })
}

/// One option: (canonical position, canonical text, some spelling of it).
type OptionSpec = (usize, String, String);

fn origin_option() -> impl Strategy<Value = OptionSpec> {
    (
        select(vec!["postgres", "mysql", "tether"]),
        any::<bool>(),
        "[a-z0-9_.:'-]{1,10}",
    )
        .prop_map(|(kind, upper, origin)| {
            let quoted = origin.replace('\'', "''");
            let written_kind = if upper {
                kind.to_uppercase()
            } else {
                kind.to_string()
            };
            (
                0,
                format!("replication_origin = '{kind}:{quoted}'"),
                format!("replication_origin = '{written_kind}:{quoted}'"),
            )
        })
}

fn mvcc_key_option() -> impl Strategy<Value = OptionSpec> {
    prop_oneof![
        bare_word().prop_map(|word| {
            let canonical = format!("upstream_mvcc_key = {word}");
            (1, canonical.clone(), canonical)
        }),
        "[A-Za-z_ \"']{1,8}".prop_map(|column| {
            (
                1,
                format!("upstream_mvcc_key = \"{}\"", column.replace('"', "\"\"")),
                format!("upstream_mvcc_key = '{}'", column.replace('\'', "''")),
            )
        }),
    ]
}

fn write_policy_option() -> impl Strategy<Value = OptionSpec> {
    (
        select(vec!["origin_first", "local_first"]),
        select(vec!["'{}'", "{}", "'{}'"]),
        any::<bool>(),
    )
        .prop_map(|(policy, form, upper)| {
            let value = if upper {
                policy.to_uppercase()
            } else {
                policy.to_string()
            };
            (
                2,
                format!("write_policy = '{policy}'"),
                format!("write_policy = {}", form.replace("{}", &value)),
            )
        })
}

/// Writes a keyword in a random case.
fn spell(keyword: &str, upper: bool) -> String {
    if upper {
        keyword.to_string()
    } else {
        keyword.to_lowercase()
    }
}

/// A statement: (canonical SQL, a spelling of it).
fn create_view() -> impl Strategy<Value = (String, String)> {
    (
        (
            any::<bool>(),
            select(vec!["REALTIME", "MATERIALIZED"]),
            any::<bool>(),
        ),
        object_name(),
        prop::option::of(prop::collection::vec(name(), 1..4)),
        query(),
        (
            origin_option(),
            prop::option::of(mvcc_key_option()),
            prop::option::of(write_policy_option()),
        ),
        (
            Just(()).prop_perturb(|_, mut rng| rng.random::<u64>()),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |((or_replace, mode, if_not_exists), name, columns, query, options, spelling)| {
                let (origin, key, policy) = options;
                let (shuffle_seed, options_first, upper) = spelling;
                let mut options: Vec<OptionSpec> =
                    [Some(origin), key, policy].into_iter().flatten().collect();
                let canonical_options: Vec<String> = options
                    .iter()
                    .map(|(_, canonical, _)| canonical.clone())
                    .collect();
                let count = options.len() as u64;
                options.rotate_left((shuffle_seed % count) as usize);
                if shuffle_seed & 8 != 0 {
                    options.reverse();
                }
                let written_options: Vec<String> = options
                    .iter()
                    .map(|(_, _, written)| written.clone())
                    .collect();
                let or_replace = if or_replace { "OR REPLACE " } else { "" };
                let if_not_exists = if if_not_exists && or_replace.is_empty() {
                    "IF NOT EXISTS "
                } else {
                    ""
                };
                let columns = columns
                    .map(|c| {
                        let c: Vec<String> = c.iter().map(Name::sql).collect();
                        format!(" ({})", c.join(", "))
                    })
                    .unwrap_or_default();
                let canonical = format!(
                    "CREATE {or_replace}{mode} VIEW {if_not_exists}{name}{columns} AS {query} \
                     WITH ({})",
                    canonical_options.join(", ")
                );
                let head = spell(
                    &format!("CREATE {or_replace}{mode} VIEW {if_not_exists}"),
                    upper,
                );
                let with = spell("WITH", upper);
                let written_options = written_options.join(",\n  ");
                let written = if options_first {
                    format!("{head}{name}{columns} {with} ({written_options}) AS {query}")
                } else {
                    format!("{head}{name}{columns} AS {query}\n{with} ({written_options})")
                };
                (canonical, written)
            },
        )
}

fn other_view_statement() -> impl Strategy<Value = (String, String)> {
    let mode = prop::option::of(select(vec!["REALTIME", "MATERIALIZED"]));
    let refresh = (mode.clone(), object_name()).prop_map(|(mode, name)| {
        let mode = mode.map(|m| format!("{m} ")).unwrap_or_default();
        format!("REFRESH {mode}VIEW {name}")
    });
    let drop = (
        select(vec!["REALTIME", "MATERIALIZED"]),
        any::<bool>(),
        prop::collection::vec(object_name(), 1..3),
        select(vec!["", " CASCADE", " RESTRICT"]),
    )
        .prop_map(|(mode, if_exists, names, behavior)| {
            let if_exists = if if_exists { "IF EXISTS " } else { "" };
            format!("DROP {mode} VIEW {if_exists}{}{behavior}", names.join(", "))
        });
    let set = (
        prop::option::of(origin_option()),
        prop::option::of(mvcc_key_option()),
        prop::option::of(write_policy_option()),
    )
        .prop_filter_map("at least one option", |(a, b, c)| {
            let options: Vec<OptionSpec> = [a, b, c].into_iter().flatten().collect();
            (!options.is_empty()).then(|| {
                let canonical: Vec<String> = options.iter().map(|o| o.1.clone()).collect();
                let written: Vec<String> = options.iter().rev().map(|o| o.2.clone()).collect();
                (
                    format!("SET ({})", canonical.join(", ")),
                    format!("SET ({})", written.join(", ")),
                )
            })
        });
    let reset = select(vec![
        ("upstream_mvcc_key", "upstream_mvcc_key"),
        ("write_policy", "write_policy"),
        (
            "upstream_mvcc_key, write_policy",
            "write_policy, UPSTREAM_MVCC_KEY",
        ),
    ])
    .prop_map(|(canonical, written)| {
        (format!("RESET ({canonical})"), format!("RESET ({written})"))
    });
    let alter = (mode, any::<bool>(), object_name(), prop_oneof![set, reset]).prop_map(
        |(mode, if_exists, name, (canonical_action, written_action))| {
            let mode = mode.map(|m| format!("{m} ")).unwrap_or_default();
            let if_exists = if if_exists { "IF EXISTS " } else { "" };
            let head = format!("ALTER {mode}VIEW {if_exists}{name} ");
            (
                format!("{head}{canonical_action}"),
                format!("{head}{written_action}"),
            )
        },
    );
    prop_oneof![
        refresh.prop_map(|sql| (sql.clone(), sql.to_lowercase_keywords())),
        drop.prop_map(|sql| (sql.clone(), sql)),
        alter,
    ]
}

/// Lower-cases the leading keywords of a statement (before the first name), to vary spelling.
trait LowercaseKeywords {
    fn to_lowercase_keywords(&self) -> String;
}

impl LowercaseKeywords for String {
    fn to_lowercase_keywords(&self) -> String {
        match self.find(" VIEW ") {
            Some(at) => format!("{} view {}", self[..at].to_lowercase(), &self[at + 6..]),
            None => self.clone(),
        }
    }
}

fn check_round_trip(canonical: &str, written: &str) -> Result<(), TestCaseError> {
    let parsed = parse_tether_one(written)
        .map_err(|e| TestCaseError::fail(format!("{written}\n  does not parse: {e}")))?;
    prop_assert!(
        !matches!(parsed, TetherStatement::Sql(_)),
        "{written} parsed as plain SQL"
    );
    let printed = parsed.to_string();
    prop_assert_eq!(&printed, canonical, "printed form of {}", written);
    let reparsed = parse_tether_one(&printed)
        .map_err(|e| TestCaseError::fail(format!("{printed}\n  does not parse back: {e}")))?;
    prop_assert_eq!(
        reparsed,
        parsed,
        "{} parses back to another statement",
        printed
    );
    Ok(())
}

proptest! {
    #[test]
    fn create_view_prints_back_to_itself((canonical, written) in create_view()) {
        check_round_trip(&canonical, &written)?;
    }

    #[test]
    fn refresh_drop_alter_print_back_to_themselves((canonical, written) in other_view_statement()) {
        check_round_trip(&canonical, &written)?;
    }
}
