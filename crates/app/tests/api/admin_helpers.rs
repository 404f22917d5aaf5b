//! Staff sign-in for the console tests: the browser's walk through the OIDC
//! authorization code flow, against the OIDC stand-in, over real HTTP.

use reqwest::{header, redirect::Policy, Method, StatusCode};
use serde_json::Value;

use crate::helpers::TestApp;

/// A signed-in staff browser: its session cookie and its CSRF token.
pub struct StaffBrowser {
    pub http: reqwest::Client,
    pub cookie: String,
    pub csrf: String,
    pub me: Value,
}

/// A client that does not follow redirects, like a test of each hop.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

impl TestApp {
    /// The stand-in's authorization page for a fresh sign-in, and the URL it was at.
    pub async fn staff_authorize_url(&self, http: &reqwest::Client) -> String {
        let login = http.get(format!("{}/staff/admin/auth/login", self.staff)).send().await.unwrap();
        assert_eq!(login.status(), StatusCode::SEE_OTHER, "login sends the browser to the provider");
        location(&login)
    }

    /// The provider's answer once `identity` is chosen: a redirect to the callback.
    pub async fn choose_identity(&self, http: &reqwest::Client, authorize_url: &str, identity: &str) -> String {
        let page = http.get(authorize_url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let query: Vec<(String, String)> = url::Url::parse(authorize_url)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut form = query.clone();
        form.push(("identity".into(), identity.into()));
        let chosen = http.post(authorize_url.split('?').next().unwrap()).form(&form).send().await.unwrap();
        assert_eq!(chosen.status(), StatusCode::FOUND, "{}", chosen.text().await.unwrap());
        location(&chosen)
    }

    /// Signs a staff identity of the OIDC stand-in in, all the way to a session.
    pub async fn staff_sign_in(&self, identity: &str) -> StaffBrowser {
        let http = no_redirects();
        let authorize = self.staff_authorize_url(&http).await;
        let callback = self.choose_identity(&http, &authorize, identity).await;
        let answer = http.get(&callback).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{}", answer.text().await.unwrap());
        let cookie = answer.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        let me: Value = http
            .get(format!("{}/staff/admin/me", self.staff))
            .header(header::COOKIE, &cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let csrf = me["csrf_token"].as_str().unwrap().to_owned();
        StaffBrowser { http, cookie, csrf, me }
    }
}

impl StaffBrowser {
    /// A console request with the session cookie and, unless `csrf` is false, the token.
    pub async fn send(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
        body: Option<Value>,
        csrf: bool,
    ) -> reqwest::Response {
        let mut request =
            self.http.request(method, format!("{}/staff/admin{path}", app.staff)).header(header::COOKIE, &self.cookie);
        if csrf {
            request = request.header("x-csrf-token", &self.csrf);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }
}
