//! The services the console acts through, always over their internal APIs: the same
//! calls whether they run in this process or elsewhere (`internal.<service>_url`, or
//! this process's own staff listener at its bound address when empty). Their refusals (a 409, a 404, a 422)
//! reach the moderator as they are.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use yujie_kernel::{ErrorCode, Platform};

use crate::error::{AdminError, Result};

/// `text` as one path segment or query value of a peer URL: every byte but RFC 3986's
/// unreserved characters percent-encoded (so a space is `%20` and `+` stays a plus).
pub fn encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(byte).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// A peer's answer as the console's type; a peer that changed its shape is a 500 that
/// names it, not a page with holes.
pub fn decode<T: DeserializeOwned>(value: Value, what: &str) -> Result<T> {
    serde_json::from_value(value).map_err(|source| AdminError::PeerAnswerUnreadable { what: what.to_owned(), source })
}

#[derive(Clone)]
pub struct Peers {
    http: reqwest::Client,
    token: yujie_kernel::Secret,
    content: String,
    identity: String,
    billing: String,
    companion: String,
    /// The lexicon API is on every process's staff listener: this one's.
    safety: String,
}

fn base(configured: &str, own: &str, service: &str) -> String {
    let base = if configured.is_empty() { own } else { configured };
    format!("{}/internal/{service}", base.trim_end_matches('/'))
}

impl Peers {
    pub fn new(platform: &Platform) -> Self {
        let internal = &platform.config.internal;
        Self {
            http: platform.http_client.clone(),
            token: internal.token.clone(),
            content: base(&internal.content_url, &platform.staff_local_url, "content"),
            identity: base(&internal.identity_url, &platform.staff_local_url, "identity"),
            billing: base(&internal.billing_url, &platform.staff_local_url, "billing"),
            companion: base(&internal.companion_url, &platform.staff_local_url, "companion"),
            safety: base("", &platform.staff_local_url, "safety"),
        }
    }

    pub async fn content(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        self.call(method, &format!("{}{path}", self.content), body).await
    }

    pub async fn identity(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        self.call(method, &format!("{}{path}", self.identity), body).await
    }

    pub async fn billing(&self, method: Method, path: &str) -> Result<Value> {
        self.call(method, &format!("{}{path}", self.billing), None).await
    }

    pub async fn companion(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        self.call(method, &format!("{}{path}", self.companion), body).await
    }

    pub async fn safety(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        self.call(method, &format!("{}{path}", self.safety), body).await
    }

    /// A lexicon import: a `text/plain` body.
    pub async fn safety_import(&self, query: &str, text: String) -> Result<Value> {
        let url = format!("{}/words/import?{query}", self.safety);
        let request = self.http.post(&url).bearer_auth(self.token.expose());
        let request = request.header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8").body(text);
        self.answer(request, &url).await
    }

    async fn call(&self, method: Method, url: &str, body: Option<&Value>) -> Result<Value> {
        let mut request = self.http.request(method, url).bearer_auth(self.token.expose());
        if let Some(body) = body {
            request = request.json(body);
        }
        self.answer(request, url).await
    }

    async fn answer(&self, request: reqwest::RequestBuilder, url: &str) -> Result<Value> {
        let response = request.send().await.map_err(AdminError::PeerUnreachable)?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(body);
        }
        let code = body["code"].as_str().and_then(|code| ErrorCode::ALL.iter().find(|known| known.code() == code));
        match code {
            Some(code) if status.is_client_error() => {
                Err(AdminError::PeerRefused { code: *code, detail: body["detail"].as_str().map(str::to_owned) })
            }
            _ => Err(AdminError::PeerFailed { url: url.to_owned(), status: status.as_u16() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::encoded;

    #[test]
    fn a_value_is_one_segment_whatever_it_holds() {
        assert_eq!(encoded("a-Z_0.9~"), "a-Z_0.9~");
        assert_eq!(encoded("赌 球+/?&#%"), "%E8%B5%8C%20%E7%90%83%2B%2F%3F%26%23%25");
    }
}
