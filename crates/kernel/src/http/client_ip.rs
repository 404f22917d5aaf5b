use std::net::{IpAddr, SocketAddr};

use axum::{extract::ConnectInfo, http::request::Parts};

/// The client's address: from the configured proxy header when set (the right-most
/// `X-Forwarded-For` entry is the one our own proxy appended), else the socket peer.
pub fn client_ip(parts: &Parts, header_name: &str) -> Option<IpAddr> {
    if !header_name.is_empty() {
        let from_header = parts
            .headers
            .get(header_name)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|value| value.trim().parse::<IpAddr>().ok());
        if from_header.is_some() {
            return from_header;
        }
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}
