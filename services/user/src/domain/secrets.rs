//! One-time secrets handed to people: email verification codes and refresh tokens. Only their
//! SHA-256 hashes are stored.

use rand::Rng;
use sha2::{Digest, Sha256};

use super::UserId;

/// A six-digit code sent by email.
pub struct VerificationCode(String);

impl VerificationCode {
    pub fn generate() -> VerificationCode {
        let value: u32 = rand::rng().random_range(0..1_000_000);
        VerificationCode(format!("{value:06}"))
    }

    pub fn parse(raw: &str) -> Result<VerificationCode, &'static str> {
        let code = raw.trim();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(VerificationCode(code.to_owned()))
        } else {
            Err("must be 6 digits")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The stored form, salted with the account it belongs to.
    pub fn hash(&self, user_id: UserId) -> String {
        let mut hasher = Sha256::new();
        hasher.update(user_id.as_uuid().as_bytes());
        hasher.update(self.0.as_bytes());
        hex::encode(hasher.finalize())
    }

    pub fn matches(&self, user_id: UserId, stored_hash: &str) -> bool {
        constant_time_eq(self.hash(user_id).as_bytes(), stored_hash.as_bytes())
    }
}

impl std::fmt::Debug for VerificationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerificationCode(<redacted>)")
    }
}

/// An opaque refresh token: 32 random bytes, hex-encoded.
pub struct RefreshSecret(String);

impl RefreshSecret {
    pub fn generate() -> RefreshSecret {
        let bytes: [u8; 32] = rand::rng().random();
        RefreshSecret(hex::encode(bytes))
    }

    /// A token presented by a client; whether it exists is for the store to say.
    pub fn presented(raw: String) -> Result<RefreshSecret, &'static str> {
        if raw.is_empty() {
            return Err("is required");
        }
        if raw.len() > 256 {
            return Err("is too long");
        }
        Ok(RefreshSecret(raw))
    }

    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for RefreshSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshSecret(<redacted>)")
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_salted_per_account() {
        let code = VerificationCode::generate();
        assert_eq!(code.as_str().len(), 6);
        assert!(VerificationCode::parse(code.as_str()).is_ok());
        let (ada, bob) = (UserId::generate(), UserId::generate());
        assert_ne!(code.hash(ada), code.hash(bob));
        assert!(code.matches(ada, &code.hash(ada)));
        assert!(!code.matches(bob, &code.hash(ada)));
        for raw in ["", "12345", "1234567", "12a456"] {
            assert!(VerificationCode::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn refresh_secrets_are_random_and_hashed() {
        let (a, b) = (RefreshSecret::generate(), RefreshSecret::generate());
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash().len(), 64);
        assert_eq!(a.0.len(), 64);
    }
}
