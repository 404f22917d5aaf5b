//! What serde cannot check: values that must be positive, and what production and a
//! local-mode bind refuse. Each problem is named; `validate` lists them all at once.

use std::net::SocketAddr;

use super::{local_defaults, Mode, PlatformConfig, StorageBackend};

impl PlatformConfig {
    /// What the shared sections get wrong; each service checks its own section.
    pub fn problems(&self) -> Vec<String> {
        use local_defaults as d;
        let mut problems = Vec::new();
        if self.http.max_connections == 0 || self.http.header_read_timeout_secs == 0 || self.http.idle_timeout_secs == 0
        {
            problems
                .push("http.max_connections, header_read_timeout_secs and idle_timeout_secs must be positive".into());
        }
        for (name, rule) in &self.http.rate_limits {
            if rule.limit == 0 || rule.window_secs == 0 || rule.attempts == Some(0) {
                problems.push(format!("http.rate_limits.{name} needs a positive limit, window_secs and attempts"));
            }
        }
        self.upstream.problems(&mut problems);
        if self.mode == Mode::Local {
            self.local_bind_problems(&mut problems);
            return problems;
        }
        let mut refuse_default = |name: &str, value: &str, default: &str| {
            if value == default || value.is_empty() {
                problems.push(format!("{name} still has its local default or is empty; set a real secret"));
            }
        };
        refuse_default("auth.jwt_secret", self.auth.jwt_secret.expose(), d::JWT_SECRET);
        refuse_default("internal.token", self.internal.token.expose(), d::INTERNAL_TOKEN);
        if self.auth.jwt_secret.expose().len() < 32 {
            problems.push("auth.jwt_secret must be at least 32 bytes".into());
        }
        if self.internal.token.expose().len() < 32 {
            problems.push("internal.token must be at least 32 bytes".into());
        }
        for (name, accepted, default) in [
            ("auth.accepted_jwt_secret", &self.auth.accepted_jwt_secret, d::JWT_SECRET),
            ("internal.accepted_token", &self.internal.accepted_token, d::INTERNAL_TOKEN),
        ] {
            let accepted = accepted.expose();
            if !accepted.is_empty() && (accepted.len() < 32 || accepted == default) {
                problems.push(format!("{name} must be empty or a real secret of at least 32 bytes"));
            }
        }
        if !self.http.client_ip_header.is_empty() && self.http.trusted_proxies.is_empty() {
            problems.push(
                "http.client_ip_header is set without http.trusted_proxies: the header would be ignored and every client counted as the proxy".into(),
            );
        }
        if self.standins.enabled {
            problems.push("standins.enabled must be false in production: stand-ins fake WeChat and payments".into());
        }
        if self.storage.backend == StorageBackend::S3 && self.storage.s3_secret_access_key.is_empty() {
            problems.push("storage.s3_secret_access_key is empty".into());
        }
        problems
    }

    /// Local mode runs stand-ins that sign anyone in as anyone: loopback only, unless
    /// `allow_public_bind` says otherwise.
    fn local_bind_problems(&self, problems: &mut Vec<String>) {
        if self.allow_public_bind {
            return;
        }
        for (name, bind) in [("public.bind", &self.public.bind), ("staff.bind", &self.staff.bind)] {
            let loopback = match bind.parse::<SocketAddr>() {
                Ok(address) => address.ip().is_loopback(),
                Err(_) => bind.starts_with("localhost:"),
            };
            if !loopback {
                problems.push(format!(
                    "{name} `{bind}` is not a loopback address in local mode (stand-ins let anyone sign in as \
                     anyone); set mode = \"production\", or allow_public_bind = true on purpose"
                ));
            }
        }
    }
}
