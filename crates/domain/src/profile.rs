//! The resident's profile ("fill once"): contact details, address, household and preferences.
//! Forms are prefilled from it, so nothing here is typed twice.
use crate::ids::ResidentId;

use super::validation::{FieldError, Problem, is_email, normalize_mobile, too_long};
use serde::{Deserialize, Serialize};

pub const ADDRESS_MAX_CHARS: u32 = 255;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HouseholdMember {
    pub name: String,
    /// head, spouse, child, parent, other
    pub relation: Option<String>,
    pub age: u32,
    /// This member gave consent for the resident to apply on their behalf (代办).
    pub consents_to_me: bool,
    /// The resident lets this member apply on their behalf.
    pub i_consent: bool,
    /// Opaque handle for consent changes (the member's resident id).
    pub member_id: ResidentId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Profile {
    pub name: String,
    /// Shown masked to staff; to the resident in full.
    pub id_number: String,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub address: String,
    pub region: String,
    pub language: String,
    pub elderly_mode: bool,
    /// Consent to proactive messages about services (事项找人).
    pub notify_consent: bool,
    pub household: Vec<HouseholdMember>,
}

/// The editable part of the profile, as the form sends it. Changing the mobile number needs
/// the password again and a one-time code sent to the new number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProfileUpdate {
    pub mobile: String,
    #[serde(default)]
    pub email: String,
    pub address: String,
    #[serde(default)]
    pub language: String,
    #[serde(default, deserialize_with = "checkbox")]
    pub elderly_mode: bool,
    #[serde(default, deserialize_with = "checkbox")]
    pub notify_consent: bool,
    /// Required only when the mobile number changes.
    #[serde(default)]
    pub current_password: String,
    /// The code sent to the new number (purpose `change_mobile`); only when it changes.
    #[serde(default)]
    pub code: String,
}

/// An HTML checkbox sends "on" when ticked and nothing when not; JSON clients send a bool.
pub(crate) fn checkbox<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Bool(bool),
        Text(String),
    }
    Ok(match Value::deserialize(deserializer)? {
        Value::Bool(b) => b,
        Value::Text(s) => matches!(s.as_str(), "on" | "true" | "1" | "yes"),
    })
}

/// A profile update that passed the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidProfileUpdate {
    pub mobile: String,
    pub email: Option<String>,
    pub address: String,
    pub language: String,
    pub elderly_mode: bool,
    pub notify_consent: bool,
}

impl ProfileUpdate {
    pub fn validate(&self) -> Result<ValidProfileUpdate, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mobile = normalize_mobile(&self.mobile);
        if self.mobile.trim().is_empty() {
            errors.push(FieldError::new("mobile", Problem::Required));
        } else if mobile.is_none() {
            errors.push(FieldError::new("mobile", Problem::InvalidMobile));
        }
        let email = self.email.trim();
        if !email.is_empty() && !is_email(email) {
            errors.push(FieldError::new("email", Problem::InvalidEmail));
        }
        let address = self.address.trim();
        if address.is_empty() {
            errors.push(FieldError::new("address", Problem::Required));
        } else if too_long(address, ADDRESS_MAX_CHARS) {
            errors.push(FieldError::new(
                "address",
                Problem::TooLong {
                    max: ADDRESS_MAX_CHARS,
                },
            ));
        }
        let language = match self.language.as_str() {
            "" | "zh-CN" => "zh-CN",
            "en" => "en",
            _ => {
                errors.push(FieldError::new("language", Problem::NotAnOption));
                "zh-CN"
            }
        };
        match mobile {
            Some(mobile) if errors.is_empty() => Ok(ValidProfileUpdate {
                mobile,
                email: (!email.is_empty()).then(|| email.to_owned()),
                address: address.to_owned(),
                language: language.to_owned(),
                elderly_mode: self.elderly_mode,
                notify_consent: self.notify_consent,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_update_is_normalized() {
        let update = ProfileUpdate {
            mobile: "139 0000 0002".into(),
            email: " ".into(),
            address: " 西湖区文三路 1 号 ".into(),
            language: "en".into(),
            elderly_mode: true,
            notify_consent: false,
            current_password: String::new(),
            code: String::new(),
        };
        let valid = update.validate().unwrap();
        assert_eq!(valid.mobile, "13900000002");
        assert_eq!(valid.email, None);
        assert_eq!(valid.address, "西湖区文三路 1 号");
        assert_eq!(valid.language, "en");
    }

    #[test]
    fn bad_fields_are_all_reported() {
        let errors = ProfileUpdate {
            mobile: "123".into(),
            email: "nobody".into(),
            address: String::new(),
            language: "fr".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["mobile", "email", "address", "language"]);
    }

    #[test]
    fn checkboxes_read_from_forms_and_json() {
        let form: ProfileUpdate =
            serde_json::from_str(r#"{"mobile":"1","address":"a","elderly_mode":"on"}"#).unwrap();
        assert!(form.elderly_mode && !form.notify_consent);
        let json: ProfileUpdate =
            serde_json::from_str(r#"{"mobile":"1","address":"a","notify_consent":true}"#).unwrap();
        assert!(json.notify_consent && !json.elderly_mode);
    }
}
