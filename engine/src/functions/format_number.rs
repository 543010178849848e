//! `to_char(number, template)`: numeric templates, ported from PostgreSQL's `NUM_processor`.
//!
//! Supported patterns: `9` (digit, blank when a leading zero), `0` (digit, zero kept), `.`/`D`
//! (decimal point), `,`/`G` (group separator), `S` (sign anchored to the number), `MI`, `PL`,
//! `SG` (sign at that position), `PR` (negative in angle brackets), `FM` (no padding, no trailing
//! zeros), `V` (multiply by ten per following digit), `EEEE` (scientific notation), `RN`/`rn`
//! (Roman numerals, 1 to 3999), `TH`/`th` (ordinal suffix), `L` (currency symbol: a blank, as in
//! the C locale), `B`/`C`/`SP` (accepted, no output), `"quoted"` text and any other character,
//! copied as is. The locale is always C: `D` is `.` and `G` is `,`. A value too wide for the
//! template prints `#` in every digit position.
//!
//! As in PostgreSQL, `numeric` and integer values are rounded half away from zero, doubles are
//! printed with at most 15 significant digits (reals with 6) using the exact binary value.

use bigdecimal::RoundingMode;

use super::args::{decimal, decimal_text, float64, int64, text};
use super::signature::Ty::{Float32, Float64, Int32, Int64, Numeric, Text};
use super::signature::{fixed, FunctionDef};
use super::template::{literal_text, longest_keyword, ordinal_suffix};
use crate::error::{Error, Result};
use crate::types::{Decimal, Value};

/// `to_char` for numbers.
pub(super) const FUNCTIONS: &[FunctionDef] = &[FunctionDef::new(
    &["to_char"],
    &[
        fixed(&[Float64, Text], Text, |a, _| to_char(a, Kind::Float64)),
        fixed(&[Numeric, Text], Text, |a, _| to_char(a, Kind::Numeric)),
        fixed(&[Int32, Text], Text, |a, _| to_char(a, Kind::Int32)),
        fixed(&[Int64, Text], Text, |a, _| to_char(a, Kind::Int64)),
        fixed(&[Float32, Text], Text, |a, _| to_char(a, Kind::Float32)),
    ],
)];

/// The argument's type, which decides rounding and precision.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int32,
    Int64,
    Numeric,
    Float32,
    Float64,
}

/// A numeric template pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumKey {
    Nine,
    Zero,
    Point,
    Group,
    Blank,
    Currency,
    Fill,
    Sign,
    Minus,
    Plus,
    SignAny,
    Bracket,
    Roman { upper: bool },
    Multiply,
    Exponent,
    Ordinal { upper: bool },
    Ignored,
}

impl NumKey {
    /// The pattern spelled in lower case: `rn` and `th` give lower-case text.
    fn lower_case(self) -> NumKey {
        match self {
            NumKey::Roman { .. } => NumKey::Roman { upper: false },
            NumKey::Ordinal { .. } => NumKey::Ordinal { upper: false },
            other => other,
        }
    }
}

/// Every pattern's upper-case spelling; its lower-case spelling is a pattern too, with
/// [`NumKey::lower_case`]'s key.
const NUM_KEYWORDS: &[(&str, NumKey)] = &[
    (",", NumKey::Group),
    (".", NumKey::Point),
    ("0", NumKey::Zero),
    ("9", NumKey::Nine),
    ("B", NumKey::Blank),
    ("C", NumKey::Ignored),
    ("D", NumKey::Point),
    ("EEEE", NumKey::Exponent),
    ("FM", NumKey::Fill),
    ("G", NumKey::Group),
    ("L", NumKey::Currency),
    ("MI", NumKey::Minus),
    ("PL", NumKey::Plus),
    ("PR", NumKey::Bracket),
    ("RN", NumKey::Roman { upper: true }),
    ("SG", NumKey::SignAny),
    ("SP", NumKey::Ignored),
    ("S", NumKey::Sign),
    ("TH", NumKey::Ordinal { upper: true }),
    ("V", NumKey::Multiply),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Key(NumKey),
    Literal(char),
}

/// Where an `S` pattern puts the sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AnchoredSign {
    None,
    Before,
    After,
}

/// A parsed template and what its patterns say about the number (PostgreSQL's `NUMDesc`).
#[derive(Debug)]
struct Template {
    tokens: Vec<Token>,
    /// Digit positions before / after the decimal point.
    pre: i64,
    post: i64,
    /// Digits after `V`.
    multi: i64,
    decimal: bool,
    zero: bool,
    /// 1-based position of the first `0` before the point (0 if none).
    zero_start: i64,
    /// Number of digit positions up to the last `0`.
    zero_end: i64,
    fill: bool,
    blank: bool,
    anchored: AnchoredSign,
    pre_anchored: i64,
    minus: bool,
    plus: bool,
    bracket: bool,
    roman: bool,
    multiply: bool,
    exponent: bool,
}

fn syntax(message: &str) -> Error {
    Error::InvalidParameterValue(message.to_string())
}

impl Template {
    fn parse(template: &str) -> Result<Template> {
        let mut t = Template {
            tokens: Vec::new(),
            pre: 0,
            post: 0,
            multi: 0,
            decimal: false,
            zero: false,
            zero_start: 0,
            zero_end: 0,
            fill: false,
            blank: false,
            anchored: AnchoredSign::None,
            pre_anchored: 0,
            minus: false,
            plus: false,
            bracket: false,
            roman: false,
            multiply: false,
            exponent: false,
        };
        let mut rest = template;
        while !rest.is_empty() {
            let keyword = longest_keyword(rest, NUM_KEYWORDS, NumKey::lower_case);
            if let Some((name, key)) = keyword {
                t.prepare(key)?;
                t.tokens.push(Token::Key(key));
                rest = rest.get(name.len()..).unwrap_or("");
                continue;
            }
            rest = literal_text(rest, |c, _| t.tokens.push(Token::Literal(c)));
        }
        Ok(t)
    }

    /// Records what one pattern implies, rejecting contradictory templates as PostgreSQL does.
    fn prepare(&mut self, key: NumKey) -> Result<()> {
        if self.exponent && key != NumKey::Exponent {
            return Err(syntax("\"EEEE\" must be the last pattern used"));
        }
        match key {
            NumKey::Nine => {
                if self.bracket {
                    return Err(syntax("\"9\" must be ahead of \"PR\""));
                }
                if self.multiply {
                    self.multi += 1;
                } else if self.decimal {
                    self.post += 1;
                } else {
                    self.pre += 1;
                }
            }
            NumKey::Zero => {
                if self.bracket {
                    return Err(syntax("\"0\" must be ahead of \"PR\""));
                }
                if !self.zero && !self.decimal {
                    self.zero = true;
                    self.zero_start = self.pre + 1;
                }
                if self.decimal {
                    self.post += 1;
                } else {
                    self.pre += 1;
                }
                self.zero_end = self.pre + self.post;
            }
            NumKey::Blank => {
                if self.pre == 0 && self.post == 0 && !self.zero {
                    self.blank = true;
                }
            }
            NumKey::Point => {
                if self.decimal {
                    return Err(syntax("multiple decimal points"));
                }
                if self.multiply {
                    return Err(syntax("cannot use \"V\" and decimal point together"));
                }
                self.decimal = true;
            }
            NumKey::Fill => self.fill = true,
            NumKey::Sign => {
                if self.anchored != AnchoredSign::None {
                    return Err(syntax("cannot use \"S\" twice"));
                }
                if self.plus || self.minus || self.bracket {
                    return Err(syntax(
                        "cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together",
                    ));
                }
                if self.decimal {
                    self.anchored = AnchoredSign::After;
                } else {
                    self.anchored = AnchoredSign::Before;
                    self.pre_anchored = self.pre;
                }
            }
            NumKey::Minus | NumKey::Plus | NumKey::SignAny => {
                if self.anchored != AnchoredSign::None {
                    let name = match key {
                        NumKey::Minus => "MI",
                        NumKey::Plus => "PL",
                        _ => "SG",
                    };
                    return Err(syntax(&format!("cannot use \"S\" and \"{name}\" together")));
                }
                self.minus |= key != NumKey::Plus;
                self.plus |= key != NumKey::Minus;
            }
            NumKey::Bracket => {
                if self.anchored != AnchoredSign::None || self.plus || self.minus {
                    return Err(syntax(
                        "cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together",
                    ));
                }
                self.bracket = true;
            }
            NumKey::Roman { .. } => self.roman = true,
            NumKey::Multiply => {
                if self.decimal {
                    return Err(syntax("cannot use \"V\" and decimal point together"));
                }
                self.multiply = true;
            }
            NumKey::Exponent => {
                if self.exponent {
                    return Err(syntax("cannot use \"EEEE\" twice"));
                }
                if self.blank
                    || self.fill
                    || self.anchored != AnchoredSign::None
                    || self.bracket
                    || self.minus
                    || self.plus
                    || self.roman
                    || self.multiply
                {
                    return Err(syntax("\"EEEE\" is incompatible with other formats"));
                }
                self.exponent = true;
            }
            NumKey::Group | NumKey::Currency | NumKey::Ordinal { .. } | NumKey::Ignored => {}
        }
        Ok(())
    }
}

/// `to_char(number, template)`.
fn to_char(args: &[Value], kind: Kind) -> Result<Value> {
    let template = text(args, 1)?;
    if template.is_empty() {
        return Ok(Value::text(""));
    }
    let mut t = Template::parse(&template)?;
    if t.roman {
        let roman = roman_numeral(roman_value(args, kind)?);
        return Ok(Value::text(format_roman(&t, &roman)));
    }
    if t.exponent {
        return Ok(Value::text(scientific(args, kind, t.pre, t.post)?));
    }
    let (negative, digits) = plain_digits(args, kind, &mut t)?;
    Ok(Value::text(Processor::run(&t, digits, negative)))
}

/// The value rounded to an integer for `RN` (out-of-range values give `i64::MAX`).
fn roman_value(args: &[Value], kind: Kind) -> Result<i64> {
    Ok(match kind {
        Kind::Int32 | Kind::Int64 => int64(args, 0)?,
        Kind::Numeric => {
            let rounded = decimal(args, 0)?.with_scale_round(0, RoundingMode::HalfUp);
            bigdecimal::ToPrimitive::to_i64(&rounded).unwrap_or(i64::MAX)
        }
        Kind::Float32 | Kind::Float64 => {
            let value = float64(args, 0)?.round_ties_even();
            if value.is_finite() && value.abs() < 1e18 {
                // In range by the check above.
                #[allow(clippy::cast_possible_truncation)]
                let value = value as i64;
                value
            } else {
                i64::MAX
            }
        }
    })
}

/// Roman numerals for 1..=3999, fifteen `#` otherwise.
fn roman_numeral(value: i64) -> String {
    if !(1..=3999).contains(&value) {
        return "#".repeat(15);
    }
    const NUMERALS: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut rest = value;
    let mut out = String::new();
    for (amount, numeral) in NUMERALS {
        while rest >= amount {
            out.push_str(numeral);
            rest -= amount;
        }
    }
    out
}

/// A template containing `RN`: the numeral (right-aligned in 15 characters unless `FM`) and
/// the literal text; other patterns print nothing.
fn format_roman(t: &Template, roman: &str) -> String {
    let mut out = String::new();
    for token in &t.tokens {
        match token {
            Token::Key(NumKey::Roman { upper }) => {
                let numeral = if *upper {
                    roman.to_string()
                } else {
                    roman.to_lowercase()
                };
                if t.fill {
                    out.push_str(&numeral);
                } else {
                    out.push_str(&format!("{numeral:>15}"));
                }
            }
            Token::Key(NumKey::Minus | NumKey::Plus) if !t.fill => out.push(' '),
            Token::Key(NumKey::Currency) => out.push(' '),
            Token::Literal(c) => out.push(*c),
            Token::Key(_) => {}
        }
    }
    out
}

/// `EEEE`: `d.ddde±XX` with `post` decimals, a leading blank for non-negative values.
fn scientific(args: &[Value], kind: Kind, pre: i64, post: i64) -> Result<String> {
    let pre = usize::try_from(pre).unwrap_or(0);
    let post = usize::try_from(post).unwrap_or(0);
    let text = match kind {
        Kind::Int64 | Kind::Numeric => decimal_scientific(decimal(args, 0)?.as_ref(), post),
        Kind::Int32 | Kind::Float32 | Kind::Float64 => {
            let value = float64(args, 0)?;
            if !value.is_finite() {
                // Room for the sign, the point, "e", the exponent's sign and two digits.
                let mut hashes = vec!['#'; pre + post + 6];
                if let Some(first) = hashes.first_mut() {
                    *first = ' ';
                }
                if let Some(point) = hashes.get_mut(pre + 1) {
                    *point = '.';
                }
                return Ok(hashes.into_iter().collect());
            }
            let formatted = format!("{value:.post$e}");
            let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
            let exponent: i64 = exponent.parse().unwrap_or(0);
            format!(
                "{mantissa}e{}{:02}",
                if exponent < 0 { '-' } else { '+' },
                exponent.abs()
            )
        }
    };
    Ok(if text.starts_with('-') {
        text
    } else {
        format!(" {text}")
    })
}

/// PostgreSQL's `numeric_out_sci`: one digit before the point, rounded half away from zero
/// (without renormalising a mantissa that rounds up to 10).
fn decimal_scientific(value: &Decimal, post: usize) -> String {
    let exponent = if bigdecimal::Zero::is_zero(value) {
        0
    } else {
        i64::try_from(value.digits()).unwrap_or(0) - value.fractional_digit_count() - 1
    };
    let (digits, scale) = value.as_bigint_and_exponent();
    let mantissa = Decimal::new(digits, scale + exponent)
        .with_scale_round(i64::try_from(post).unwrap_or(0), RoundingMode::HalfUp);
    format!(
        "{}e{}{:02}",
        decimal_text(&mantissa),
        if exponent < 0 { '-' } else { '+' },
        exponent.abs()
    )
}

/// The absolute value's digits as PostgreSQL lays them out for the template (`12.50`, or `#`
/// in every position when too wide) and whether the value is negative. Adjusts `pre` for `V`
/// and `post` for the precision of doubles.
fn plain_digits(args: &[Value], kind: Kind, t: &mut Template) -> Result<(bool, String)> {
    let multiplier = u32::try_from(t.multi).unwrap_or(u32::MAX);
    let post = usize::try_from(t.post).unwrap_or(0);
    let (negative, digits) = match kind {
        Kind::Int32 | Kind::Int64 | Kind::Numeric => {
            let mut value = decimal(args, 0)?.into_owned();
            if t.multiply {
                // Multiplying by 10^multi only moves the decimal point.
                let (digits, scale) = value.into_bigint_and_exponent();
                value = Decimal::new(digits, scale - i64::from(multiplier));
                t.pre += t.multi;
            }
            let rounded = value.with_scale_round(t.post, RoundingMode::HalfUp);
            let text = decimal_text(&rounded);
            match text.strip_prefix('-') {
                Some(abs) => (true, abs.to_string()),
                None => (false, text),
            }
        }
        Kind::Float32 | Kind::Float64 => {
            let mut value = float64(args, 0)?;
            if kind == Kind::Float32 {
                // Formatting uses the real's own value, not a wider approximation.
                #[allow(clippy::cast_possible_truncation)]
                let narrowed = value as f32;
                value = f64::from(narrowed);
            }
            if t.multiply {
                value *= 10f64.powi(i32::try_from(multiplier).unwrap_or(i32::MAX));
                t.pre += t.multi;
            }
            if !value.is_finite() {
                return Ok((value < 0.0, overflow_digits(t)));
            }
            let max_digits = if kind == Kind::Float32 { 6 } else { 15 };
            let integer_len = format!("{:.0}", value.abs()).len();
            let post = if integer_len >= max_digits {
                0
            } else {
                post.min(max_digits - integer_len)
            };
            t.post = i64::try_from(post).unwrap_or(0);
            let text = format!("{value:.post$}");
            match text.strip_prefix('-') {
                Some(abs) => (true, abs.to_string()),
                None => (false, text),
            }
        }
    };
    let integer_len = i64::try_from(digits.find('.').unwrap_or(digits.len())).unwrap_or(i64::MAX);
    if integer_len > t.pre {
        return Ok((negative, overflow_digits(t)));
    }
    Ok((negative, digits))
}

/// `#` in every digit position, with the point.
fn overflow_digits(t: &Template) -> String {
    let pre = usize::try_from(t.pre).unwrap_or(0);
    let post = usize::try_from(t.post).unwrap_or(0);
    format!("{}.{}", "#".repeat(pre), "#".repeat(post))
}

/// The state of PostgreSQL's `NUM_processor` while it walks the template.
struct Processor<'a> {
    t: &'a Template,
    number: Vec<char>,
    negative: bool,
    out: String,
    sign_written: bool,
    digits_started: bool,
    position: i64,
    cursor: usize,
    last_relevant: Option<usize>,
    pre_spaces: i64,
    count: i64,
    zero_start: i64,
    anchored: AnchoredSign,
    bracket: bool,
}

impl Processor<'_> {
    fn run(t: &Template, digits: String, negative: bool) -> String {
        let number: Vec<char> = digits.chars().collect();
        let integer_len = i64::try_from(
            number
                .iter()
                .position(|c| *c == '.')
                .unwrap_or(number.len()),
        )
        .unwrap_or(0);
        let pre_spaces = if number.first() == Some(&'#') {
            0
        } else {
            (t.pre - integer_len).max(0)
        };
        let mut p = Processor {
            t,
            number,
            negative,
            out: String::new(),
            sign_written: false,
            digits_started: false,
            position: 0,
            cursor: 0,
            last_relevant: None,
            pre_spaces,
            count: t.post + t.pre - 1,
            zero_start: (t.zero_start - 1).max(0),
            anchored: t.anchored,
            bracket: t.bracket,
        };
        if t.plus || t.minus {
            p.sign_written = !t.plus || t.minus;
        } else {
            if !negative && t.fill {
                p.bracket = false;
            }
            p.sign_written = !negative && t.fill && p.anchored == AnchoredSign::None;
            if p.anchored == AnchoredSign::Before && t.pre == t.pre_anchored {
                p.anchored = AnchoredSign::After;
            }
        }
        if t.fill && t.decimal {
            p.last_relevant = p.last_relevant_digit();
        }
        if !p.sign_written && p.pre_spaces == 0 {
            p.count += 1;
        }
        for token in &t.tokens {
            match *token {
                Token::Key(key @ (NumKey::Nine | NumKey::Zero | NumKey::Point)) => {
                    p.number_part(key)
                }
                Token::Key(NumKey::Group) => {
                    if p.digits_started {
                        p.out.push(',');
                    } else if !t.fill {
                        p.out.push(' ');
                    }
                }
                Token::Key(NumKey::Currency) => p.out.push(' '),
                Token::Key(NumKey::Ordinal { upper }) => {
                    let first = p.number.first().copied();
                    if first != Some('#') && !negative && !t.decimal {
                        let digits: String = p.number.iter().collect();
                        p.out.push_str(ordinal_suffix(&digits, upper));
                    }
                }
                Token::Key(NumKey::Minus) => {
                    if negative {
                        p.out.push('-');
                    } else if !t.fill {
                        p.out.push(' ');
                    }
                }
                Token::Key(NumKey::Plus) => {
                    if !negative {
                        p.out.push('+');
                    } else if !t.fill {
                        p.out.push(' ');
                    }
                }
                Token::Key(NumKey::SignAny) => p.out.push(if negative { '-' } else { '+' }),
                Token::Key(_) => {}
                Token::Literal(c) => p.out.push(c),
            }
        }
        p.out
    }

    /// With `FM`: the last fraction digit that must be printed (a non-zero digit, a `0`
    /// pattern position, or the point itself).
    fn last_relevant_digit(&self) -> Option<usize> {
        let point = self.number.iter().position(|c| *c == '.')?;
        let mut last = point;
        for (index, c) in self.number.iter().enumerate().skip(point + 1) {
            if *c != '0' {
                last = index;
            }
        }
        if self.t.zero_end > self.pre_spaces {
            let last_zero = usize::try_from(self.t.zero_end - self.pre_spaces)
                .unwrap_or(0)
                .min(self.number.len().saturating_sub(1));
            last = last.max(last_zero);
        }
        Some(last)
    }

    fn last_relevant_is_point(&self) -> bool {
        self.last_relevant.and_then(|i| self.number.get(i)) == Some(&'.')
    }

    fn push_sign(&mut self) {
        self.out.push(if self.negative { '-' } else { '+' });
    }

    /// A digit or decimal point position (PostgreSQL's `NUM_numpart_to_char`).
    fn number_part(&mut self, key: NumKey) {
        let t = self.t;
        let leading_zero_blank =
            !t.zero && self.cursor == 0 && self.number.first() == Some(&'0') && t.post != 0;
        if !self.sign_written
            && (self.position >= self.pre_spaces || (t.zero && self.zero_start == self.position))
            && (!leading_zero_blank || self.last_relevant_is_point())
        {
            match self.anchored {
                AnchoredSign::Before => {
                    self.push_sign();
                    self.sign_written = true;
                }
                AnchoredSign::After => {}
                AnchoredSign::None if self.bracket => {
                    self.out.push(if self.negative { '<' } else { ' ' });
                    self.sign_written = true;
                }
                AnchoredSign::None => {
                    if self.negative {
                        self.out.push('-');
                    } else if !t.fill {
                        self.out.push(' ');
                    }
                    self.sign_written = true;
                }
            }
        }

        if self.position < self.pre_spaces && (self.zero_start > self.position || !t.zero) {
            if !t.fill {
                self.out.push(' ');
            }
        } else if t.zero && self.position < self.pre_spaces && self.zero_start <= self.position {
            self.out.push('0');
            self.digits_started = true;
        } else {
            match self.number.get(self.cursor).copied() {
                Some('.') | None if key == NumKey::Point => self.out.push('.'),
                current => {
                    let beyond_relevant = self.last_relevant.is_some_and(|last| self.cursor > last);
                    if beyond_relevant && key != NumKey::Zero {
                    } else if leading_zero_blank {
                        if !t.fill {
                            self.out.push(' ');
                        } else if self.last_relevant_is_point() {
                            self.out.push('0');
                        }
                    } else if let Some(c) = current {
                        self.out.push(c);
                        self.digits_started = true;
                    }
                }
            }
            if self.cursor < self.number.len() {
                self.cursor += 1;
            }
        }

        let mut end = self.count + i64::from(self.pre_spaces > 0) + i64::from(t.decimal);
        if self.last_relevant.is_some() && self.last_relevant == Some(self.cursor) {
            end = self.position;
        }
        if self.position + 1 == end {
            if self.sign_written && self.bracket {
                self.out.push(if self.negative { '>' } else { ' ' });
            } else if self.anchored == AnchoredSign::After {
                self.push_sign();
            }
        }
        self.position += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{call, num, text, to_char as fmt};
    use super::*;

    #[test]
    fn postgres_documentation_examples() {
        assert_eq!(fmt(num("-0.1"), "99.99"), "  -.10");
        assert_eq!(fmt(num("-0.1"), "FM9.99"), "-.1");
        assert_eq!(fmt(num("-0.1"), "FM90.99"), "-0.1");
        assert_eq!(fmt(num("0.1"), "0.9"), " 0.1");
        assert_eq!(fmt(Value::Int32(12), "9990999.9"), "    0012.0");
        assert_eq!(fmt(Value::Int32(12), "FM9990999.9"), "0012.");
        assert_eq!(fmt(Value::Int32(485), "999"), " 485");
        assert_eq!(fmt(Value::Int32(-485), "999"), "-485");
        assert_eq!(fmt(Value::Int32(485), "9 9 9"), " 4 8 5");
        assert_eq!(fmt(Value::Int32(1485), "9,999"), " 1,485");
        assert_eq!(fmt(Value::Int32(1485), "9G999"), " 1,485");
        assert_eq!(fmt(num("148.5"), "999.999"), " 148.500");
        assert_eq!(fmt(num("148.5"), "FM999.999"), "148.5");
        assert_eq!(fmt(num("148.5"), "FM999.990"), "148.500");
        assert_eq!(fmt(num("148.5"), "999D999"), " 148.500");
        assert_eq!(fmt(num("3148.5"), "9G999D999"), " 3,148.500");
        assert_eq!(fmt(Value::Int32(-485), "999S"), "485-");
        assert_eq!(fmt(Value::Int32(-485), "999MI"), "485-");
        assert_eq!(fmt(Value::Int32(485), "999MI"), "485 ");
        assert_eq!(fmt(Value::Int32(485), "FM999MI"), "485");
        // PL does not replace the ordinary sign position (the current manual shows '+ 485').
        assert_eq!(fmt(Value::Int32(485), "PL999"), "+ 485");
        assert_eq!(fmt(Value::Int32(-485), "PL999"), " -485");
        assert_eq!(fmt(Value::Int32(485), "999PL"), " 485+");
        assert_eq!(fmt(Value::Int32(-485), "999PL"), "-485 ");
        assert_eq!(fmt(Value::Int32(485), "SG999"), "+485");
        assert_eq!(fmt(Value::Int32(-485), "SG999"), "-485");
        assert_eq!(fmt(Value::Int32(-485), "9SG99"), "4-85");
        assert_eq!(fmt(Value::Int32(-485), "999PR"), "<485>");
        assert_eq!(fmt(Value::Int32(485), "L999"), "  485");
        assert_eq!(fmt(Value::Int32(485), "RN"), "        CDLXXXV");
        assert_eq!(fmt(Value::Int32(485), "FMRN"), "CDLXXXV");
        assert_eq!(fmt(Value::Float64(5.2), "FMRN"), "V");
        assert_eq!(fmt(Value::Int32(482), "999th"), " 482nd");
        assert_eq!(
            fmt(Value::Int32(485), "\"Good number:\"999"),
            "Good number: 485"
        );
        assert_eq!(
            fmt(num("485.8"), "\"Pre:\"999\" Post:\" .999"),
            "Pre: 485 Post: .800"
        );
        assert_eq!(fmt(Value::Int32(12), "99V999"), " 12000");
        assert_eq!(fmt(num("12.4"), "99V999"), " 12400");
        assert_eq!(fmt(num("12.45"), "99V9"), " 125");
        assert_eq!(fmt(num("0.0004859"), "9.99EEEE"), " 4.86e-04");
    }

    #[test]
    fn signs_brackets_and_zero() {
        assert_eq!(fmt(Value::Int32(485), "S999"), "+485");
        assert_eq!(fmt(num("-12.5"), "S999.99"), " -12.50");
        assert_eq!(fmt(Value::Int32(485), "999PR"), " 485 ");
        assert_eq!(fmt(Value::Int32(-12), "999PR"), " <12>");
        assert_eq!(fmt(Value::Int32(0), "999"), "   0");
        assert_eq!(fmt(num("0.5"), "9.99"), "  .50");
        assert_eq!(fmt(num("0"), "FM9.99"), "0.");
        assert_eq!(fmt(num("0.5"), "FM9.99"), ".5");
        assert_eq!(fmt(Value::Int32(12), "FM999.99"), "12.");
        assert_eq!(fmt(Value::Int32(-5), "00"), "-05");
        assert_eq!(fmt(Value::Int32(5), "0999"), " 0005");
        assert_eq!(fmt(Value::Int32(123), "9,999"), "   123");
        assert_eq!(fmt(Value::Int32(123), "FM9,999"), "123");
        assert_eq!(fmt(num("-0.001"), "9.99"), "  .00");
    }

    #[test]
    fn rounding_and_overflow() {
        assert_eq!(fmt(num("2.5"), "9"), " 3");
        assert_eq!(fmt(num("-2.5"), "9"), "-3");
        assert_eq!(fmt(Value::Float64(2.5), "9"), " 2");
        assert_eq!(fmt(Value::Float64(3.5), "9"), " 4");
        assert_eq!(fmt(Value::Float64(1.005), "9.99"), " 1.00");
        assert_eq!(fmt(Value::Float64(-0.001), "9.99"), " -.00");
        assert_eq!(fmt(Value::Int32(12345), "999"), " ###");
        assert_eq!(fmt(num("12345.6"), "999.9"), " ###.#");
        assert_eq!(fmt(Value::Float64(f64::NAN), "99.9"), " ##.#");
        assert_eq!(
            fmt(Value::Float64(123_456_789_012_345.67), "999999999999999.99"),
            " 123456789012346."
        );
        assert_eq!(fmt(Value::Float32(1.5), "9.99"), " 1.50");
        assert_eq!(
            fmt(Value::Int64(-9_000_000_000), "9,999,999,999"),
            "-9,000,000,000"
        );
    }

    #[test]
    fn scientific_and_roman() {
        assert_eq!(fmt(Value::Float64(12345.678), "9.99EEEE"), " 1.23e+04");
        assert_eq!(fmt(Value::Int32(-5), "9.9EEEE"), "-5.0e+00");
        assert_eq!(fmt(num("0"), "9.99EEEE"), " 0.00e+00");
        assert_eq!(fmt(Value::Int64(123_456), "9.9EEEE"), " 1.2e+05");
        assert_eq!(fmt(num("9.999"), "9.99EEEE"), " 10.00e+00");
        assert_eq!(fmt(Value::Float64(f64::INFINITY), "9.99EEEE"), " #.######");
        assert_eq!(fmt(Value::Float64(f64::NAN), "99.9EEEE"), " ##.#####");
        assert_eq!(fmt(Value::Int32(1984), "rn"), "      mcmlxxxiv");
        assert_eq!(fmt(Value::Int32(0), "RN"), "###############");
        assert_eq!(fmt(Value::Int32(4000), "FMRN"), "###############");
        assert_eq!(fmt(num("3.5"), "FMRN"), "IV");
    }

    #[test]
    fn template_errors() {
        let err = |template: &str| {
            call("to_char", &[Value::Int32(1), text(template)])
                .unwrap_err()
                .to_string()
        };
        assert_eq!(err("9.9.9"), "multiple decimal points");
        assert_eq!(err("S9S"), "cannot use \"S\" twice");
        assert_eq!(err("S9MI"), "cannot use \"S\" and \"MI\" together");
        assert_eq!(err("9PR9"), "\"9\" must be ahead of \"PR\"");
        assert_eq!(err("9V9.9"), "cannot use \"V\" and decimal point together");
        assert_eq!(err("9.9EEEE9"), "\"EEEE\" must be the last pattern used");
        assert_eq!(
            err("FM9.9EEEE"),
            "\"EEEE\" is incompatible with other formats"
        );
        assert_eq!(fmt(Value::Int32(1), ""), "");
    }
}
