//! Function signatures: the parameter and result types of each overload, and the rules that pick
//! an overload for the argument types the binder has.
//!
//! Resolution is a simplified form of PostgreSQL's (§10.3 "Functions" of its manual):
//!
//! 1. only overloads with the right number of arguments are candidates;
//! 2. every argument must either have the parameter's type, be implicitly coercible to it (the
//!    implicit casts of PostgreSQL: `smallint -> integer -> bigint -> numeric -> real -> double
//!    precision`, `date -> timestamp -> timestamptz`, the string types to `text`), or be of type
//!    `unknown` (an untyped literal, NULL or parameter), which fits any parameter;
//! 3. the candidate with the most exact matches wins, then the one that coerces to the most
//!    *preferred* types (`double precision`, `text`, `timestamptz`, `interval`, `boolean`);
//! 4. then the one taking the most `unknown` arguments as `text` (an untyped literal looks like
//!    a string, so `substring(s, 'a.c')` is the regular-expression form);
//! 5. remaining ties go to the overload listed first, so tables list the preferred overload first
//!    (that is also the one an all-`unknown` call gets, as in PostgreSQL).

use super::EvalFn;
use crate::error::Result;
use crate::types::DataType;

/// The type of one parameter (or result) in a function signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ty {
    Bool,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Numeric,
    Text,
    Bytea,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Interval,
    Uuid,
    /// Any argument type, taken as it is (only for parameters, e.g. `concat`).
    Any,
}

/// PostgreSQL's type categories; coercions never cross them, and each has one preferred type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    Boolean,
    Numeric,
    String,
    DateTime,
    TimeSpan,
    Other,
}

impl Ty {
    /// The SQL type this stands for (`Any` has none and reports `unknown`).
    pub(super) fn data_type(self) -> DataType {
        match self {
            Ty::Bool => DataType::Bool,
            Ty::Int16 => DataType::Int16,
            Ty::Int32 => DataType::Int32,
            Ty::Int64 => DataType::Int64,
            Ty::Float32 => DataType::Float32,
            Ty::Float64 => DataType::Float64,
            Ty::Numeric => DataType::Numeric {
                precision: None,
                scale: None,
            },
            Ty::Text => DataType::Text,
            Ty::Bytea => DataType::Bytea,
            Ty::Date => DataType::Date,
            Ty::Time => DataType::Time,
            Ty::Timestamp => DataType::Timestamp,
            Ty::TimestampTz => DataType::TimestampTz,
            Ty::Interval => DataType::Interval,
            Ty::Uuid => DataType::Uuid,
            Ty::Any => DataType::Unknown,
        }
    }

    /// The signature type of an argument type; `None` for `unknown` and for types no function
    /// here takes by name (JSON).
    pub(super) fn of(data_type: &DataType) -> Option<Ty> {
        Some(match data_type {
            DataType::Bool => Ty::Bool,
            DataType::Int16 => Ty::Int16,
            DataType::Int32 => Ty::Int32,
            DataType::Int64 => Ty::Int64,
            DataType::Float32 => Ty::Float32,
            DataType::Float64 => Ty::Float64,
            DataType::Numeric { .. } => Ty::Numeric,
            DataType::Text | DataType::Varchar(_) | DataType::Char(_) => Ty::Text,
            DataType::Bytea => Ty::Bytea,
            DataType::Date => Ty::Date,
            DataType::Time => Ty::Time,
            DataType::Timestamp => Ty::Timestamp,
            DataType::TimestampTz => Ty::TimestampTz,
            DataType::Interval => Ty::Interval,
            DataType::Uuid => Ty::Uuid,
            DataType::Json | DataType::Jsonb | DataType::Unknown => return None,
        })
    }

    fn category(self) -> Category {
        match self {
            Ty::Bool => Category::Boolean,
            Ty::Int16 | Ty::Int32 | Ty::Int64 | Ty::Float32 | Ty::Float64 | Ty::Numeric => {
                Category::Numeric
            }
            Ty::Text => Category::String,
            Ty::Date | Ty::Time | Ty::Timestamp | Ty::TimestampTz => Category::DateTime,
            Ty::Interval => Category::TimeSpan,
            Ty::Bytea | Ty::Uuid | Ty::Any => Category::Other,
        }
    }

    /// True for the preferred type of its category.
    fn is_preferred(self) -> bool {
        matches!(
            self,
            Ty::Bool | Ty::Float64 | Ty::Text | Ty::TimestampTz | Ty::Interval
        )
    }

    /// Position in the chain of implicit widening casts within a category, if any.
    fn rank(self) -> Option<u8> {
        match self {
            Ty::Int16 => Some(0),
            Ty::Int32 => Some(1),
            Ty::Int64 => Some(2),
            Ty::Numeric => Some(3),
            Ty::Float32 => Some(4),
            Ty::Float64 => Some(5),
            Ty::Date => Some(0),
            Ty::Timestamp => Some(1),
            Ty::TimestampTz => Some(2),
            _ => None,
        }
    }

    /// True if PostgreSQL casts `self` to `to` implicitly.
    pub(super) fn coerces_to(self, to: Ty) -> bool {
        if self == to || to == Ty::Any {
            return true;
        }
        if self.category() != to.category() {
            return false;
        }
        match (self.rank(), to.rank()) {
            (Some(from), Some(to)) => from < to,
            _ => false,
        }
    }
}

/// One overload of a function: parameter types, result type and evaluator.
#[derive(Clone, Copy)]
pub(super) struct Overload {
    pub params: &'static [Ty],
    /// When set, the overload takes one or more further arguments of this type.
    pub variadic: Option<Ty>,
    pub returns: Ty,
    pub eval: EvalFn,
}

/// An overload with a fixed parameter list.
pub(super) const fn fixed(params: &'static [Ty], returns: Ty, eval: EvalFn) -> Overload {
    Overload {
        params,
        variadic: None,
        returns,
        eval,
    }
}

/// An overload taking `params` and then one or more arguments of type `rest`.
pub(super) const fn variadic(
    params: &'static [Ty],
    rest: Ty,
    returns: Ty,
    eval: EvalFn,
) -> Overload {
    Overload {
        params,
        variadic: Some(rest),
        returns,
        eval,
    }
}

/// How good a candidate overload is for some argument types; higher is better. Fields compare
/// in order: exact matches, coercions to preferred types, `unknown` arguments taken as text
/// (PostgreSQL prefers the string category for an untyped literal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Score {
    exact: usize,
    preferred: usize,
    unknown_as_text: usize,
}

impl Overload {
    /// The score of this overload for `args`, or `None` if it cannot take them.
    pub(super) fn score(&self, args: &[DataType]) -> Option<Score> {
        let arity_ok = match self.variadic {
            None => args.len() == self.params.len(),
            Some(_) => args.len() > self.params.len(),
        };
        if !arity_ok {
            return None;
        }
        let mut score = Score {
            exact: 0,
            preferred: 0,
            unknown_as_text: 0,
        };
        for (index, arg) in args.iter().enumerate() {
            let param = match self.params.get(index) {
                Some(param) => *param,
                None => self.variadic?,
            };
            if *arg == DataType::Unknown {
                if param == Ty::Text {
                    score.unknown_as_text += 1;
                }
                continue;
            }
            if param == Ty::Any {
                score.exact += 1;
                continue;
            }
            let arg = Ty::of(arg)?;
            if arg == param {
                score.exact += 1;
            } else if arg.coerces_to(param) {
                if param.is_preferred() {
                    score.preferred += 1;
                }
            } else {
                return None;
            }
        }
        Some(score)
    }
}

/// Picks the evaluator and result type of a function whose result type depends on its
/// arguments (`greatest`, `least`); `Ok(None)` when the arguments do not fit.
pub(super) type CustomResolver = fn(&[DataType]) -> Result<Option<(EvalFn, DataType)>>;

/// The signatures of a function: a table of overloads or a custom resolver.
#[derive(Clone, Copy)]
pub(super) enum Signatures {
    Overloads(&'static [Overload]),
    Custom(CustomResolver),
}

/// One entry of the function table: the names a function answers to and its signatures.
#[derive(Clone, Copy)]
pub(super) struct FunctionDef {
    /// Lower-case names; the first is the canonical one.
    pub names: &'static [&'static str],
    pub strict: bool,
    pub volatile: bool,
    pub signatures: Signatures,
}

impl FunctionDef {
    /// A strict, non-volatile function with these overloads.
    pub(super) const fn new(
        names: &'static [&'static str],
        overloads: &'static [Overload],
    ) -> Self {
        FunctionDef {
            names,
            strict: true,
            volatile: false,
            signatures: Signatures::Overloads(overloads),
        }
    }

    /// A strict, non-volatile function whose result type is computed by `resolver`.
    pub(super) const fn custom(names: &'static [&'static str], resolver: CustomResolver) -> Self {
        FunctionDef {
            names,
            strict: true,
            volatile: false,
            signatures: Signatures::Custom(resolver),
        }
    }

    /// The same function, but called with NULL arguments too.
    pub(super) const fn non_strict(self) -> Self {
        FunctionDef {
            strict: false,
            ..self
        }
    }

    /// The same function, marked volatile (never folded into a constant at prepare time).
    pub(super) const fn volatile(self) -> Self {
        FunctionDef {
            volatile: true,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    fn nothing(_: &[Value], _: &super::super::EvalContext) -> Result<Value> {
        Ok(Value::Null)
    }

    #[test]
    fn implicit_coercions_follow_postgres() {
        assert!(Ty::Int16.coerces_to(Ty::Int64));
        assert!(Ty::Int32.coerces_to(Ty::Numeric));
        assert!(Ty::Numeric.coerces_to(Ty::Float64));
        assert!(!Ty::Float64.coerces_to(Ty::Numeric));
        assert!(!Ty::Int64.coerces_to(Ty::Int32));
        assert!(Ty::Date.coerces_to(Ty::TimestampTz));
        assert!(!Ty::TimestampTz.coerces_to(Ty::Date));
        assert!(!Ty::Text.coerces_to(Ty::Int32));
        assert!(Ty::Uuid.coerces_to(Ty::Any));
    }

    #[test]
    fn scores_prefer_exact_then_preferred() {
        let float = fixed(&[Ty::Float64], Ty::Float64, nothing);
        let numeric = fixed(&[Ty::Numeric], Ty::Numeric, nothing);
        let int = [DataType::Int32];
        // int -> float8 coerces to a preferred type, int -> numeric does not.
        assert!(float.score(&int) > numeric.score(&int));
        let num = [DataType::Numeric {
            precision: Some(10),
            scale: Some(2),
        }];
        assert!(numeric.score(&num) > float.score(&num));
        assert_eq!(float.score(&[DataType::Text]), None);
        assert_eq!(float.score(&[]), None);
        assert!(float.score(&[DataType::Unknown]).is_some());
        // An untyped literal prefers a text parameter.
        let by_position = fixed(&[Ty::Text, Ty::Int32], Ty::Text, nothing);
        let by_pattern = fixed(&[Ty::Text, Ty::Text], Ty::Text, nothing);
        let args = [DataType::Text, DataType::Unknown];
        assert!(by_pattern.score(&args) > by_position.score(&args));
        let args = [DataType::Text, DataType::Int32];
        assert_eq!(by_pattern.score(&args), None);
    }

    #[test]
    fn variadic_needs_at_least_one_extra_argument() {
        let concat = variadic(&[], Ty::Any, Ty::Text, nothing);
        assert_eq!(concat.score(&[]), None);
        assert!(concat.score(&[DataType::Int32, DataType::Jsonb]).is_some());
        let ws = variadic(&[Ty::Text], Ty::Any, Ty::Text, nothing);
        assert_eq!(ws.score(&[DataType::Text]), None);
        assert!(ws.score(&[DataType::Text, DataType::Bool]).is_some());
    }
}
