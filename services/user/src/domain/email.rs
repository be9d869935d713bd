//! An email address as accounts store it: trimmed, lowercased, of sane syntax.

const MAX_LENGTH: usize = 254;
const MAX_LOCAL_LENGTH: usize = 64;
const MAX_LABEL_LENGTH: usize = 63;
const LOCAL_SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Normalizes and checks `raw`; the error says what is wrong with it.
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("is required");
        }
        if email.len() > MAX_LENGTH {
            return Err("is longer than 254 characters");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("must contain @");
        };
        check_local(local)?;
        check_domain(domain)?;
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the @.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or(&self.0, |(local, _)| local)
    }
}

fn check_local(local: &str) -> Result<(), &'static str> {
    if local.is_empty() || local.len() > MAX_LOCAL_LENGTH {
        return Err("must have 1 to 64 characters before @");
    }
    if !local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c))
    {
        return Err("has a character not allowed before @");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("has a misplaced dot before @");
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), &'static str> {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("must have a domain with a dot after @");
    }
    for label in &labels {
        let valid = !label.is_empty()
            && label.len() <= MAX_LABEL_LENGTH
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !valid {
            return Err("has an invalid domain");
        }
    }
    let top = labels[labels.len() - 1];
    if top.len() < 2 || !top.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err("has an invalid top-level domain");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_and_space() {
        let email = Email::parse("  Ada.Lovelace+circle@Example.ORG \n").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace+circle@example.org");
        assert_eq!(email.local_part(), "ada.lovelace+circle");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for raw in [
            "",
            "   ",
            "plainaddress",
            "@example.org",
            "ada@",
            "ada@example",
            "ada@@example.org",
            "ada@exa mple.org",
            ".ada@example.org",
            "ada.@example.org",
            "a..da@example.org",
            "ada@-example.org",
            "ada@example..org",
            "ada@example.c",
            "ada@example.123",
            "ad(a)@example.org",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} was accepted");
        }
        let long_local = format!("{}@example.org", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
    }
}
