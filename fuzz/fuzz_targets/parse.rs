//! Fuzz target: tether's parser must never panic, whatever text it is given.
//!
//! Arbitrary bytes that are UTF-8 go to `parse_tether`; whatever parses is printed and the
//! printed text parsed again (that second parse must not panic either; it is not required to
//! succeed, because sqlparser's printing of some plain statements does not round-trip).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(statements) = tether_dialect::parse_tether(sql) {
        for statement in statements {
            let _ = tether_dialect::parse_tether(&statement.to_string());
        }
    }
    let _ = tether_dialect::parse_tether_one(sql);
});
