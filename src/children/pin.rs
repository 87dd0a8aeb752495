//! The personal identification number (ПИН / ИНН) of a citizen of the Kyrgyz
//! Republic: 14 digits — the first is the sex (1 female, 2 male), the next eight
//! the date of birth as ddmmyyyy, the last five a serial number.

use chrono::NaiveDate;

use super::model::Sex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalNumber {
    digits: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
}

impl PersonalNumber {
    /// Parse a ПИН as typed (spaces and dashes between groups are allowed).
    pub fn parse(value: &str, today: NaiveDate) -> Result<PersonalNumber, &'static str> {
        let digits: String = value.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("error-pin-format");
        }
        let sex = match &digits[..1] {
            "1" => Sex::Female,
            "2" => Sex::Male,
            _ => return Err("error-pin-format"),
        };
        let birth_date =
            NaiveDate::parse_from_str(&digits[1..9], "%d%m%Y").map_err(|_| "error-pin-date")?;
        if birth_date > today {
            return Err("error-pin-date");
        }
        Ok(PersonalNumber {
            digits,
            sex,
            birth_date,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn a_valid_number_gives_sex_and_birth_date() {
        let pin = PersonalNumber::parse("1 0503 2012 00123", today()).unwrap();
        assert_eq!(pin.as_str(), "10503201200123");
        assert_eq!(pin.sex, Sex::Female);
        assert_eq!(pin.birth_date, NaiveDate::from_ymd_opt(2012, 3, 5).unwrap());
        assert_eq!(
            PersonalNumber::parse("22902201200007", today())
                .unwrap()
                .sex,
            Sex::Male
        );
    }

    #[test]
    fn malformed_numbers_are_refused() {
        assert_eq!(
            PersonalNumber::parse("1050320120012", today()),
            Err("error-pin-format")
        );
        assert_eq!(
            PersonalNumber::parse("105032012001234", today()),
            Err("error-pin-format")
        );
        assert_eq!(
            PersonalNumber::parse("3050320120012a", today()),
            Err("error-pin-format")
        );
        assert_eq!(
            PersonalNumber::parse("30503201200123", today()),
            Err("error-pin-format")
        );
        assert_eq!(
            PersonalNumber::parse("13102201400123", today()),
            Err("error-pin-date"),
            "31 February"
        );
        assert_eq!(
            PersonalNumber::parse("10101203000123", today()),
            Err("error-pin-date"),
            "born in 2030"
        );
    }
}
