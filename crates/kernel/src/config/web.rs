//! The `[web]` section: the user web app served on the public listener.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    /// The built web app (`npm run build` in `web/` writes `web/dist`). When it holds an
    /// `index.html`, the public listener serves it for every path that is not an API
    /// route; empty, or a folder without `index.html`: the API only (e.g. when the app is
    /// hosted on Cloudflare Pages).
    pub dir: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { dir: "web/dist".into() }
    }
}
