//! Phone number normalization: the E.164 digits rules compare, whatever
//! punctuation or dialling prefix the configuration or the caller used.

/// The NANP country calling code, the default home of a new account.
pub const NANP_CALLING_CODE: &str = "1";

/// Numbers this short are extension numbers or service codes, never E.164.
const MAX_SHORT_NUMBER_LEN: usize = 6;

/// The digits of `raw` in E.164 form without the `+` (`"+1 (650) 555-0100"`
/// gives `"16505550100"`), reading national forms as numbers of the home
/// country whose calling code is `home_calling_code`.
///
/// Short numbers (up to six digits) are returned as they are: they are
/// extension numbers or service codes, which rules compare verbatim.
/// Returns `None` when `raw` holds no digits or characters other than
/// digits, `+` and the usual punctuation (a SIP URI, `*67`, a name).
pub fn e164_digits(raw: &str, home_calling_code: &str) -> Option<String> {
    let (plus, digits) = strip_punctuation(raw)?;
    if plus {
        return Some(digits);
    }
    if digits.len() <= MAX_SHORT_NUMBER_LEN {
        return Some(digits);
    }

    if home_calling_code == NANP_CALLING_CODE {
        Some(nanp_to_e164(digits))
    } else {
        Some(generic_to_e164(digits, home_calling_code))
    }
}

/// Whether two numbers are the same once both are normalized.
pub fn same_number(a: &str, b: &str, home_calling_code: &str) -> bool {
    match (
        e164_digits(a, home_calling_code),
        e164_digits(b, home_calling_code),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Splits off a leading `+` and drops the punctuation people write numbers
/// with; `None` for anything else.
fn strip_punctuation(raw: &str) -> Option<(bool, String)> {
    let trimmed = raw.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };

    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            _ => return None,
        }
    }
    (!digits.is_empty()).then_some((plus, digits))
}

/// NANP dialling: `011` starts an international number, ten digits are a
/// national number without the `1`, eleven digits starting `1` are complete.
fn nanp_to_e164(digits: String) -> String {
    if let Some(international) = digits.strip_prefix("011") {
        return international.to_owned();
    }
    if digits.len() == 10 {
        return format!("1{digits}");
    }
    digits
}

/// ITU dialling used by most other countries: `00` starts an international
/// number, a single `0` is the trunk prefix of a national number.
fn generic_to_e164(digits: String, home_calling_code: &str) -> String {
    if let Some(international) = digits.strip_prefix("00") {
        return international.to_owned();
    }
    if let Some(national) = digits.strip_prefix('0') {
        return format!("{home_calling_code}{national}");
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatted_nanp_numbers_normalize_to_the_same_digits() {
        for raw in [
            "+1 (650) 555-0100",
            "16505550100",
            "650-555-0100",
            "650.555.0100",
        ] {
            assert_eq!(
                e164_digits(raw, "1").as_deref(),
                Some("16505550100"),
                "{raw}"
            );
        }
    }

    #[test]
    fn nanp_international_prefix_is_dropped() {
        assert_eq!(
            e164_digits("011 44 20 7946 0000", "1").as_deref(),
            Some("442079460000")
        );
    }

    #[test]
    fn uk_national_number_gains_the_country_code() {
        assert_eq!(
            e164_digits("020 7946 0000", "44").as_deref(),
            Some("442079460000")
        );
        assert_eq!(
            e164_digits("0033 1 23 45 67 89", "44").as_deref(),
            Some("33123456789")
        );
    }

    #[test]
    fn extension_numbers_are_kept_verbatim() {
        assert_eq!(e164_digits("101", "1").as_deref(), Some("101"));
    }

    #[test]
    fn sip_uris_and_star_codes_are_not_numbers() {
        assert_eq!(e164_digits("sip:101@pbx", "1"), None);
        assert_eq!(e164_digits("*67", "1"), None);
        assert_eq!(e164_digits("", "1"), None);
        assert_eq!(e164_digits("+", "1"), None);
    }

    #[test]
    fn same_number_ignores_formatting_but_not_digits() {
        assert!(same_number("+16505550100", "(650) 555-0100", "1"));
        assert!(!same_number("+16505550100", "(650) 555-0101", "1"));
        assert!(!same_number("anonymous", "anonymous", "1"));
    }
}
