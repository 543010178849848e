//! stub
use super::signature::FunctionDef;
pub(super) const FUNCTIONS: &[FunctionDef] = &[];
