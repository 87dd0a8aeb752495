//! The sign-in and password forms, and the password policy (NIST SP 800-63B:
//! at least 12 characters, no composition rules, no commonly used passwords).

use crate::web::forms::{FieldErrors, FormData};

pub const MIN_PASSWORD_CHARS: usize = 12;
/// Long enough for any passphrase, short enough that hashing stays cheap.
pub const MAX_PASSWORD_CHARS: usize = 128;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// A password that passed the policy.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Check `candidate` for the account `login`.
    pub fn parse(candidate: &str, login: &str) -> Result<Password, &'static str> {
        let chars = candidate.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err("error-password-too-short");
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err("error-password-too-long");
        }
        let lowered = candidate.to_lowercase();
        let login = login.trim().to_lowercase();
        if login.chars().count() >= 3 && lowered.contains(&login) {
            return Err("error-password-contains-login");
        }
        if is_common(&lowered) {
            return Err("error-password-common");
        }
        // The demo's password is printed in the README and on the console:
        // no real account may have it (the demo's own accounts are made
        // without this policy).
        if lowered == crate::demo::DEMO_PASSWORD {
            return Err("error-password-published");
        }
        Ok(Password(candidate.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// In the shipped list, or made of one character or one short pattern repeated
/// ("aaaaaaaaaaaa", "abcabcabcabc", "123412341234").
fn is_common(lowered: &str) -> bool {
    if COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == lowered)
    {
        return true;
    }
    let chars: Vec<char> = lowered.chars().collect();
    (1..=4).any(|period| {
        chars.len() > period
            && chars
                .iter()
                .enumerate()
                .all(|(i, c)| *c == chars[i % period])
    }) || is_run(&chars)
}

/// A straight run of consecutive characters ("123456789012", "abcdefghijkl").
fn is_run(chars: &[char]) -> bool {
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| w[1] as i64 - w[0] as i64)
        .collect();
    let digit = |c: char| c.to_digit(10);
    let digits_step = |step: u32| {
        chars.windows(2).all(|w| match (digit(w[0]), digit(w[1])) {
            (Some(a), Some(b)) => (a + step) % 10 == b,
            _ => false,
        })
    };
    // Digit runs wrap around: 901234567890, 098765432109.
    digits_step(1)
        || digits_step(9)
        || steps.iter().all(|s| *s == 1)
        || steps.iter().all(|s| *s == -1)
}

#[derive(Debug, Default, Clone)]
pub struct LoginForm {
    pub login: String,
    pub password: String,
    pub next: String,
}

impl LoginForm {
    pub fn from_form(form: &FormData) -> LoginForm {
        LoginForm {
            login: form.get("login").to_owned(),
            password: form.get("password").to_owned(),
            next: form.get("next").to_owned(),
        }
    }

    /// Logins are compared lower-case.
    pub fn normalized_login(&self) -> String {
        self.login.trim().to_lowercase()
    }

    /// Where to go after signing in: only a path on this site.
    pub fn safe_next(&self) -> String {
        safe_next(&self.next)
    }
}

pub fn safe_next(next: &str) -> String {
    let ok = crate::web::paths::is_safe_path(next) && next.len() <= 300;
    if ok && next != "/login" {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

#[derive(Debug, Default, Clone)]
pub struct ChangePasswordForm {
    pub current: String,
    pub new_password: String,
    pub confirm: String,
}

impl ChangePasswordForm {
    pub fn from_form(form: &FormData) -> ChangePasswordForm {
        ChangePasswordForm {
            current: form.get("current").to_owned(),
            new_password: form.get("new_password").to_owned(),
            confirm: form.get("confirm").to_owned(),
        }
    }

    /// Check the new password's policy and confirmation (the current password
    /// is checked against the database by the handler).
    pub fn parse(&self, login: &str) -> Result<Password, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.current.is_empty() {
            errors.add("current", "error-required");
        }
        let password = match Password::parse(&self.new_password, login) {
            Ok(p) => Some(p),
            Err(key) => {
                errors.add("new_password", key);
                None
            }
        };
        if self.confirm != self.new_password {
            errors.add("confirm", "error-password-mismatch");
        }
        match password {
            Some(p) if errors.is_empty() => Ok(p),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(
            Password::parse("кыргызстан1", "x").err(),
            Some("error-password-too-short")
        );
        assert!(Password::parse("кыргызстан12", "x").is_ok());
        assert_eq!(
            Password::parse(&"ж".repeat(129), "x").err(),
            Some("error-password-too-long")
        );
    }

    #[test]
    fn common_and_trivial_passwords_are_refused() {
        for p in [
            "password1234",
            "Password1234",
            "qwertyuiop12",
            "aaaaaaaaaaaa",
            "abcabcabcabc",
            "123456789012",
            "abcdefghijkl",
            "098765432109",
        ] {
            assert_eq!(
                Password::parse(p, "nobody").err(),
                Some("error-password-common"),
                "{p}"
            );
        }
        assert!(Password::parse("cotton harvest in Osh", "nobody").is_ok());
    }

    #[test]
    fn the_login_cannot_be_the_password() {
        assert_eq!(
            Password::parse("aigul.osh-2026!", "aigul.osh").err(),
            Some("error-password-contains-login")
        );
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/admin/users"), "/admin/users");
        assert_eq!(safe_next("//evil.example/x"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
