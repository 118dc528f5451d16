//! Toll-fraud policy: what kind of number an outbound call dials, and
//! whether a trunk may carry it.
//!
//! Stolen SIP passwords are used to call international and premium-rate
//! numbers for profit, so those two classes need an allowance aimed at
//! them: the trunk's allowed prefix must be at least as specific as the
//! range itself (`+44` for the United Kingdom, `+1876` for Jamaica, `+1900`
//! for US premium numbers). A broad `+1` therefore opens the United States
//! and Canada but neither the Caribbean nor 900 numbers, and `+` alone
//! opens nothing international. Emergency numbers are always allowed:
//! blocking a 911 call is never the safer choice.
//!
//! Classification knows the North American Numbering Plan in detail and
//! falls back to generic ITU dialling (`00` international, `0` trunk
//! prefix, 112 emergency) for other home countries.

use crate::model::DestinationPolicy;

use super::number::{NANP_CALLING_CODE, e164_digits};

/// What kind of destination a dialled number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberClass {
    /// An extension of this account; never leaves through a trunk.
    Internal,
    /// 911 or 933 (the E911 address test) in NANP, 112 and the home
    /// country's own numbers elsewhere.
    Emergency,
    /// NANP N11 service codes other than 911 (411, 611, ...).
    ServiceCode,
    /// NANP 8XX toll-free numbers.
    TollFree,
    /// A number of the home country (for NANP, the United States and
    /// Canada).
    National,
    /// Another country, including NANP members outside the United States
    /// and Canada (most of the Caribbean).
    International,
    /// Premium-rate ranges: NANP 900 and the 976 exchange, UK 09.
    PremiumRate,
    /// Not a dialable number.
    Invalid,
}

/// A dialled number, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub class: NumberClass,
    /// The number in E.164 with `+`, for classes that leave through a
    /// trunk; the digits as dialled for internal, emergency and service
    /// codes.
    pub number: String,
    /// For international and premium numbers, the E.164 prefix naming the
    /// range (`+44`, `+1876`, `+1900`); an allowance must be at least this
    /// long.
    pub range_prefix: Option<String>,
}

/// Why a trunk refused a number. The names follow RingCentral's call
/// result reasons, which [`BlockReason::result_reason`] spells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockReason {
    /// An international destination without its own allowance.
    InternationalRestricted,
    /// A premium-rate number without its own allowance.
    PremiumRate,
    /// The trunk's prefixes do not allow (or explicitly deny) the number.
    NumberDisabled,
    /// Not a dialable number.
    BadNumber,
    /// An extension number: connect it internally instead.
    Internal,
}

impl BlockReason {
    /// RingCentral's `reason` for a call log record of the blocked call.
    pub fn result_reason(self) -> &'static str {
        match self {
            Self::InternationalRestricted => "International Restricted",
            Self::PremiumRate => "Restricted Number",
            Self::NumberDisabled => "Number Disabled",
            Self::BadNumber => "Bad Number",
            Self::Internal => "Wrong Number",
        }
    }
}

/// Whether a trunk may carry a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TollDecision {
    Allowed,
    Blocked(BlockReason),
}

/// NANP area codes of countries other than the United States and Canada
/// (US territories such as Puerto Rico and Guam are domestic). Calls to
/// them cost international rates and are a classic fraud target.
const NANP_FOREIGN_AREA_CODES: [&str; 21] = [
    "242", "246", "264", "268", "284", "345", "441", "473", "649", "658", "664", "721", "758",
    "767", "784", "809", "829", "849", "868", "869", "876",
];

/// NANP toll-free area codes.
const NANP_TOLL_FREE: [&str; 7] = ["800", "833", "844", "855", "866", "877", "888"];

/// Classifies `dialed` for an account whose country calling code is
/// `home_calling_code`; `is_extension` says whether digits are one of the
/// account's extension numbers.
pub fn classify(
    dialed: &str,
    home_calling_code: &str,
    is_extension: impl Fn(&str) -> bool,
) -> Classification {
    let dialed = dialed.trim();
    if is_emergency(dialed, home_calling_code) {
        return plain(NumberClass::Emergency, dialed);
    }
    if is_extension(dialed) {
        return plain(NumberClass::Internal, dialed);
    }
    if home_calling_code == NANP_CALLING_CODE && is_n11(dialed) {
        return plain(NumberClass::ServiceCode, dialed);
    }

    let Some(digits) = e164_digits(dialed, home_calling_code) else {
        return plain(NumberClass::Invalid, dialed);
    };
    if digits.len() < 8 || digits.len() > 15 {
        return plain(NumberClass::Invalid, dialed);
    }
    classify_e164(&digits, home_calling_code)
}

/// Whether the trunk whose policy is `policy` may carry the classified
/// call.
pub fn decide(call: &Classification, policy: &DestinationPolicy) -> TollDecision {
    use NumberClass as C;
    let blocked = TollDecision::Blocked;
    match call.class {
        C::Emergency => TollDecision::Allowed,
        C::Internal => blocked(BlockReason::Internal),
        C::Invalid => blocked(BlockReason::BadNumber),
        C::ServiceCode | C::TollFree | C::National => by_prefix(call, policy),
        C::International => specific(call, policy, BlockReason::InternationalRestricted),
        C::PremiumRate => specific(call, policy, BlockReason::PremiumRate),
    }
}

fn plain(class: NumberClass, dialed: &str) -> Classification {
    Classification {
        class,
        number: dialed.to_owned(),
        range_prefix: None,
    }
}

fn is_emergency(dialed: &str, home_calling_code: &str) -> bool {
    match home_calling_code {
        NANP_CALLING_CODE => matches!(dialed, "911" | "933"),
        "44" => matches!(dialed, "999" | "112"),
        "61" => matches!(dialed, "000" | "112"),
        _ => dialed == "112",
    }
}

/// NANP N11 codes: three digits, the first 2-9, then "11".
fn is_n11(dialed: &str) -> bool {
    let b = dialed.as_bytes();
    b.len() == 3 && (b'2'..=b'9').contains(&b[0]) && &b[1..] == b"11"
}

fn classify_e164(digits: &str, home_calling_code: &str) -> Classification {
    let number = format!("+{digits}");
    let ranged = |class, prefix: &str| Classification {
        class,
        number: number.clone(),
        range_prefix: Some(format!("+{prefix}")),
    };

    if let Some(national) = digits.strip_prefix(NANP_CALLING_CODE) {
        return classify_nanp(national, &number, home_calling_code);
    }
    if let Some(national) = digits.strip_prefix(home_calling_code) {
        return match home_calling_code {
            "44" if national.starts_with('9') => ranged(NumberClass::PremiumRate, "449"),
            _ => Classification {
                class: NumberClass::National,
                number,
                range_prefix: None,
            },
        };
    }
    ranged(NumberClass::International, country_code(digits))
}

/// `national` is the ten digits after `+1`: NPA (area code), NXX, line.
fn classify_nanp(national: &str, number: &str, home_calling_code: &str) -> Classification {
    let with = |class, prefix: Option<String>| Classification {
        class,
        number: number.to_owned(),
        range_prefix: prefix,
    };
    let valid = national.len() == 10 && national.bytes().all(|b| b.is_ascii_digit());
    if !valid || matches!(national.as_bytes()[0], b'0' | b'1') {
        return with(NumberClass::Invalid, None);
    }

    let (npa, nxx) = (&national[..3], &national[3..6]);
    if home_calling_code != NANP_CALLING_CODE {
        return with(NumberClass::International, Some("+1".to_owned()));
    }
    if npa == "900" {
        return with(NumberClass::PremiumRate, Some("+1900".to_owned()));
    }
    if nxx == "976" {
        return with(NumberClass::PremiumRate, Some(format!("+1{npa}976")));
    }
    if NANP_TOLL_FREE.contains(&npa) {
        return with(NumberClass::TollFree, None);
    }
    if NANP_FOREIGN_AREA_CODES.contains(&npa) {
        return with(NumberClass::International, Some(format!("+1{npa}")));
    }
    with(NumberClass::National, None)
}

/// The country calling code at the start of international digits. Codes
/// are one to three digits; this reads the ITU zones well enough to name
/// the range: 7 and 1 alone, two digits for the zones that use them, else
/// three.
fn country_code(digits: &str) -> &str {
    const TWO_DIGIT: [&str; 44] = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ];
    let len = match digits.get(..2) {
        _ if digits.starts_with('7') => 1,
        Some(two) if TWO_DIGIT.contains(&two) => 2,
        _ => 3,
    };
    digits.get(..len).unwrap_or(digits)
}

/// Allowed when the trunk's prefixes allow the number at all.
fn by_prefix(call: &Classification, policy: &DestinationPolicy) -> TollDecision {
    let e164 = e164_form(&call.number);
    if policy.allows(&e164) {
        TollDecision::Allowed
    } else {
        TollDecision::Blocked(BlockReason::NumberDisabled)
    }
}

/// Allowed only when the trunk allows the number through a prefix at
/// least as specific as the number's range.
fn specific(
    call: &Classification,
    policy: &DestinationPolicy,
    reason: BlockReason,
) -> TollDecision {
    let needed = call.range_prefix.as_deref().map_or(usize::MAX, str::len);
    let longest_allowance = policy
        .allowed_prefixes
        .iter()
        .filter(|p| call.number.starts_with(p.as_str()))
        .map(String::len)
        .max();

    match longest_allowance {
        Some(len) if len >= needed && policy.allows(&call.number) => TollDecision::Allowed,
        _ => TollDecision::Blocked(reason),
    }
}

/// Service codes stay as dialled; prefix policies match them with `+`.
fn e164_form(number: &str) -> String {
    if number.starts_with('+') {
        number.to_owned()
    } else {
        format!("+{number}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(dialed: &str) -> Classification {
        classify(dialed, "1", |d| matches!(d, "101" | "102"))
    }

    fn class_us(dialed: &str) -> NumberClass {
        us(dialed).class
    }

    fn policy(allowed: &[&str], denied: &[&str]) -> DestinationPolicy {
        DestinationPolicy {
            allowed_prefixes: allowed.iter().map(|p| (*p).to_owned()).collect(),
            denied_prefixes: denied.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn nanp_numbers_in_every_written_form_are_national() {
        for dialed in [
            "+14155550100",
            "14155550100",
            "4155550100",
            "(415) 555-0100",
        ] {
            assert_eq!(us(dialed).class, NumberClass::National, "{dialed}");
            assert_eq!(us(dialed).number, "+14155550100", "{dialed}");
        }
    }

    #[test]
    fn canadian_numbers_are_national_for_a_us_account() {
        assert_eq!(class_us("+14165550100"), NumberClass::National);
    }

    #[test]
    fn extension_numbers_are_internal() {
        assert_eq!(class_us("101"), NumberClass::Internal);
    }

    #[test]
    fn nine_one_one_and_nine_three_three_are_emergency() {
        assert_eq!(class_us("911"), NumberClass::Emergency);
        assert_eq!(class_us("933"), NumberClass::Emergency);
    }

    #[test]
    fn other_n11_codes_are_service_codes() {
        assert_eq!(class_us("411"), NumberClass::ServiceCode);
    }

    #[test]
    fn nine_hundred_numbers_and_the_976_exchange_are_premium_rate() {
        assert_eq!(class_us("1-900-555-0100"), NumberClass::PremiumRate);
        assert_eq!(us("+12129760100").range_prefix.as_deref(), Some("+1212976"));
        assert_eq!(class_us("+12129760100"), NumberClass::PremiumRate);
    }

    #[test]
    fn eight_hundred_numbers_are_toll_free() {
        assert_eq!(class_us("1 800 555 0100"), NumberClass::TollFree);
        assert_eq!(class_us("+18885550100"), NumberClass::TollFree);
    }

    #[test]
    fn caribbean_nanp_numbers_are_international() {
        let jamaica = us("1-876-555-0100");

        assert_eq!(jamaica.class, NumberClass::International);
        assert_eq!(jamaica.range_prefix.as_deref(), Some("+1876"));
    }

    #[test]
    fn numbers_dialled_with_011_or_plus_elsewhere_are_international() {
        let london = us("011 44 20 7946 0000");

        assert_eq!(london.class, NumberClass::International);
        assert_eq!(london.number, "+442079460000");
        assert_eq!(london.range_prefix.as_deref(), Some("+44"));
        assert_eq!(us("+380441234567").range_prefix.as_deref(), Some("+380"));
    }

    #[test]
    fn malformed_numbers_are_invalid() {
        for dialed in [
            "",
            "*67",
            "+1055550100",
            "12345678901234567",
            "sip:bob@example.com",
        ] {
            assert_eq!(class_us(dialed), NumberClass::Invalid, "{dialed:?}");
        }
    }

    #[test]
    fn a_uk_account_reads_national_international_and_09_premium_numbers() {
        let uk = |d: &str| classify(d, "44", |_| false).class;

        assert_eq!(uk("020 7946 0000"), NumberClass::National);
        assert_eq!(uk("0909 879 0000"), NumberClass::PremiumRate);
        assert_eq!(uk("00 33 1 23 45 67 89"), NumberClass::International);
        assert_eq!(uk("+14155550100"), NumberClass::International);
        assert_eq!(uk("999"), NumberClass::Emergency);
        assert_eq!(uk("112"), NumberClass::Emergency);
    }

    #[test]
    fn the_default_policy_allows_national_and_toll_free_calls() {
        let default = DestinationPolicy::default();

        assert_eq!(decide(&us("4155550100"), &default), TollDecision::Allowed);
        assert_eq!(decide(&us("8005550100"), &default), TollDecision::Allowed);
    }

    #[test]
    fn international_calls_are_blocked_unless_their_country_is_allowed() {
        let london = us("011442079460000");

        assert_eq!(
            decide(&london, &DestinationPolicy::default()),
            TollDecision::Blocked(BlockReason::InternationalRestricted)
        );
        assert_eq!(
            decide(&london, &policy(&["+1", "+44"], &[])),
            TollDecision::Allowed
        );
    }

    #[test]
    fn a_catch_all_plus_prefix_does_not_open_international_calling() {
        assert_eq!(
            decide(&us("011442079460000"), &policy(&["+"], &[])),
            TollDecision::Blocked(BlockReason::InternationalRestricted)
        );
    }

    #[test]
    fn plus_one_does_not_open_the_caribbean() {
        let jamaica = us("18765550100");

        assert_eq!(
            decide(&jamaica, &DestinationPolicy::default()),
            TollDecision::Blocked(BlockReason::InternationalRestricted)
        );
        assert_eq!(
            decide(&jamaica, &policy(&["+1", "+1876"], &[])),
            TollDecision::Allowed
        );
    }

    #[test]
    fn premium_rate_calls_are_blocked_unless_their_range_is_allowed() {
        let premium = us("19005550100");

        assert_eq!(
            decide(&premium, &DestinationPolicy::default()),
            TollDecision::Blocked(BlockReason::PremiumRate)
        );
        assert_eq!(
            decide(&premium, &policy(&["+1900"], &[])),
            TollDecision::Allowed
        );
    }

    #[test]
    fn a_denied_prefix_wins_over_a_specific_allowance_of_equal_length() {
        assert_eq!(
            decide(&us("011442079460000"), &policy(&["+44"], &["+44"])),
            TollDecision::Blocked(BlockReason::InternationalRestricted)
        );
    }

    #[test]
    fn national_calls_outside_the_allowed_prefixes_are_blocked() {
        assert_eq!(
            decide(&us("4155550100"), &policy(&["+1212"], &[])),
            TollDecision::Blocked(BlockReason::NumberDisabled)
        );
    }

    #[test]
    fn emergency_calls_are_allowed_even_by_a_closed_trunk() {
        assert_eq!(
            decide(&us("911"), &policy(&[], &["+"])),
            TollDecision::Allowed
        );
    }

    #[test]
    fn extension_and_invalid_numbers_never_go_to_a_trunk() {
        let open = policy(&["+"], &[]);

        assert_eq!(
            decide(&us("101"), &open),
            TollDecision::Blocked(BlockReason::Internal)
        );
        assert_eq!(
            decide(&us("*67"), &open),
            TollDecision::Blocked(BlockReason::BadNumber)
        );
    }

    #[test]
    fn block_reasons_use_ringcentral_result_reasons() {
        assert_eq!(
            BlockReason::InternationalRestricted.result_reason(),
            "International Restricted"
        );
        assert_eq!(
            BlockReason::PremiumRate.result_reason(),
            "Restricted Number"
        );
    }
}
