//! Turns the command-line arguments (files and directories) into the list of `.test` files to
//! run: directories are walked recursively, files are taken as given, and the result is sorted
//! so that runs are reproducible.

use std::io;
use std::path::{Path, PathBuf};

/// Every test file named by `arguments`, sorted, without duplicates.
pub fn test_files(arguments: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for argument in arguments {
        if argument.is_dir() {
            walk(argument, &mut files)?;
        } else if argument.is_file() {
            files.push(argument.clone());
        } else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{}: no such file or directory", argument.display()),
            ));
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(directory: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(directory)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "test") {
            files.push(path);
        }
    }
    Ok(())
}
