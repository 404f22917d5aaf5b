//! Signing of the RTC OpenAPI requests (Volcengine's HMAC-SHA256 request signature, the
//! same scheme as AWS SigV4 with its own names): a canonical request over the method,
//! path, query, the signed headers and the body's SHA-256, signed with a key derived
//! from the secret key, the date, the region and the service.

use ring::{digest, hmac};

pub const REGION: &str = "cn-north-1";
pub const SERVICE: &str = "rtc";
pub const SIGNED_HEADERS: &str = "content-type;host;x-content-sha256;x-date";

/// The headers to send: `X-Date`, `X-Content-Sha256` and `Authorization`.
pub struct Signed {
    pub x_date: String,
    pub content_sha256: String,
    pub authorization: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(digest::digest(&digest::SHA256, bytes))
}

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes()).as_ref().to_vec()
}

/// What is signed: a JSON POST to `host` + `path` with `query` (sorted and encoded).
pub struct Request<'a> {
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub body: &'a [u8],
}

pub fn sign(access_key: &str, secret_key: &str, request: &Request<'_>, x_date: &str) -> Signed {
    let Request { host, path, query, body } = request;
    let content_sha256 = sha256_hex(body);
    let canonical = format!(
        "POST\n{path}\n{query}\ncontent-type:application/json\nhost:{host}\nx-content-sha256:{content_sha256}\n\
         x-date:{x_date}\n\n{SIGNED_HEADERS}\n{content_sha256}"
    );
    let date = &x_date[..8.min(x_date.len())];
    let scope = format!("{date}/{REGION}/{SERVICE}/request");
    let to_sign = format!("HMAC-SHA256\n{x_date}\n{scope}\n{}", sha256_hex(canonical.as_bytes()));
    let key = [date, REGION, SERVICE, "request"]
        .iter()
        .fold(secret_key.as_bytes().to_vec(), |key, part| hmac_sha256(&key, part));
    let signature = hex::encode(hmac_sha256(&key, &to_sign));
    Signed {
        x_date: x_date.to_owned(),
        content_sha256,
        authorization: format!(
            "HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
        ),
    }
}
