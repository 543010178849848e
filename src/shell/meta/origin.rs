//! `\origin [NAME SQL]`: runs SQL directly on a registered origin, the way another client of
//! that origin would, and prints the results like any query's. This is how a script makes
//! changes "behind the back" of the views that mirror the origin. With no arguments it lists
//! the registered origins.

use std::io::{self, BufWriter, Write};

use super::MetaFlow;
use crate::shell::error::ShellError;
use crate::shell::origins;
use crate::shell::output::{self, table::TextTable};
use crate::shell::state::Shell;

/// `\origin NAME SQL`: NAME is the full origin name (`tether:demo`) or its short name (`demo`);
/// SQL is the rest of the line (one or more statements, run in one origin session).
pub fn run(shell: &mut Shell, args: &str) -> Result<MetaFlow, ShellError> {
    if args.is_empty() {
        return list(shell);
    }
    let (given, sql) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let sql = sql.trim();
    if sql.is_empty() {
        return Err(ShellError::Meta(format!(
            "\\origin: no SQL to run on \"{given}\"; usage: \\origin NAME SQL"
        )));
    }
    let (name, origin) = origins::find(&shell.database, given)?;
    let results = shell
        .runtime
        .block_on(origin.execute(sql))
        .map_err(|error| ShellError::Origin {
            origin: name,
            error,
        })?;
    let mut out = BufWriter::new(io::stdout().lock());
    for result in &results {
        output::print_result(&mut out, shell.format, result)?;
    }
    out.flush()?;
    Ok(MetaFlow::Continue)
}

/// The registered origins, one per row.
fn list(shell: &Shell) -> Result<MetaFlow, ShellError> {
    let mut out = BufWriter::new(io::stdout().lock());
    let names = shell.database.origin_names();
    if names.is_empty() {
        writeln!(
            out,
            "No origins are registered (start tether with --origin tether:NAME=memory)."
        )?;
    } else {
        let mut table = TextTable::new(["Name"]);
        table.title = Some("List of origins".to_string());
        table.row_count_footer = true;
        table.rows = names.into_iter().map(|name| vec![name]).collect();
        table.write(&mut out)?;
    }
    out.flush()?;
    Ok(MetaFlow::Continue)
}
