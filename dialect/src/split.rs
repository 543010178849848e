//! Splitting a SQL script into complete statements (owned by the shell work).
