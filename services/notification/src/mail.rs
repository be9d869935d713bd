//! The email channel: a small [`Mailer`] trait and a file sink that writes each message as an
//! RFC 5322 file, for development and tests. An SMTP mailer can implement the same trait.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

/// One email to send, identified by its delivery.
#[derive(Clone, Debug)]
pub struct EmailMessage {
    pub delivery_id: Uuid,
    pub to: String,
    pub subject: String,
    /// Plain text; line breaks may be `\n` or `\r\n`.
    pub body: String,
    pub date: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later (the sink or server is unreachable, full, not writable...).
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Retrying will not help (the message cannot be sent to this address).
    #[error("rejected: {0}")]
    Rejected(String),
}

/// Sends emails. Sending the same delivery twice must leave one message behind where the
/// channel allows it (the file sink writes `<delivery id>.eml`, so a retry replaces the file).
pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, message: &'a EmailMessage) -> BoxFuture<'a, Result<(), SendError>>;
}

/// Writes every message to `<dir>/<delivery id>.eml`, through a temporary file renamed into
/// place, so a reader never sees half a message. Creates `dir` when missing.
#[derive(Clone, Debug)]
pub struct FileMailer {
    dir: PathBuf,
    from: String,
}

impl FileMailer {
    pub fn new(dir: PathBuf, from: String) -> Self {
        Self { dir, from }
    }

    async fn write(&self, message: &EmailMessage) -> Result<(), SendError> {
        let text = render(message, &self.from)?;
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|err| transient("creating the mail folder", &err))?;
        let path = self.dir.join(format!("{}.eml", message.delivery_id));
        let temp = self
            .dir
            .join(format!(".{}.{}.tmp", message.delivery_id, Uuid::new_v4()));
        let written = async {
            let mut file = tokio::fs::File::create(&temp).await?;
            file.write_all(text.as_bytes()).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&temp, &path).await
        }
        .await;
        if let Err(err) = written {
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(transient("writing the message", &err));
        }
        Ok(())
    }
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, message: &'a EmailMessage) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(self.write(message))
    }
}

fn transient(doing: &str, err: &std::io::Error) -> SendError {
    SendError::Transient(format!("{doing}: {err}"))
}

/// The message as RFC 5322 text (CRLF line ends, UTF-8 body sent as 8bit).
pub fn render(message: &EmailMessage, from: &str) -> Result<String, SendError> {
    let EmailMessage {
        delivery_id,
        to,
        subject,
        body,
        date,
    } = message;
    if to.is_empty() || !to.contains('@') || to.chars().any(|c| c.is_control() || c == ',') {
        return Err(SendError::Rejected(format!(
            "{to:?} is not a single email address"
        )));
    }
    let mut text = String::with_capacity(body.len() + 512);
    for (name, value) in [
        ("Date", date.to_rfc2822()),
        ("From", from.to_owned()),
        ("To", to.clone()),
        ("Subject", encode_header_text(subject)),
        (
            "Message-ID",
            format!("<{delivery_id}@{}>", message_id_domain(from)),
        ),
        ("MIME-Version", "1.0".to_owned()),
        ("Content-Type", "text/plain; charset=utf-8".to_owned()),
        ("Content-Transfer-Encoding", "8bit".to_owned()),
    ] {
        text.push_str(name);
        text.push_str(": ");
        text.push_str(&value);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    for line in body.lines() {
        text.push_str(&line.replace('\r', ""));
        text.push_str("\r\n");
    }
    Ok(text)
}

/// The domain of the From address, for Message-IDs.
fn message_id_domain(from: &str) -> &str {
    from.rsplit_once('@')
        .map(|(_, rest)| rest.trim_end_matches(['>', ' ']))
        .filter(|domain| !domain.is_empty())
        .unwrap_or("circle.local")
}

/// Printable ASCII goes as is; anything else as RFC 2047 "Q" encoded words of at most 75
/// characters, folded onto continuation lines.
fn encode_header_text(value: &str) -> String {
    if value.len() <= 70 && value.chars().all(|c| matches!(c, ' '..='~')) {
        return value.to_owned();
    }
    const PREFIX: &str = "=?utf-8?Q?";
    const SUFFIX: &str = "?=";
    const MAX_WORD: usize = 75;
    let mut words = Vec::new();
    let mut word = String::new();
    for c in value.chars() {
        let mut encoded = String::new();
        if c == ' ' {
            encoded.push('_');
        } else if c.is_ascii_alphanumeric() || matches!(c, '!' | '*' | '+' | '-' | '/') {
            encoded.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                encoded.push_str(&format!("={byte:02X}"));
            }
        }
        if PREFIX.len() + word.len() + encoded.len() + SUFFIX.len() > MAX_WORD {
            words.push(std::mem::take(&mut word));
        }
        word.push_str(&encoded);
    }
    words.push(word);
    words
        .iter()
        .map(|word| format!("{PREFIX}{word}{SUFFIX}"))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(subject: &str, to: &str) -> EmailMessage {
        EmailMessage {
            delivery_id: Uuid::nil(),
            to: to.to_owned(),
            subject: subject.to_owned(),
            body: "Line one\nLine two".to_owned(),
            date: DateTime::from_timestamp(1_795_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn renders_headers_and_a_crlf_body() {
        let text = render(
            &message("Verify your email", "ada@example.com"),
            "Circle <no-reply@circle.local>",
        )
        .unwrap();
        assert!(text.starts_with("Date: "), "{text}");
        for header in [
            "From: Circle <no-reply@circle.local>\r\n",
            "To: ada@example.com\r\n",
            "Subject: Verify your email\r\n",
            "Message-ID: <00000000-0000-0000-0000-000000000000@circle.local>\r\n",
            "Content-Type: text/plain; charset=utf-8\r\n",
        ] {
            assert!(text.contains(header), "{header:?} missing in {text}");
        }
        assert!(text.ends_with("\r\n\r\nLine one\r\nLine two\r\n"), "{text}");
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "bare LF in {text}"
        );
    }

    #[test]
    fn non_ascii_subjects_are_encoded_words_of_legal_length() {
        let subject = "Prüfe deine E-Mail-Adresse, bevor der Code abläuft — bitte heute noch";
        let encoded = encode_header_text(subject);
        assert!(encoded.is_ascii(), "{encoded}");
        for word in encoded.split("\r\n ") {
            assert!(
                word.starts_with("=?utf-8?Q?") && word.ends_with("?="),
                "{word}"
            );
            assert!(word.len() <= 75, "{word}");
        }
        let injected = encode_header_text("Hi\r\nBcc: eve@example.com");
        assert!(injected.starts_with("=?utf-8?Q?Hi=0D=0ABcc"), "{injected}");
        assert!(
            !injected.replace("\r\n ", "").contains(['\r', '\n']),
            "{injected}"
        );
    }

    #[test]
    fn more_than_one_address_is_rejected() {
        let err = render(&message("Hi", "a@example.com, b@example.com"), "x@y").unwrap_err();
        assert!(matches!(err, SendError::Rejected(_)), "{err}");
    }
}
