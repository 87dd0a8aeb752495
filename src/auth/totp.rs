//! The second factor's arithmetic, without a database: time-based one-time
//! passwords (RFC 6238: HMAC-SHA-1, six digits, 30-second steps, what every
//! authenticator app speaks), the QR code that carries a new secret to the
//! app, and the recovery codes.

use qrcode::QrCode;
use qrcode::render::svg;
use rand::RngCore;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};

/// Seconds per code.
pub const STEP_SECONDS: u64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Steps accepted either side of now: a phone's clock a little off, or a
/// code typed as it changed.
const SKEW_STEPS: u64 = 1;
/// What the app shows as the account's issuer.
const ISSUER: &str = "Korgoo";
/// Recovery codes given at enrolment (and on renewal).
pub const RECOVERY_CODES: usize = 10;
/// Random bytes per recovery code: 80 bits.
const RECOVERY_BYTES: usize = 10;

/// A new shared secret: 160 random bits, the length RFC 4226 recommends.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::rng().fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], login: &str) -> Option<TOTP> {
    // The otpauth label may not hold a colon; logins never do, but the label
    // is only a name shown in the app.
    let account = login.replace(':', "");
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        SKEW_STEPS as u8,
        STEP_SECONDS,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        account,
    )
    .ok()
}

/// The secret as the app's "enter a key" screen wants it: base32 in groups
/// of four.
pub fn secret_for_typing(secret: &[u8]) -> String {
    let plain = totp(secret, "")
        .map(|t| t.get_secret_base32())
        .unwrap_or_default();
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The step (Unix time / 30) of the code `typed` if it is the code of a step
/// within one of `now_unix`'s. Spaces are ignored; anything but six digits
/// is no code.
pub fn matching_step(secret: &[u8], typed: &str, now_unix: u64) -> Option<u64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "")?;
    let now = now_unix / STEP_SECONDS;
    // Every candidate is compared, so the time taken tells nothing.
    let mut found = None;
    for step in now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS {
        let expected = totp.generate(step * STEP_SECONDS);
        if crate::web::middleware::constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            found = Some(step);
        }
    }
    found
}

/// Does `typed` look like a six-digit code (rather than a recovery code)?
pub fn looks_like_code(typed: &str) -> bool {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The QR code an app scans to enrol: an `otpauth://` URL, drawn as SVG to
/// put straight into the page (no script, no image request).
pub fn qr_svg(secret: &[u8], login: &str) -> Option<String> {
    let url = totp(secret, login)?.get_url();
    let code = QrCode::new(url.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // The renderer starts with an XML declaration, which HTML does not want.
    let start = image.find("<svg")?;
    Some(image[start..].to_owned())
}

/// Ten new recovery codes, as shown to the user: `abcd-efgh-ijkl-mnop`.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_BYTES];
            rand::rng().fill_bytes(&mut bytes);
            let plain = base32_lower(&bytes);
            plain
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// RFC 4648 base32, lower case, without padding (10 bytes make 16 letters).
fn base32_lower(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A recovery code as typed, reduced to its letters (case, spaces and dashes
/// do not matter); None when it cannot be one.
pub fn normalize_recovery_code(typed: &str) -> Option<String> {
    let plain: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let valid = plain.len() == 16
        && plain
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b));
    valid.then_some(plain)
}

/// What the database keeps of a recovery code: SHA-256 of the user's id and
/// the code's letters (80 random bits need no slow hash).
pub fn recovery_code_hash(user_id: i64, normalized: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(user_id.to_be_bytes());
    hasher.update(normalized.as_bytes());
    hasher.finalize().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890".
    #[test]
    fn codes_are_those_of_the_rfc() {
        let secret = b"12345678901234567890";
        // 59 s → 94287082 (eight digits); six digits are its last six.
        assert_eq!(matching_step(secret, "287082", 59), Some(1));
        assert_eq!(
            matching_step(secret, "081804", 1_111_111_109),
            Some(37_037_036)
        );
        assert_eq!(
            matching_step(secret, "050471", 1_111_111_111),
            Some(37_037_037)
        );
        assert_eq!(
            matching_step(secret, "005924", 1_234_567_890),
            Some(41_152_263)
        );
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let secret = b"12345678901234567890";
        // The code of step 37037036 (time 1111111109).
        assert!(matching_step(secret, "081804", 1_111_111_109 + 30).is_some());
        assert!(matching_step(secret, "081804", 1_111_111_109 - 30).is_some());
        assert!(matching_step(secret, "081804", 1_111_111_109 + 61).is_none());
        assert!(matching_step(secret, "081 804", 1_111_111_109).is_some());
        assert!(matching_step(secret, "08180", 1_111_111_109).is_none());
        assert!(matching_step(secret, "0818041", 1_111_111_109).is_none());
        assert!(matching_step(secret, "08180a", 1_111_111_109).is_none());
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_back_whatever_the_typing() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 19, "{code}");
            let normalized = normalize_recovery_code(code).expect("a code of ours");
            assert_eq!(
                normalize_recovery_code(&code.to_uppercase().replace('-', " ")),
                Some(normalized.clone())
            );
            assert_ne!(
                recovery_code_hash(1, &normalized),
                recovery_code_hash(2, &normalized)
            );
        }
        assert_eq!(normalize_recovery_code("123456"), None);
        assert_eq!(normalize_recovery_code("abcd-efgh-ijkl-mno1"), None);
    }

    #[test]
    fn the_qr_code_is_an_svg_and_the_typed_key_is_the_secret() {
        let secret = new_secret();
        let svg = qr_svg(&secret, "aibek").expect("a QR code");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(!svg.contains("<?xml"));
        let typed = secret_for_typing(&secret);
        assert_eq!(typed.replace(' ', "").len(), 32);
        assert!(typed.split(' ').all(|g| g.len() == 4));
    }

    #[test]
    fn base32_matches_rfc_4648() {
        assert_eq!(base32_lower(b"foobar"), "mzxw6ytboi");
        assert_eq!(base32_lower(b"f"), "my");
    }
}
