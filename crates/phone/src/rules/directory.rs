//! The dial-by-name directory: names spelled on the telephone keypad, the
//! search over the account's users, and the choices read back to a caller.

use crate::model::{Extension, ExtensionType};

/// At most this many matches are offered as "press 1 for ...": keys 1 to 9.
pub const MAX_CHOICES: usize = 9;

/// Which name the caller spells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchBy {
    /// RingCentral's default: callers spell the last name.
    #[default]
    LastName,
    FirstName,
}

/// One directory entry that matched, ready to be offered to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryMatch<'a> {
    pub extension: &'a Extension,
    /// "First Last", or the extension's `name` when the contact has none.
    pub spoken_name: String,
}

/// What the search found for the digits entered so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryOutcome<'a> {
    /// Nobody's name starts with these keys.
    NoMatch,
    /// Exactly one person: connect after confirming.
    Single(DirectoryMatch<'a>),
    /// Up to [`MAX_CHOICES`] people, offered as keys 1 to 9.
    Choices(Vec<DirectoryMatch<'a>>),
    /// Too many to read out; the caller should enter more letters.
    TooMany { count: usize },
}

/// The keypad digit for a letter: 2=ABC, 3=DEF, ..., 7=PQRS, 9=WXYZ (the
/// ITU E.161 layout). Anything else has no key.
pub fn keypad_digit(letter: char) -> Option<char> {
    let digit = match letter.to_ascii_uppercase() {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        'W'..='Z' => '9',
        _ => return None,
    };
    Some(digit)
}

/// A name as the keys a caller presses to spell it ("O'Brien" is
/// "627436"). Characters without a key (spaces, apostrophes, hyphens and,
/// for now, letters outside ASCII) are skipped, as callers skip them too.
pub fn keypad_digits(name: &str) -> String {
    name.chars().filter_map(keypad_digit).collect()
}

/// Whether an extension belongs in the directory: enabled users that are
/// not hidden. Departments and IVR menus are reached by menu keys instead.
pub fn is_listed(extension: &Extension) -> bool {
    extension.extension_type == ExtensionType::User && extension.is_enabled() && !extension.hidden
}

/// The listed extensions whose chosen name starts with the keys in
/// `digits`, ordered by that name, then the other name, then extension
/// number, so that callers always hear the same order.
pub fn search<'a>(
    extensions: &'a [Extension],
    digits: &str,
    by: SearchBy,
) -> Vec<DirectoryMatch<'a>> {
    let mut hits: Vec<&Extension> = extensions
        .iter()
        .filter(|e| is_listed(e))
        .filter(|e| !digits.is_empty() && keypad_digits(search_name(e, by)).starts_with(digits))
        .collect();
    hits.sort_by_cached_key(|e| sort_key(e, by));
    hits.into_iter()
        .map(|extension| DirectoryMatch {
            extension,
            spoken_name: spoken_name(extension),
        })
        .collect()
}

/// [`search`], summarized into what the caller hears next.
pub fn lookup<'a>(extensions: &'a [Extension], digits: &str, by: SearchBy) -> DirectoryOutcome<'a> {
    let mut hits = search(extensions, digits, by);
    match hits.len() {
        0 => DirectoryOutcome::NoMatch,
        1 => DirectoryOutcome::Single(hits.remove(0)),
        n if n <= MAX_CHOICES => DirectoryOutcome::Choices(hits),
        count => DirectoryOutcome::TooMany { count },
    }
}

/// The sentence offering one match on a key: "Press 1 for John Smith,
/// extension 101".
pub fn read_back(key: usize, hit: &DirectoryMatch<'_>) -> String {
    format!(
        "Press {key} for {}, extension {}",
        hit.spoken_name, hit.extension.extension_number
    )
}

/// The sentences for a list of choices, numbered from key 1.
pub fn read_back_choices(hits: &[DirectoryMatch<'_>]) -> Vec<String> {
    hits.iter()
        .take(MAX_CHOICES)
        .enumerate()
        .map(|(i, hit)| read_back(i + 1, hit))
        .collect()
}

/// The match a caller picked with `key` ('1'..='9') from offered choices.
pub fn choose<'h, 'a>(hits: &'h [DirectoryMatch<'a>], key: char) -> Option<&'h DirectoryMatch<'a>> {
    let index = key.to_digit(10)?.checked_sub(1)? as usize;
    hits.get(index).filter(|_| index < MAX_CHOICES)
}

/// The name searched: the contact's chosen name, falling back to the
/// display name so users created with `name` only can still be found.
fn search_name(extension: &Extension, by: SearchBy) -> &str {
    let (first, last) = extension.directory_name();
    let chosen = match by {
        SearchBy::LastName => last,
        SearchBy::FirstName => first,
    };
    chosen
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(&extension.name)
}

fn other_name(extension: &Extension, by: SearchBy) -> &str {
    let (first, last) = extension.directory_name();
    let other = match by {
        SearchBy::LastName => first,
        SearchBy::FirstName => last,
    };
    other.unwrap_or_default()
}

fn sort_key(extension: &Extension, by: SearchBy) -> (String, String, String) {
    (
        search_name(extension, by).to_lowercase(),
        other_name(extension, by).to_lowercase(),
        extension.extension_number.clone(),
    )
}

fn spoken_name(extension: &Extension) -> String {
    let (first, last) = extension.directory_name();
    let parts: Vec<&str> = [first, last]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        extension.name.clone()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contact, ExtensionStatus};
    use crate::rules::test_support::user;

    fn numbers(hits: &[DirectoryMatch<'_>]) -> Vec<String> {
        hits.iter()
            .map(|h| h.extension.extension_number.clone())
            .collect()
    }

    #[test]
    fn keypad_follows_the_e161_layout() {
        assert_eq!(
            keypad_digits("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            "22233344455566677778889999"
        );
        assert_eq!(keypad_digits("O'Brien-Smith"), "62743676484");
        assert_eq!(keypad_digit('1'), None);
    }

    #[test]
    fn search_by_last_name_finds_the_prefix_ignoring_case() {
        let all = [
            user(1, "101", "John", "Smith"),
            user(2, "102", "Ann", "Jones"),
        ];

        let hits = search(&all, "764", SearchBy::LastName);

        assert_eq!(numbers(&hits), ["101"]);
    }

    #[test]
    fn search_by_first_name_uses_the_first_name() {
        let all = [
            user(1, "101", "John", "Smith"),
            user(2, "102", "Ann", "Jones"),
        ];

        assert_eq!(numbers(&search(&all, "266", SearchBy::FirstName)), ["102"]);
        assert!(search(&all, "266", SearchBy::LastName).is_empty());
    }

    #[test]
    fn ties_on_last_name_are_ordered_by_first_name_then_extension_number() {
        let all = [
            user(1, "103", "Zoe", "Smith"),
            user(2, "102", "Adam", "Smith"),
            user(3, "101", "Adam", "Smith"),
            user(4, "104", "Bob", "Smythe"),
        ];

        let hits = search(&all, "76", SearchBy::LastName);

        assert_eq!(numbers(&hits), ["101", "102", "103", "104"]);
    }

    #[test]
    fn disabled_hidden_and_non_user_extensions_are_not_listed() {
        let mut disabled = user(1, "101", "John", "Smith");
        disabled.status = ExtensionStatus::Disabled;
        let mut hidden = user(2, "102", "Jane", "Smith");
        hidden.hidden = true;
        let mut department = user(3, "103", "Sales", "Smith");
        department.extension_type = ExtensionType::Department;

        let all = [disabled, hidden, department];

        assert_eq!(
            lookup(&all, "7", SearchBy::LastName),
            DirectoryOutcome::NoMatch
        );
    }

    #[test]
    fn empty_digits_match_nobody() {
        let all = [user(1, "101", "John", "Smith")];

        assert!(search(&all, "", SearchBy::LastName).is_empty());
    }

    #[test]
    fn a_single_match_is_read_back_with_its_extension_number() {
        let all = [user(1, "101", "John", "Smith")];

        let DirectoryOutcome::Single(hit) = lookup(&all, "7648", SearchBy::LastName) else {
            panic!("expected one match");
        };

        assert_eq!(read_back(1, &hit), "Press 1 for John Smith, extension 101");
    }

    #[test]
    fn several_matches_are_offered_on_keys_one_upwards() {
        let all = [
            user(1, "101", "John", "Smith"),
            user(2, "102", "Ann", "Smith"),
        ];

        let DirectoryOutcome::Choices(hits) = lookup(&all, "7", SearchBy::LastName) else {
            panic!("expected choices");
        };

        assert_eq!(
            read_back_choices(&hits),
            [
                "Press 1 for Ann Smith, extension 102",
                "Press 2 for John Smith, extension 101"
            ]
        );
        assert_eq!(choose(&hits, '2').map(|h| h.extension.id), Some(1));
        assert_eq!(choose(&hits, '0'), None);
        assert_eq!(choose(&hits, '3'), None);
        assert_eq!(choose(&hits, '#'), None);
    }

    #[test]
    fn more_than_nine_matches_ask_for_more_letters() {
        let all: Vec<Extension> = (0..10)
            .map(|i| user(i, &format!("1{i:02}"), "Pat", "Smith"))
            .collect();

        assert_eq!(
            lookup(&all, "7", SearchBy::LastName),
            DirectoryOutcome::TooMany { count: 10 }
        );
    }

    #[test]
    fn a_user_without_contact_names_is_found_by_display_name() {
        let mut bare = user(1, "101", "", "");
        bare.contact = Contact::default();
        bare.name = "Reception".to_owned();

        let hits = search(std::slice::from_ref(&bare), "7323", SearchBy::LastName);

        assert_eq!(
            hits.first().map(|h| h.spoken_name.as_str()),
            Some("Reception")
        );
    }
}
