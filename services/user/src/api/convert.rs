//! Requests into domain inputs (naming the bad field), domain results into messages.

use circle_core::wire::{timestamp, uuid};
use circle_proto::user::v1 as pb;

use crate::authentication::{ClientDetails, Credentials};
use crate::domain::{
    AccountRole, AccountStatus, Email, NewPassword, PasswordAttempt, RefreshSecret, UserId,
    VerificationCode,
};
use crate::error::Error;
use crate::registration::{EmailVerification, Registration};
use crate::store::accounts::Account;
use crate::tokens::TokenPair;

const MAX_ADDRESS_LENGTH: usize = 64;
const MAX_USER_AGENT_LENGTH: usize = 512;
const MAX_DEVICE_LENGTH: usize = 128;

impl TryFrom<pb::RegisterRequest> for Registration {
    type Error = Error;

    fn try_from(request: pb::RegisterRequest) -> Result<Self, Error> {
        let pb::RegisterRequest { email, password } = request;
        let email = Email::parse(&email).map_err(|reason| Error::invalid("email", reason))?;
        let password = NewPassword::parse(password, &email)
            .map_err(|reason| Error::invalid("password", reason))?;
        Ok(Registration { email, password })
    }
}

impl TryFrom<pb::VerifyEmailRequest> for EmailVerification {
    type Error = Error;

    fn try_from(request: pb::VerifyEmailRequest) -> Result<Self, Error> {
        let pb::VerifyEmailRequest { email, code } = request;
        Ok(EmailVerification {
            email: Email::parse(&email).map_err(|reason| Error::invalid("email", reason))?,
            code: VerificationCode::parse(&code)
                .map_err(|reason| Error::invalid("code", reason))?,
        })
    }
}

impl TryFrom<pb::LoginRequest> for Credentials {
    type Error = Error;

    fn try_from(request: pb::LoginRequest) -> Result<Self, Error> {
        let pb::LoginRequest {
            email,
            password,
            client,
        } = request;
        Ok(Credentials {
            email: Email::parse(&email).map_err(|reason| Error::invalid("email", reason))?,
            password: PasswordAttempt::parse(password)
                .map_err(|reason| Error::invalid("password", reason))?,
            client: client.map(ClientDetails::from).unwrap_or_default(),
        })
    }
}

/// A refresh request: the presented token, and where it comes from.
pub struct RefreshCall {
    pub token: RefreshSecret,
    pub client: ClientDetails,
}

impl TryFrom<pb::RefreshTokenRequest> for RefreshCall {
    type Error = Error;

    fn try_from(request: pb::RefreshTokenRequest) -> Result<Self, Error> {
        let pb::RefreshTokenRequest {
            refresh_token,
            client,
        } = request;
        Ok(RefreshCall {
            token: RefreshSecret::presented(refresh_token)
                .map_err(|reason| Error::invalid("refresh_token", reason))?,
            client: client.map(ClientDetails::from).unwrap_or_default(),
        })
    }
}

pub fn user_id(request: pb::GetUserRequest) -> Result<UserId, tonic::Status> {
    let pb::GetUserRequest { user_id } = request;
    uuid("user_id", &user_id).map(UserId::from)
}

impl From<pb::ClientInfo> for ClientDetails {
    /// Client details are informational: blanks become absent, overlong values are cut.
    fn from(client: pb::ClientInfo) -> Self {
        let pb::ClientInfo {
            address,
            user_agent,
            device,
        } = client;
        ClientDetails {
            address: informational(address, MAX_ADDRESS_LENGTH),
            user_agent: informational(user_agent, MAX_USER_AGENT_LENGTH),
            device: informational(device, MAX_DEVICE_LENGTH),
        }
    }
}

fn informational(value: String, max_chars: usize) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.chars().take(max_chars).collect())
}

impl From<Account> for pb::User {
    fn from(account: Account) -> Self {
        pb::User {
            id: account.id.to_string(),
            email: account.email,
            status: pb::UserStatus::from(account.status).into(),
            role: pb::UserRole::from(account.role).into(),
            create_time: Some(timestamp(account.created_at)),
            update_time: Some(timestamp(account.updated_at)),
            email_verify_time: account.email_verified_at.map(timestamp),
        }
    }
}

impl From<AccountStatus> for pb::UserStatus {
    fn from(status: AccountStatus) -> Self {
        match status {
            AccountStatus::Pending => pb::UserStatus::Pending,
            AccountStatus::Active => pb::UserStatus::Active,
            AccountStatus::Inactive => pb::UserStatus::Inactive,
            AccountStatus::Suspended => pb::UserStatus::Suspended,
            AccountStatus::Deleted => pb::UserStatus::Deleted,
        }
    }
}

impl From<AccountRole> for pb::UserRole {
    fn from(role: AccountRole) -> Self {
        match role {
            AccountRole::User => pb::UserRole::User,
            AccountRole::TribeCreator => pb::UserRole::TribeCreator,
            AccountRole::Admin => pb::UserRole::Admin,
        }
    }
}

impl From<TokenPair> for pb::TokenPair {
    fn from(pair: TokenPair) -> Self {
        pb::TokenPair {
            access_token: pair.access_token,
            access_token_expire_time: Some(timestamp(pair.access_expires_at)),
            refresh_token: pair.refresh_token.into_string(),
            refresh_token_expire_time: Some(timestamp(pair.refresh_expires_at)),
        }
    }
}

/// A JSON value as a protobuf `Value` (numbers become doubles, as in JSON's own model).
pub(super) fn json_value(value: serde_json::Value) -> prost_types::Value {
    use prost_types::value::Kind;
    let kind = match value {
        serde_json::Value::Null => Kind::NullValue(0),
        serde_json::Value::Bool(flag) => Kind::BoolValue(flag),
        serde_json::Value::Number(number) => Kind::NumberValue(number.as_f64().unwrap_or_default()),
        serde_json::Value::String(text) => Kind::StringValue(text),
        serde_json::Value::Array(items) => Kind::ListValue(prost_types::ListValue {
            values: items.into_iter().map(json_value).collect(),
        }),
        serde_json::Value::Object(fields) => Kind::StructValue(prost_types::Struct {
            fields: fields
                .into_iter()
                .map(|(key, value)| (key, json_value(value)))
                .collect(),
        }),
    };
    prost_types::Value { kind: Some(kind) }
}

/// A JSON object as a protobuf `Struct`; anything else (never stored) as an empty one.
pub(super) fn json_struct(value: serde_json::Value) -> prost_types::Struct {
    match json_value(value).kind {
        Some(prost_types::value::Kind::StructValue(fields)) => fields,
        _ => prost_types::Struct::default(),
    }
}

/// A protobuf `Struct` as a JSON object. Values without a kind, and numbers JSON cannot hold
/// (NaN, infinities), are refused naming `field`.
pub(super) fn struct_json(
    field: &'static str,
    fields: prost_types::Struct,
) -> Result<serde_json::Value, Error> {
    fn value(field: &'static str, item: prost_types::Value) -> Result<serde_json::Value, Error> {
        use prost_types::value::Kind;
        Ok(match item.kind {
            None => return Err(Error::invalid(field, "holds a value without a kind")),
            Some(Kind::NullValue(_)) => serde_json::Value::Null,
            Some(Kind::BoolValue(flag)) => serde_json::Value::Bool(flag),
            Some(Kind::NumberValue(number)) => serde_json::Number::from_f64(number)
                .map(serde_json::Value::Number)
                .ok_or_else(|| Error::invalid(field, "holds a number JSON cannot hold"))?,
            Some(Kind::StringValue(text)) => serde_json::Value::String(text),
            Some(Kind::ListValue(list)) => serde_json::Value::Array(
                list.values
                    .into_iter()
                    .map(|item| value(field, item))
                    .collect::<Result<_, _>>()?,
            ),
            Some(Kind::StructValue(fields)) => struct_json(field, fields)?,
        })
    }
    Ok(serde_json::Value::Object(
        fields
            .fields
            .into_iter()
            .map(|(key, item)| Ok((key, value(field, item)?)))
            .collect::<Result<_, Error>>()?,
    ))
}
