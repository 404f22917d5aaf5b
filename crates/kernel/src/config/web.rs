//! The `[web]` section: the user web app served on the public listener, and the staff
//! console served on the staff listener.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    /// The built web app (`npm run build` in `web/` writes `web/dist`). When it holds an
    /// `index.html`, the public listener serves it for every path that is not an API
    /// route; empty, or a folder without `index.html`: the API only (e.g. when the app is
    /// hosted on Cloudflare Pages).
    pub dir: String,
    /// The built staff console (`npm run build` in `web/` writes `web/dist-console`).
    /// When it holds an `index.html`, the staff listener serves it under `/staff/`, and
    /// never the public one; empty, or no `index.html`: the console API only.
    pub console_dir: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { dir: "web/dist".into(), console_dir: "web/dist-console".into() }
    }
}
