//! Tests of `to_char` for dates, timestamps and intervals, `to_date` and `to_timestamp`.

use chrono::NaiveDateTime;

use super::from_char::adjust_partial_year;
use super::patterns::{parse_template, Key, Node};
use super::scanner::read_integer;
use crate::error::Result;
use crate::functions::test_support::{
    call, date, iv, naive, sample_timestamp as sample, text as t, to_char as fmt, ts,
};
use crate::types::Value;

#[test]
fn to_char_numeric_patterns() {
    let s = sample();
    assert_eq!(
        fmt(s.clone(), "YYYY-MM-DD HH24:MI:SS"),
        "2001-02-16 20:38:40"
    );
    assert_eq!(fmt(s.clone(), "HH12:MI AM"), "08:38 PM");
    assert_eq!(fmt(s.clone(), "HH:MI a.m."), "08:38 p.m.");
    assert_eq!(fmt(ts(2001, 2, 16, 0, 5, 0, 0), "HH12 PM pm"), "12 AM am");
    assert_eq!(
        fmt(s.clone(), "MS US FF1 FF3 FF6"),
        "123 123456 1 123 123456"
    );
    assert_eq!(fmt(s.clone(), "SSSS"), "74320");
    assert_eq!(fmt(s.clone(), "Y,YYY YYY YY Y"), "2,001 001 01 1");
    assert_eq!(
        fmt(s.clone(), "DDD D ID W WW IW Q CC J"),
        "047 6 5 3 07 07 1 21 2451957"
    );
    assert_eq!(fmt(s.clone(), "IYYY IDDD"), "2001 047");
    assert_eq!(
        fmt(ts(2006, 1, 1, 0, 0, 0, 0), "IYYY-IW-ID IDDD YYYY"),
        "2005-52-7 364 2006"
    );
    assert_eq!(fmt(s.clone(), "RM rm"), "II   ii  ");
    assert_eq!(fmt(s, "FMRM"), "II");
}

#[test]
fn to_char_names_and_fill_mode() {
    let s = sample();
    assert_eq!(
        fmt(s.clone(), "Month|MONTH|month"),
        "February |FEBRUARY |february "
    );
    assert_eq!(fmt(s.clone(), "FMMonth FMDay"), "February Friday");
    assert_eq!(
        fmt(s.clone(), "Mon MON mon Dy DY dy"),
        "Feb FEB feb Fri FRI fri"
    );
    assert_eq!(fmt(s.clone(), "Day,"), "Friday   ,");
    assert_eq!(fmt(s.clone(), "FMDD FMMM FMHH24"), "16 2 20");
    assert_eq!(
        fmt(ts(2001, 2, 3, 4, 5, 6, 0), "FMDD/FMMM FMHH12:MI"),
        "3/2 4:05"
    );
    assert_eq!(fmt(s.clone(), "TMMonth"), "February ");
}

#[test]
fn to_char_ordinals_literals_and_eras() {
    let s = sample();
    assert_eq!(fmt(s.clone(), "DDth DDTH"), "16th 16TH");
    assert_eq!(fmt(ts(2001, 2, 1, 0, 0, 0, 0), "FMDDth"), "1st");
    assert_eq!(fmt(ts(2001, 2, 2, 0, 0, 0, 0), "FMDDth"), "2nd");
    assert_eq!(fmt(ts(2001, 2, 3, 0, 0, 0, 0), "FMDDth"), "3rd");
    assert_eq!(fmt(ts(2001, 2, 11, 0, 0, 0, 0), "FMDDth"), "11th");
    assert_eq!(fmt(ts(2001, 2, 22, 0, 0, 0, 0), "FMDDth"), "22nd");
    assert_eq!(
        fmt(s.clone(), "\"Year\" YYYY \"\\\"q\\\"\""),
        "Year 2001 \"q\""
    );
    assert_eq!(fmt(s.clone(), "YYYY \\\"x"), "2001 \"x");
    assert_eq!(fmt(s.clone(), "BC AD b.c."), "AD AD a.d.");
    assert_eq!(fmt(ts(0, 3, 1, 0, 0, 0, 0), "YYYY BC CC"), "0001 BC -01");
    assert_eq!(fmt(ts(-99, 3, 1, 0, 0, 0, 0), "YYYY B.C."), "0100 B.C.");
    assert_eq!(fmt(ts(999, 3, 1, 0, 0, 0, 0), "YYYY CC"), "0999 10");
    assert_eq!(fmt(ts(12345, 3, 1, 0, 0, 0, 0), "YYYY"), "12345");
}

#[test]
fn to_char_time_zones() {
    let tz = Value::TimestampTz(naive(2001, 2, 16, 20, 38, 40, 0).and_utc());
    assert_eq!(
        fmt(tz.clone(), "HH24 TZ tz OF TZH:TZM"),
        "20 UTC utc +00 +00:00"
    );
    assert_eq!(fmt(sample(), "HH24 TZ|"), "20 |");
    // A date is formatted as the midnight of its day.
    assert_eq!(fmt(date(2024, 3, 5), "YYYY-MM-DD HH24"), "2024-03-05 00");
    assert_eq!(call("to_char", &[sample(), t("")]).unwrap(), Value::Null);
}

#[test]
fn to_char_intervals() {
    let hour = 3_600_000_000;
    let value = iv(14, 3, 25 * hour + 61_500_000);
    assert_eq!(
        fmt(value.clone(), "YYYY MM DD HH24:MI:SS.MS"),
        "0001 02 03 25:01:01.500"
    );
    assert_eq!(fmt(value.clone(), "HH12 DDD"), "01 423");
    let negative = iv(0, 0, -(2 * hour));
    assert_eq!(fmt(negative, "HH24:MI"), "-02:00");
    let err = call("to_char", &[value, t("Month")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid format specification for an interval value"
    );
}

fn parse_date(input: &str, template: &str) -> Result<Value> {
    call("to_date", &[t(input), t(template)])
}

fn parse_ts(input: &str, template: &str) -> Result<Value> {
    call("to_timestamp", &[t(input), t(template)])
}

/// The timestamptz whose UTC time is `text` (`YYYY-MM-DD HH:MM:SS[.ffffff]`).
fn utc(text: &str) -> Value {
    let time = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap();
    Value::TimestampTz(time.and_utc())
}

#[test]
fn to_date_reads_common_templates() {
    let cases = [
        ("2024-03-05", "YYYY-MM-DD", (2024, 3, 5)),
        ("05 Dec 2000", "DD Mon YYYY", (2000, 12, 5)),
        ("05 december 2000", "DD Month YYYY", (2000, 12, 5)),
        ("20240305", "YYYYMMDD", (2024, 3, 5)),
        ("2024/3/5", "YYYY-MM-DD", (2024, 3, 5)),
        ("  2024  3 5", "YYYY MM DD", (2024, 3, 5)),
        ("5.3.24", "DD.MM.YY", (2024, 3, 5)),
        ("5.3.95", "DD.MM.YY", (1995, 3, 5)),
        ("2024 060", "YYYY DDD", (2024, 2, 29)),
        ("2451545", "J", (2000, 1, 1)),
        ("2,024-01-02", "Y,YYY-MM-DD", (2024, 1, 2)),
        ("0044-03-15 BC", "YYYY-MM-DD BC", (-43, 3, 15)),
        ("2024-III-05", "YYYY-RM-DD", (2024, 3, 5)),
        ("2024-W10-2", "IYYY-\"W\"IW-ID", (2024, 3, 5)),
        ("1st March 2024", "DDth FMMonth YYYY", (2024, 3, 1)),
        ("Tuesday 2024-03-05", "Day YYYY-MM-DD", (2024, 3, 5)),
        ("21 05", "CC YY", (2005, 1, 1)),
    ];
    for (input, template, (y, m, d)) in cases {
        assert_eq!(
            parse_date(input, template).unwrap(),
            date(y, m, d),
            "{input} / {template}"
        );
    }
}

#[test]
fn to_date_rejects_bad_input() {
    let err = parse_date("2024-13-01", "YYYY-MM-DD").unwrap_err();
    assert_eq!(
        err.to_string(),
        "date/time field value out of range: \"2024-13-01\""
    );
    assert!(parse_date("2023-02-29", "YYYY-MM-DD").is_err());
    let err = parse_date("2024-xx-01", "YYYY-MM-DD").unwrap_err();
    assert_eq!(err.to_string(), "invalid value \"xx-01\" for \"MM\"");
    assert!(parse_date("05 Foo 2000", "DD Mon YYYY").is_err());
    assert!(parse_date("202", "YYYYMMDD").is_err());
    assert_eq!(parse_date("2024031", "YYYYMMDD").unwrap(), date(2024, 3, 1));
    assert!(parse_date("060", "DDD").is_err());
    assert!(parse_date("2024 Mar 04", "YYYY MM DD").is_err());
    assert!(parse_date("2024-W10-2 03", "IYYY-\"W\"IW-ID MM").is_err());
    let err = parse_date("2024 3 4", "YYYY MM MM").unwrap_err();
    assert_eq!(
        err.to_string(),
        "conflicting values for \"MM\" field in formatting string"
    );
    assert!(parse_date("99999999999", "YYYY").is_err());
}

#[test]
fn to_timestamp_reads_times_and_zones() {
    let cases = [
        (
            "2024-03-05 14:30:15",
            "YYYY-MM-DD HH24:MI:SS",
            "2024-03-05 14:30:15",
        ),
        (
            "2024-03-05 02:30 PM",
            "YYYY-MM-DD HH:MI AM",
            "2024-03-05 14:30:00",
        ),
        (
            "2024-03-05 12:30 a.m.",
            "YYYY-MM-DD HH12:MI a.m.",
            "2024-03-05 00:30:00",
        ),
        (
            "2024-03-05 10:00:00.5",
            "YYYY-MM-DD HH24:MI:SS.MS",
            "2024-03-05 10:00:00.5",
        ),
        (
            "10:00:00.000123",
            "HH24:MI:SS.US",
            "0000-01-01 10:00:00.000123",
        ),
        ("10:00:00.12", "HH24:MI:SS.FF3", "0000-01-01 10:00:00.12"),
        (
            "2024-03-05 10:00 +02",
            "YYYY-MM-DD HH24:MI TZH",
            "2024-03-05 08:00:00",
        ),
        (
            "2024-03-05 10:00 -05:30",
            "YYYY-MM-DD HH24:MI OF",
            "2024-03-05 15:30:00",
        ),
        (
            "2024-03-05 10:00 UTC",
            "YYYY-MM-DD HH24:MI TZ",
            "2024-03-05 10:00:00",
        ),
        ("37800", "SSSS", "0000-01-01 10:30:00"),
    ];
    for (input, template, expected) in cases {
        assert_eq!(
            parse_ts(input, template).unwrap(),
            utc(expected),
            "{input} / {template}"
        );
    }
    let err = parse_ts("13:00 PM", "HH:MI PM").unwrap_err();
    assert_eq!(
        err.to_string(),
        "hour \"13\" is invalid for the 12-hour clock"
    );
    assert!(parse_ts("25:00", "HH24:MI").is_err());
    assert!(parse_ts("2024-03-05 10:00 XYZ", "YYYY-MM-DD HH24:MI TZ").is_err());
}

#[test]
fn round_trips_through_to_char() {
    let template = "YYYY-MM-DD HH24:MI:SS.US";
    let formatted = fmt(sample(), template);
    assert_eq!(
        parse_ts(&formatted, template).unwrap(),
        utc("2001-02-16 20:38:40.123456")
    );
}

#[test]
fn templates_parse_into_nodes() {
    let nodes = parse_template("FMHH24th:\"a\"x ");
    assert_eq!(
        nodes,
        vec![
            Node::Field {
                key: Key::Hour24,
                name: "HH24",
                fill: true,
                ordinal: Some(false)
            },
            Node::Separator(':'),
            Node::Literal('a'),
            Node::Literal('x'),
            Node::Space(' '),
        ]
    );
    assert_eq!(read_integer("  -42x"), (-42, 5));
    assert_eq!(read_integer("x"), (0, 0));
    assert_eq!(adjust_partial_year(69), 2069);
    assert_eq!(adjust_partial_year(70), 1970);
    assert_eq!(adjust_partial_year(519), 2519);
    assert_eq!(adjust_partial_year(520), 1520);
}
