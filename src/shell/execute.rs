//! Running one SQL statement: execute it on the shell's session, print its result in the current
//! format and, with `\timing on`, how long it took.

use std::io::{self, BufWriter, Write};
use std::time::Instant;

use tether_dialect::split::ScriptStatement;

use super::error::ShellError;
use super::output;
use super::state::Shell;

impl Shell {
    /// Executes `statement` and prints its result. `source` names the script it came from, for
    /// syntax error positions (`None` for interactive input).
    pub fn execute(
        &mut self,
        statement: &ScriptStatement,
        source: Option<&str>,
    ) -> Result<(), ShellError> {
        let started = Instant::now();
        let outcome = self
            .runtime
            .block_on(self.session.execute(&statement.text, &[]));
        let elapsed = started.elapsed();
        let mut out = BufWriter::new(io::stdout().lock());
        let result = match outcome {
            Ok(result) => result,
            Err(error) => {
                self.print_timing(&mut out, elapsed)?;
                out.flush()?;
                return Err(ShellError::statement(error, statement, source));
            }
        };
        output::print_result(&mut out, self.format, &result)?;
        self.print_timing(&mut out, elapsed)?;
        out.flush()?;
        Ok(())
    }

    /// Prints `Time: 1.234 ms` when timing is on.
    fn print_timing(&self, out: &mut impl Write, elapsed: std::time::Duration) -> io::Result<()> {
        if self.timing {
            writeln!(out, "Time: {:.3} ms", elapsed.as_secs_f64() * 1000.0)?;
        }
        Ok(())
    }
}
