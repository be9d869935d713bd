//! A fake OpenID Connect identity provider: it publishes its signing keys (one RSA key for
//! RS256, one P-256 key for ES256) as a JSON Web Key Set over plain HTTP on loopback, and signs
//! the ID tokens a test needs, good ones and every kind of bad one.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::EncodePrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub const CLIENT_ID: &str = "circle-test-client";

/// The claims of an ID token; [`FakeProvider::claims`] fills in good defaults.
#[derive(Clone, Debug, Serialize)]
pub struct IdClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub iat: u64,
    pub exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
}

/// Which of the provider's keys signs a token.
#[derive(Clone, Copy, Debug)]
pub enum Signer {
    Rs256,
    Es256,
}

struct SigningKey {
    kid: String,
    key: EncodingKey,
}

pub struct FakeProvider {
    addr: SocketAddr,
    issuer: String,
    rsa: Mutex<SigningKey>,
    ec: SigningKey,
    published: Arc<Mutex<Vec<serde_json::Value>>>,
    fetches: Arc<AtomicUsize>,
    server: JoinHandle<()>,
}

impl FakeProvider {
    /// Generates the keys and serves the key set at `http://127.0.0.1:<port>/jwks`.
    pub async fn start(name: &str) -> FakeProvider {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("a bound address");
        let (rsa, rsa_jwk) = rsa_key(&format!("{name}-rsa-1"));
        let (ec, ec_jwk) = ec_key(&format!("{name}-ec-1"));
        let published = Arc::new(Mutex::new(vec![rsa_jwk, ec_jwk]));
        let fetches = Arc::new(AtomicUsize::new(0));
        let server = tokio::spawn(serve(listener, published.clone(), fetches.clone()));
        FakeProvider {
            addr,
            issuer: format!("https://{name}.idp.test"),
            rsa: Mutex::new(rsa),
            ec,
            published,
            fetches,
            server,
        }
    }

    pub fn jwks_url(&self) -> String {
        format!("http://{}/jwks", self.addr)
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn client_id(&self) -> &str {
        CLIENT_ID
    }

    /// How many times the key set was fetched.
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    /// Good claims for `subject` with a verified `email`, valid for ten minutes.
    pub fn claims(&self, subject: &str, email: &str) -> IdClaims {
        let now = now();
        IdClaims {
            iss: self.issuer.clone(),
            aud: CLIENT_ID.to_owned(),
            sub: subject.to_owned(),
            iat: now,
            exp: now + 600,
            email: Some(email.to_owned()),
            email_verified: Some(true),
        }
    }

    /// `claims` signed with the provider's RSA key (RS256).
    pub fn token(&self, claims: &IdClaims) -> String {
        self.sign(claims, Signer::Rs256)
    }

    pub fn sign(&self, claims: &IdClaims, signer: Signer) -> String {
        match signer {
            Signer::Rs256 => encode(&self.rsa.lock().unwrap(), Algorithm::RS256, claims),
            Signer::Es256 => encode(&self.ec, Algorithm::ES256, claims),
        }
    }

    /// `claims` signed by an unpublished key under the kid of the published RSA key: a token
    /// whose signature does not verify.
    pub fn forged_token(&self, claims: &IdClaims) -> String {
        let kid = self.rsa.lock().unwrap().kid.clone();
        let (forger, _) = rsa_key(&kid);
        encode(&forger, Algorithm::RS256, claims)
    }

    /// Publishes a new RSA key under a new kid and signs RS256 tokens with it from now on (the
    /// old key stays published).
    pub fn rotate_rsa_key(&self) {
        let mut rsa = self.rsa.lock().unwrap();
        let (next, jwk) = rsa_key(&format!("{}-next", rsa.kid));
        self.published.lock().unwrap().push(jwk);
        *rsa = next;
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

fn encode(key: &SigningKey, algorithm: Algorithm, claims: &IdClaims) -> String {
    let mut header = Header::new(algorithm);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &key.key).expect("the token signs")
}

fn rsa_key(kid: &str) -> (SigningKey, serde_json::Value) {
    let private =
        rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key generates");
    let der = private.to_pkcs1_der().expect("the RSA key encodes");
    let jwk = serde_json::json!({
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
    });
    let key = EncodingKey::from_rsa_der(der.as_bytes());
    (
        SigningKey {
            kid: kid.to_owned(),
            key,
        },
        jwk,
    )
}

fn ec_key(kid: &str) -> (SigningKey, serde_json::Value) {
    let secret = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
    let point = secret.public_key().to_encoded_point(false);
    let jwk = serde_json::json!({
        "kty": "EC",
        "use": "sig",
        "alg": "ES256",
        "crv": "P-256",
        "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(point.x().expect("an uncompressed point")),
        "y": URL_SAFE_NO_PAD.encode(point.y().expect("an uncompressed point")),
    });
    let der = secret.to_pkcs8_der().expect("the EC key encodes");
    let key = EncodingKey::from_ec_der(der.as_bytes());
    (
        SigningKey {
            kid: kid.to_owned(),
            key,
        },
        jwk,
    )
}

/// Answers every request with the published key set, one request per connection.
async fn serve(
    listener: TcpListener,
    published: Arc<Mutex<Vec<serde_json::Value>>>,
    fetches: Arc<AtomicUsize>,
) {
    while let Ok((mut stream, _)) = listener.accept().await {
        let published = published.clone();
        let fetches = fetches.clone();
        tokio::spawn(async move {
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(read) => request.extend_from_slice(&buffer[..read]),
                }
            }
            fetches.fetch_add(1, Ordering::SeqCst);
            let keys = published.lock().unwrap().clone();
            let body = serde_json::json!({ "keys": keys }).to_string();
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}
