//! The `accounts` table.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::{AccountRole, AccountStatus, Email, UserId};
use crate::schema::users::accounts;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
pub struct Account {
    pub id: UserId,
    pub email: String,
    /// `None` for an account made by signing in with an identity provider.
    pub password_hash: Option<String>,
    pub status: AccountStatus,
    pub role: AccountRole,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// Set once the person was erased: the account holds no personal data any more.
    pub erased_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub password_hash: Option<&'a str>,
    pub status: AccountStatus,
    pub role: AccountRole,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The named changes an account goes through.
pub enum AccountUpdate {
    /// The email address was proven: the account becomes ACTIVE.
    EmailVerified { at: DateTime<Utc> },
    /// An identity provider proved the email of a PENDING account: it becomes ACTIVE, and the
    /// password set by whoever registered without proving the email is dropped.
    ClaimedThroughProvider { at: DateTime<Utc> },
    /// The owner set a new password (its Argon2id hash).
    PasswordChanged {
        password_hash: String,
        at: DateTime<Utc>,
    },
    /// An admin gave the account another role.
    RoleChanged {
        role: AccountRole,
        at: DateTime<Utc>,
    },
    /// An admin or a moderation decision moved the account to `status`; DELETED also
    /// stamps the deletion time.
    StatusChanged {
        status: AccountStatus,
        at: DateTime<Utc>,
    },
    /// The person was erased: the email becomes `placeholder` (so the address is free to
    /// register again), the password goes, and the account is DELETED (since `deleted_at`).
    Erased {
        placeholder: String,
        deleted_at: DateTime<Utc>,
        at: DateTime<Utc>,
    },
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = accounts)]
struct AccountChangeset {
    email: Option<String>,
    status: Option<AccountStatus>,
    password_hash: Option<Option<String>>,
    role: Option<AccountRole>,
    deleted_at: Option<Option<DateTime<Utc>>>,
    email_verified_at: Option<Option<DateTime<Utc>>>,
    erased_at: Option<Option<DateTime<Utc>>>,
    updated_at: Option<DateTime<Utc>>,
}

impl From<AccountUpdate> for AccountChangeset {
    fn from(update: AccountUpdate) -> Self {
        match update {
            AccountUpdate::EmailVerified { at } => AccountChangeset {
                status: Some(AccountStatus::Active),
                email_verified_at: Some(Some(at)),
                updated_at: Some(at),
                ..AccountChangeset::default()
            },
            AccountUpdate::ClaimedThroughProvider { at } => AccountChangeset {
                status: Some(AccountStatus::Active),
                password_hash: Some(None),
                email_verified_at: Some(Some(at)),
                updated_at: Some(at),
                ..AccountChangeset::default()
            },
            AccountUpdate::PasswordChanged { password_hash, at } => AccountChangeset {
                password_hash: Some(Some(password_hash)),
                updated_at: Some(at),
                ..AccountChangeset::default()
            },
            AccountUpdate::RoleChanged { role, at } => AccountChangeset {
                role: Some(role),
                updated_at: Some(at),
                ..AccountChangeset::default()
            },
            AccountUpdate::StatusChanged { status, at } => AccountChangeset {
                status: Some(status),
                deleted_at: (status == AccountStatus::Deleted).then_some(Some(at)),
                updated_at: Some(at),
                ..AccountChangeset::default()
            },
            AccountUpdate::Erased {
                placeholder,
                deleted_at,
                at,
            } => AccountChangeset {
                email: Some(placeholder),
                status: Some(AccountStatus::Deleted),
                password_hash: Some(None),
                deleted_at: Some(Some(deleted_at)),
                erased_at: Some(Some(at)),
                updated_at: Some(at),
                ..AccountChangeset::default()
            },
        }
    }
}

/// Inserts `account` unless its email is taken, in which case it returns `None`.
pub async fn insert_unless_email_taken(
    conn: &mut AsyncPgConnection,
    account: &NewAccount<'_>,
) -> Result<Option<Account>, StoreError> {
    diesel::insert_into(accounts::table)
        .values(account)
        .on_conflict(accounts::email)
        .do_nothing()
        .returning(Account::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

pub async fn email_taken(conn: &mut AsyncPgConnection, email: &Email) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        accounts::table.filter(accounts::email.eq(email.as_str())),
    ))
    .get_result(conn)
    .await?)
}

pub async fn find(conn: &mut AsyncPgConnection, id: UserId) -> Result<Option<Account>, StoreError> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .await
        .optional_row()
}

pub async fn find_by_email(
    conn: &mut AsyncPgConnection,
    email: &Email,
) -> Result<Option<Account>, StoreError> {
    accounts::table
        .filter(accounts::email.eq(email.as_str()))
        .select(Account::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// Reads and locks the account until the end of the transaction.
pub async fn find_for_update(
    conn: &mut AsyncPgConnection,
    id: UserId,
) -> Result<Option<Account>, StoreError> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .for_update()
        .first(conn)
        .await
        .optional_row()
}

/// Reads and locks the account until the end of the transaction.
pub async fn find_by_email_for_update(
    conn: &mut AsyncPgConnection,
    email: &Email,
) -> Result<Option<Account>, StoreError> {
    accounts::table
        .filter(accounts::email.eq(email.as_str()))
        .select(Account::as_select())
        .for_update()
        .first(conn)
        .await
        .optional_row()
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: UserId,
    update: AccountUpdate,
) -> Result<Account, StoreError> {
    Ok(diesel::update(accounts::table.find(id))
        .set(AccountChangeset::from(update))
        .returning(Account::as_returning())
        .get_result(conn)
        .await?)
}
