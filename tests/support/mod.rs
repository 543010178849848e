//! Helpers shared by the origin integration tests: a session's rows, a view's rows, and the
//! expected outcome of a write attempt. Each test binary uses some of them.
#![allow(dead_code)]

pub mod shell;

use std::sync::Arc;

use tether::{Database, Session, Value};
use tether_origins::mysql::MySqlOrigin;

/// Every row of `sql`, as values (panics with the statement on error).
pub async fn rows(session: &mut Session, sql: &str) -> Vec<Vec<Value>> {
    session
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r.into_values())
        .collect()
}

/// A TEXT value.
pub fn text(s: &str) -> Value {
    Value::text(s)
}

/// The `items` view's rows as (id, name), after checking none is staged.
pub async fn view_rows(session: &mut Session) -> Vec<(i32, String)> {
    rows(session, "SELECT id, name, __staged FROM items ORDER BY id")
        .await
        .into_iter()
        .map(|r| {
            assert_eq!(r[2], Value::Bool(false), "a row is still staged: {r:?}");
            let Value::Int32(id) = r[0] else {
                panic!("{r:?}")
            };
            let Value::Text(name) = &r[1] else {
                panic!("{r:?}")
            };
            (id, name.to_string())
        })
        .collect()
}

/// A write attempt's (status, conflict) as `tether.write_attempts` shows them.
pub fn outcome(status: &str, conflict: Option<&str>) -> Vec<Value> {
    vec![text(status), conflict.map_or(Value::Null, text)]
}

/// A local database with the MySQL origin at `url` registered as `mysql:shop`, and a session.
pub fn mysql_local(url: &str) -> (Database, Session) {
    let local = Database::open_in_memory();
    local
        .register_origin("mysql:shop", Arc::new(MySqlOrigin::new(url).unwrap()))
        .unwrap();
    let session = local.connect();
    (local, session)
}

/// Asserts that every write attempt so far was applied (`what` names the case on failure).
pub async fn assert_all_applied(session: &mut Session, what: &str) {
    let statuses = rows(session, "SELECT DISTINCT status FROM tether.write_attempts").await;
    assert_eq!(statuses, vec![vec![text("applied")]], "{what}");
}
