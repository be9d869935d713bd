//! Passwords: the strength rules for new ones, Argon2id hashing and verification.
//!
//! Hashing is CPU-heavy, so it runs on the blocking pool, never on the async workers.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::Email;

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 128;
/// Longest password a login is checked against; longer ones cannot match any account.
const MAX_ATTEMPT_LENGTH: usize = 1024;
/// The Argon2id hash, with the default parameters, of a password no account has: logins of
/// unknown emails are checked against it, so they cost as much as real ones.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$M4MZtoLXCBBQzguvhyC23A$4eKpTHhGsaPuXJNJxYuhPsW0bhX9rDIjbo4KSu+n7cs";
/// A local part this short is too common a substring to forbid.
const MIN_FORBIDDEN_LOCAL_PART: usize = 3;

/// A password that satisfies the strength rules, about to be hashed.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: String, email: &Email) -> Result<NewPassword, &'static str> {
        let length = raw.chars().count();
        if length < MIN_LENGTH {
            return Err("must have at least 10 characters");
        }
        if length > MAX_LENGTH {
            return Err("must have at most 128 characters");
        }
        let local = email.local_part();
        if local.chars().count() >= MIN_FORBIDDEN_LOCAL_PART && raw.to_lowercase().contains(local) {
            return Err("must not contain the email address");
        }
        let mut chars = raw.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err("must not repeat one character");
        }
        Ok(NewPassword(raw))
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// A password presented at login.
pub struct PasswordAttempt(String);

impl PasswordAttempt {
    pub fn parse(raw: String) -> Result<PasswordAttempt, &'static str> {
        if raw.is_empty() {
            return Err("is required");
        }
        if raw.len() > MAX_ATTEMPT_LENGTH {
            return Err("is too long");
        }
        Ok(PasswordAttempt(raw))
    }

    /// Whether this attempt is exactly `raw`.
    pub fn is(&self, raw: &str) -> bool {
        self.0 == raw
    }
}

impl std::fmt::Debug for PasswordAttempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordAttempt(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashingError {
    #[error("password hashing failed: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("stored password hash is unreadable: {0}")]
    StoredHash(argon2::password_hash::Error),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The Argon2id hash (PHC string) of `password`, with a fresh salt.
pub async fn hash(password: NewPassword) -> Result<String, HashingError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password.0)).await?
}

/// Whether `attempt` matches `stored`; with no stored hash (unknown account), a hash of the
/// same cost is still checked, so the answer takes as long either way.
pub async fn verify(
    stored: Option<String>,
    attempt: PasswordAttempt,
) -> Result<bool, HashingError> {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_blocking(&stored, &attempt.0),
        None => {
            verify_blocking(DUMMY_HASH, &attempt.0)?;
            Ok(false)
        }
    })
    .await?
}

fn hash_blocking(password: &str) -> Result<String, HashingError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(HashingError::Hash)
}

fn verify_blocking(stored: &str, attempt: &str) -> Result<bool, HashingError> {
    let parsed = PasswordHash::new(stored).map_err(HashingError::StoredHash)?;
    match Argon2::default().verify_password(attempt.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(err) => Err(HashingError::StoredHash(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email::parse("grace.hopper@example.org").unwrap()
    }

    #[test]
    fn strength_rules() {
        assert!(NewPassword::parse("short-pw1".into(), &email()).is_err());
        assert!(NewPassword::parse("x".repeat(129), &email()).is_err());
        assert!(NewPassword::parse("aaaaaaaaaaaa".into(), &email()).is_err());
        assert!(NewPassword::parse("my Grace.Hopper pass".into(), &email()).is_err());
        assert!(NewPassword::parse("correct horse battery".into(), &email()).is_ok());
        assert!(NewPassword::parse("ünïcödé-10".into(), &email()).is_ok());
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_hash_costs() {
        let real = hash_blocking("any password at all").unwrap();
        let real = PasswordHash::new(&real).unwrap();
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let stored = hash(NewPassword::parse("correct horse battery".into(), &email()).unwrap())
            .await
            .unwrap();
        assert!(stored.starts_with("$argon2id$"));
        let attempt = |raw: &str| PasswordAttempt::parse(raw.to_owned()).unwrap();
        assert!(
            verify(Some(stored.clone()), attempt("correct horse battery"))
                .await
                .unwrap()
        );
        assert!(
            !verify(Some(stored), attempt("correct horse battery!"))
                .await
                .unwrap()
        );
        assert!(
            !verify(None, attempt("correct horse battery"))
                .await
                .unwrap()
        );
    }
}
