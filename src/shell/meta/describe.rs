//! `\d` and `\d NAME`: the catalog, printed as psql-style tables.

use std::io::{self, BufWriter, Write};

use tether::{IndexDescription, RelationDescription, RelationKind};

use super::MetaFlow;
use crate::shell::error::ShellError;
use crate::shell::output::table::TextTable;
use crate::shell::state::Shell;

/// `\d` lists relations; `\d NAME` describes one (NAME may be schema-qualified).
pub fn run(shell: &mut Shell, args: &str) -> Result<MetaFlow, ShellError> {
    let mut out = BufWriter::new(io::stdout().lock());
    if args.is_empty() {
        list_relations(shell, &mut out)?;
    } else {
        let description = shell.database.describe(args)?;
        describe_table(&description).write(&mut out)?;
    }
    out.flush()?;
    Ok(MetaFlow::Continue)
}

/// The `\d` listing: schema, name and kind of every relation.
fn list_relations(shell: &Shell, out: &mut impl Write) -> io::Result<()> {
    let relations = shell.database.list_relations();
    if relations.is_empty() {
        return writeln!(out, "Did not find any relations.");
    }
    let mut table = TextTable::new(["Schema", "Name", "Type"]);
    table.title = Some("List of relations".to_string());
    table.row_count_footer = true;
    for relation in relations {
        table.rows.push(vec![
            relation.schema,
            relation.name,
            relation.kind.as_str().to_string(),
        ]);
    }
    table.write(out)
}

/// The `\d NAME` output: columns, then keys and indexes, checks and other properties as footers.
fn describe_table(description: &RelationDescription) -> TextTable {
    let mut table = TextTable::new(["Column", "Type", "Nullable", "Default"]);
    table.title = Some(format!(
        "{} \"{}.{}\"",
        kind_title(description.kind),
        description.schema,
        description.name
    ));
    for column in &description.columns {
        table.rows.push(vec![
            column.name.clone(),
            column.data_type.to_string(),
            if column.nullable {
                String::new()
            } else {
                "not null".to_string()
            },
            column.default.clone().unwrap_or_default(),
        ]);
    }
    if !description.indexes.is_empty() {
        table.footer.push("Indexes:".to_string());
        table
            .footer
            .extend(description.indexes.iter().map(index_line));
    }
    if !description.checks.is_empty() {
        table.footer.push("Check constraints:".to_string());
        table.footer.extend(
            description
                .checks
                .iter()
                .map(|check| format!("    {check}")),
        );
    }
    if !description.properties.is_empty() {
        table.footer.push("Properties:".to_string());
        table.footer.extend(
            description
                .properties
                .iter()
                .map(|(key, value)| format!("    {key}: {value}")),
        );
    }
    table
}

/// One index line, psql style: `"users_pkey" PRIMARY KEY (id)`.
fn index_line(index: &IndexDescription) -> String {
    let kind = if index.primary {
        " PRIMARY KEY"
    } else if index.unique {
        " UNIQUE"
    } else {
        ""
    };
    format!(
        "    \"{}\"{kind} ({})",
        index.name,
        index.columns.join(", ")
    )
}

/// The capitalised kind used in the `\d NAME` title.
fn kind_title(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Table => "Table",
        RelationKind::View => "View",
        RelationKind::Index => "Index",
        RelationKind::SystemTable => "System table",
        RelationKind::RealtimeView => "Realtime view",
        RelationKind::MaterializedView => "Materialized view",
    }
}

#[cfg(test)]
mod tests {
    use tether::{ColumnDescription, DataType};

    use super::*;

    #[test]
    fn describes_columns_keys_and_checks() {
        let description = RelationDescription {
            schema: "public".into(),
            name: "items".into(),
            kind: RelationKind::Table,
            columns: vec![
                ColumnDescription {
                    name: "id".into(),
                    data_type: DataType::Int32,
                    nullable: false,
                    default: None,
                },
                ColumnDescription {
                    name: "qty".into(),
                    data_type: DataType::Int32,
                    nullable: true,
                    default: Some("0".into()),
                },
            ],
            indexes: vec![IndexDescription {
                name: "items_pkey".into(),
                columns: vec!["id".into()],
                unique: true,
                primary: true,
            }],
            checks: vec!["items_qty_check: qty >= 0".into()],
            properties: vec![],
        };
        let mut out = Vec::new();
        describe_table(&description)
            .write(&mut out)
            .expect("write to memory");
        let expected = [
            "         Table \"public.items\"",
            " Column |  Type   | Nullable | Default",
            "--------+---------+----------+---------",
            " id     | integer | not null |",
            " qty    | integer |          | 0",
            "Indexes:",
            "    \"items_pkey\" PRIMARY KEY (id)",
            "Check constraints:",
            "    items_qty_check: qty >= 0",
            "",
            "",
        ]
        .join("\n");
        assert_eq!(String::from_utf8_lossy(&out), expected);
    }
}
