//! Origins given on the command line (`--origin NAME=URL`): parsing the argument into an
//! [`OriginSpec`], registering it on the shell's database, and finding a registered origin by
//! its full (`tether:demo`) or short (`demo`) name for `\origin`.
//!
//! `tether:NAME=memory` is a fresh in-memory tether database acting as origin `tether:NAME`;
//! `postgres:NAME=URL` connects to PostgreSQL (a `postgres://` URL or a `key=value` connection
//! string) and `mysql:NAME=URL` to MySQL or MariaDB (a `mysql://` URL).

use std::fmt;
use std::sync::Arc;

use tether::sync::Origin;
use tether::{Database, TetherOrigin};
use tether_dialect::ReplicationOrigin;

use super::error::ShellError;

/// Where an origin's data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginLocation {
    /// A new in-memory tether database in this process (`memory`).
    Memory,
    /// A PostgreSQL database at this URL or connection string.
    Postgres(String),
    /// A MySQL or MariaDB database at this URL.
    Mysql(String),
}

/// One `--origin NAME=URL` argument, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginSpec {
    /// The full origin name with its kind in lower case, as views name it in
    /// `replication_origin` (`tether:demo`).
    pub name: String,
    pub location: OriginLocation,
}

impl fmt::Display for OriginSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            OriginLocation::Memory => write!(f, "{}=memory", self.name),
            OriginLocation::Postgres(url) | OriginLocation::Mysql(url) => {
                write!(f, "{}={url}", self.name)
            }
        }
    }
}

impl OriginSpec {
    /// Reads `KIND:NAME=URL`. The message of an error says what was expected; clap prints it
    /// after `invalid value '...' for '--origin <NAME=URL>'`.
    pub fn parse(text: &str) -> Result<OriginSpec, String> {
        let Some((name, url)) = text.split_once('=') else {
            return Err(format!(
                "expected NAME=URL, e.g. tether:demo=memory (no '=' in \"{text}\")"
            ));
        };
        let Some((kind, short)) = name.split_once(':') else {
            return Err(format!(
                "origin name \"{name}\" must have the form KIND:NAME, e.g. tether:demo"
            ));
        };
        let kind = kind.to_ascii_lowercase();
        let name = format!("{kind}:{short}");
        match kind.as_str() {
            "tether" | "postgres" | "mysql" => {}
            _ => {
                return Err(format!(
                    "unknown origin kind \"{kind}\" in \"{name}\" (expected tether, postgres \
                     or mysql)"
                ))
            }
        }
        if short.is_empty() || short.chars().any(char::is_whitespace) {
            return Err(format!(
                "origin name \"{name}\" needs a name after \"{kind}:\" without whitespace"
            ));
        }
        // The same check views apply to `replication_origin`, so a registered name is always
        // one a view can use.
        name.parse::<ReplicationOrigin>()?;
        let location = match url.trim() {
            url if kind == "postgres" => {
                tether::PostgresOrigin::new(url).map_err(|e| e.to_string())?;
                OriginLocation::Postgres(url.to_string())
            }
            url if kind == "mysql" => {
                tether::MySqlOrigin::new(url).map_err(|e| e.to_string())?;
                OriginLocation::Mysql(url.to_string())
            }
            url if url.eq_ignore_ascii_case("memory") => OriginLocation::Memory,
            url => {
                return Err(format!(
                    "unsupported URL \"{url}\" for {name}: a tether origin's URL is \"memory\" \
                     (a new in-memory database in this process)"
                ))
            }
        };
        Ok(OriginSpec { name, location })
    }

    /// Creates the origin and registers it on `database`.
    pub fn register(&self, database: &Database) -> Result<(), ShellError> {
        let origin: Arc<dyn Origin> = match &self.location {
            OriginLocation::Memory => Arc::new(TetherOrigin::new(Database::open_in_memory())),
            OriginLocation::Postgres(url) => Arc::new(
                tether::PostgresOrigin::new(url)
                    .map_err(|err| ShellError::Startup(format!("origin {}: {err}", self.name)))?,
            ),
            OriginLocation::Mysql(url) => Arc::new(
                tether::MySqlOrigin::new(url)
                    .map_err(|err| ShellError::Startup(format!("origin {}: {err}", self.name)))?,
            ),
        };
        database
            .register_origin(&self.name, origin)
            .map_err(|err| ShellError::Startup(format!("could not register origin {self}: {err}")))
    }
}

/// The registered origin called `given`: its full name (`tether:demo`), or its short name
/// (`demo`) when exactly one origin has it.
pub fn find(database: &Database, given: &str) -> Result<(String, Arc<dyn Origin>), ShellError> {
    let names = database.origin_names();
    let matches: Vec<&String> = if names.iter().any(|name| name == given) {
        names.iter().filter(|name| *name == given).collect()
    } else {
        names
            .iter()
            .filter(|name| {
                name.split_once(':')
                    .is_some_and(|(_, short)| short == given)
            })
            .collect()
    };
    match matches.as_slice() {
        [name] => match database.origin(name) {
            Some(origin) => Ok(((*name).clone(), origin)),
            None => Err(unknown(given, &names)),
        },
        [] => Err(unknown(given, &names)),
        several => Err(ShellError::Meta(format!(
            "origin name \"{given}\" is ambiguous: it could be {}; use the full name",
            join(several.iter().map(|name| name.as_str()))
        ))),
    }
}

fn unknown(given: &str, names: &[String]) -> ShellError {
    if names.is_empty() {
        ShellError::Meta(format!(
            "unknown origin \"{given}\": no origins are registered (start tether with \
             --origin tether:NAME=memory)"
        ))
    } else {
        ShellError::Meta(format!(
            "unknown origin \"{given}\"; registered origins: {}",
            join(names.iter().map(String::as_str))
        ))
    }
}

fn join<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_process_origins() {
        assert_eq!(
            OriginSpec::parse("tether:demo=memory"),
            Ok(OriginSpec {
                name: "tether:demo".into(),
                location: OriginLocation::Memory,
            })
        );
        let spec = OriginSpec::parse("TETHER:Shop=MEMORY").expect("valid");
        assert_eq!(spec.name, "tether:Shop");
        assert_eq!(spec.to_string(), "tether:Shop=memory");
    }

    #[test]
    fn refuses_bad_forms_with_a_reason() {
        let error = |text: &str| OriginSpec::parse(text).expect_err(text);
        assert!(error("tether:demo").contains("expected NAME=URL"));
        assert!(error("demo=memory").contains("must have the form KIND:NAME"));
        assert!(error("oracle:x=memory").contains("unknown origin kind \"oracle\""));
        assert!(error("tether:=memory").contains("needs a name"));
        assert!(error("tether:a b=memory").contains("needs a name"));
        assert!(error("tether:demo=file.db").contains("unsupported URL \"file.db\""));
        assert!(error("postgres:main=postgres://localhost:x/db").contains("bad PostgreSQL URL"));
        assert!(error("mysql:shop=postgres://localhost/shop").contains("bad MySQL URL"));
    }

    #[test]
    fn finds_origins_by_full_or_short_name() {
        let database = Database::open_in_memory();
        for text in ["tether:demo=memory", "tether:other=memory"] {
            OriginSpec::parse(text)
                .expect("valid")
                .register(&database)
                .expect("registered");
        }
        assert_eq!(
            find(&database, "tether:demo").map(|(name, _)| name).ok(),
            Some("tether:demo".to_string())
        );
        assert_eq!(
            find(&database, "other").map(|(name, _)| name).ok(),
            Some("tether:other".to_string())
        );
        let err = find(&database, "nope").err().expect("unknown");
        assert_eq!(
            err.message(),
            "ERROR:  unknown origin \"nope\"; registered origins: tether:demo, tether:other"
        );
    }
}
