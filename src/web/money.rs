//! Money in som (KGS): exact decimals with two places, as people type them
//! and as each language writes them. Never a float anywhere.

use rust_decimal::Decimal;

use crate::web::i18n::Lang;

/// The largest amount a form accepts (a typing slip beyond it, not a fine).
pub const MAX: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// An amount as typed: digits with an optional decimal point or comma and at
/// most two decimals; spaces (also non-breaking) between thousands are
/// allowed. No sign, no exponent, nothing else.
pub fn parse(value: &str) -> Result<Decimal, &'static str> {
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Err("error-required");
    }
    if cleaned.starts_with('-') {
        return Err("error-money-negative");
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || whole.len() > 12 {
        return Err("error-money-format");
    }
    if fraction.len() > 2 {
        return Err("error-money-cents");
    }
    let amount: Decimal = cleaned.parse().map_err(|_| "error-money-format")?;
    if amount > MAX {
        return Err("error-money-too-large");
    }
    Ok(amount.round_dp(2))
}

/// An amount above zero.
pub fn positive(value: &str) -> Result<Decimal, &'static str> {
    let amount = parse(value)?;
    if amount.is_zero() {
        Err("error-money-zero")
    } else {
        Ok(amount)
    }
}

/// The amount for a form field (as the user would type it).
pub fn input(amount: &Decimal) -> String {
    format!("{:.2}", amount.round_dp(2))
}

/// Digits in groups of three, as each language writes them.
fn group(whole: &str, lang: Lang) -> String {
    let separator = match lang {
        Lang::En => ',',
        Lang::Ky | Lang::Ru => '\u{a0}',
    };
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    grouped
}

/// A whole number of people as each language writes it ("2 600 000",
/// "2,600,000").
pub fn whole(n: i64, lang: Lang) -> String {
    let text = n.unsigned_abs().to_string();
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group(&text, lang))
}

/// A share or a median as each language writes a decimal number, with the
/// places it has: "33,3" and "1 250,5" in Kyrgyz and Russian, "33.3" and
/// "1,250.5" in English.
pub fn decimal(value: &Decimal, lang: Lang) -> String {
    let text = value.to_string();
    let (sign, text) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |rest| ("-", rest));
    let (whole, places) = match text.split_once('.') {
        Some((whole, places)) => (whole, Some(places)),
        None => (text, None),
    };
    let grouped = group(whole, lang);
    match (places, lang) {
        (None, _) => format!("{sign}{grouped}"),
        (Some(p), Lang::En) => format!("{sign}{grouped}.{p}"),
        (Some(p), Lang::Ky | Lang::Ru) => format!("{sign}{grouped},{p}"),
    }
}

/// "1 500,00 сом" in Kyrgyz and Russian, "KGS 1,500.00" in English.
pub fn format(amount: &Decimal, lang: Lang) -> String {
    let text = format!("{:.2}", amount.round_dp(2));
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let (sign, whole) = whole
        .strip_prefix('-')
        .map_or(("", whole), |rest| ("-", rest));
    let grouped = group(whole, lang);
    match lang {
        Lang::En => format!("{sign}KGS {grouped}.{cents}"),
        Lang::Ky | Lang::Ru => format!("{sign}{grouped},{cents}\u{a0}сом"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn shares_and_medians_are_written_as_each_language_writes_decimals() {
        assert_eq!(decimal(&d("33.3"), Lang::Ky), "33,3");
        assert_eq!(decimal(&d("33.3"), Lang::Ru), "33,3");
        assert_eq!(decimal(&d("33.3"), Lang::En), "33.3");
        assert_eq!(decimal(&d("1250.5"), Lang::Ru), "1\u{a0}250,5");
        assert_eq!(decimal(&d("1250.5"), Lang::En), "1,250.5");
        assert_eq!(decimal(&d("50.0"), Lang::Ky), "50,0");
        assert_eq!(decimal(&d("12"), Lang::Ky), "12");
        assert_eq!(decimal(&d("-0.5"), Lang::Ky), "-0,5");
    }

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(parse("1500"), Ok(d("1500")));
        assert_eq!(parse(" 1 500,50 "), Ok(d("1500.50")));
        assert_eq!(parse("1500.5"), Ok(d("1500.5")));
        assert_eq!(parse("0.10"), Ok(d("0.10")));
        assert_eq!(parse(""), Err("error-required"));
        assert_eq!(parse("-5"), Err("error-money-negative"));
        assert_eq!(parse("1e3"), Err("error-money-format"));
        assert_eq!(parse("12.345"), Err("error-money-cents"));
        assert_eq!(parse("abc"), Err("error-money-format"));
        assert_eq!(parse(".5"), Err("error-money-format"));
        assert_eq!(parse("1.2.3"), Err("error-money-format"));
        assert_eq!(parse("1000000001"), Err("error-money-too-large"));
        assert_eq!(parse("99999999999999999999999"), Err("error-money-format"));
        assert_eq!(positive("0,00"), Err("error-money-zero"));
    }

    #[test]
    fn sums_are_exact() {
        assert_eq!(parse("0.1").unwrap() + parse("0.2").unwrap(), d("0.3"));
        let fines = ["8800000.10", "0.20", "1234.56"];
        let total: Decimal = fines.iter().map(|f| parse(f).unwrap()).sum();
        assert_eq!(total, d("8801234.86"));
    }

    #[test]
    fn each_language_writes_money_its_way() {
        assert_eq!(format(&d("1500"), Lang::En), "KGS 1,500.00");
        assert_eq!(format(&d("1500"), Lang::Ru), "1\u{a0}500,00\u{a0}сом");
        assert_eq!(
            format(&d("8800000.5"), Lang::Ky),
            "8\u{a0}800\u{a0}000,50\u{a0}сом"
        );
        assert_eq!(format(&d("12.3"), Lang::En), "KGS 12.30");
        assert_eq!(format(&d("0"), Lang::En), "KGS 0.00");
        assert_eq!(input(&d("1500.5")), "1500.50");
    }
}
