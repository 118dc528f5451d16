//! Builders for the configuration the rule tests share.

use crate::model::{Contact, Extension, ExtensionStatus, ExtensionType};

/// An enabled, listed user extension with contact names.
pub fn user(id: i64, number: &str, first: &str, last: &str) -> Extension {
    Extension {
        id,
        extension_number: number.to_owned(),
        name: format!("{first} {last}"),
        contact: Contact {
            first_name: Some(first.to_owned()),
            last_name: Some(last.to_owned()),
            ..Contact::default()
        },
        extension_type: ExtensionType::User,
        status: ExtensionStatus::Enabled,
        regional_settings: None,
        ivr_pin: None,
        hidden: false,
    }
}

/// An enabled extension of another type, named `name`.
pub fn extension(id: i64, number: &str, extension_type: ExtensionType, name: &str) -> Extension {
    Extension {
        extension_type,
        name: name.to_owned(),
        contact: Contact::default(),
        ..user(id, number, "", "")
    }
}
