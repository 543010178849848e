//! Functions that fit no other family: UUID generation and the server version.

use super::signature::Ty::{Text, Uuid};
use super::signature::{fixed, FunctionDef};
use crate::types::Value;

/// The miscellaneous functions.
pub(super) const FUNCTIONS: &[FunctionDef] = &[
    // uuid_generate_v4 is the uuid-ossp extension's name for the same thing.
    FunctionDef::new(
        &["gen_random_uuid", "uuid_generate_v4"],
        &[fixed(&[], Uuid, |_, _| {
            Ok(Value::Uuid(uuid::Uuid::new_v4()))
        })],
    )
    .volatile(),
    FunctionDef::new(
        &["version"],
        &[fixed(&[], Text, |_, _| Ok(Value::text(version_string())))],
    ),
];

/// `tether <crate version>`.
fn version_string() -> String {
    format!("tether {}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{as_text, call};
    use crate::types::Value;

    #[test]
    fn random_uuids_are_version_4_and_distinct() {
        let a = call("gen_random_uuid", &[]).unwrap();
        let b = call("uuid_generate_v4", &[]).unwrap();
        match (&a, &b) {
            (Value::Uuid(x), Value::Uuid(y)) => {
                assert_eq!(x.get_version_num(), 4);
                assert_ne!(x, y);
            }
            other => panic!("expected uuids, got {other:?}"),
        }
    }

    #[test]
    fn version_names_tether() {
        let version = as_text(&call("version", &[]).unwrap());
        assert_eq!(version, format!("tether {}", env!("CARGO_PKG_VERSION")));
    }
}
