//! The client's address, and the key that rate limits count it under.

use std::net::{IpAddr, SocketAddr};

use axum::{extract::ConnectInfo, http::request::Parts};
use ipnet::IpNet;

use crate::config::HttpConfig;

/// The client's address. The proxy header (`http.client_ip_header`) is believed only
/// when the socket peer is one of `http.trusted_proxies`: its entries, across every line
/// of the header, are walked from the right past trusted hops, and the first untrusted
/// address is the client. Anything else (no header configured, an untrusted peer, an
/// unreadable entry) stops at the last address we can vouch for.
pub fn client_ip(parts: &Parts, http: &HttpConfig) -> Option<IpAddr> {
    // A dual-stack listener sees IPv4 peers as `::ffff:a.b.c.d`; compare them as IPv4.
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip().to_canonical())?;
    if http.client_ip_header.is_empty() {
        return Some(peer);
    }
    let trusted = |ip: &IpAddr| http.trusted_proxies.iter().any(|net| net.contains(ip));
    let entries: Vec<&str> = parts
        .headers
        .get_all(http.client_ip_header.as_str())
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in entries.iter().rev() {
        if !trusted(&client) {
            break;
        }
        match entry.parse::<IpAddr>() {
            Ok(ip) => client = ip.to_canonical(),
            Err(_) => break,
        }
    }
    Some(client)
}

/// How rate limits count an address: IPv4 by address, IPv6 by its /64, since one
/// subscriber usually holds a whole /64 and could otherwise rotate through it.
pub fn rate_subject(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => IpNet::new(IpAddr::V6(v6), 64).map_or_else(|_| v6.to_string(), |net| net.trunc().to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use axum::http::Request;

    use super::*;

    fn parts(peer: &str, lines: &[&str]) -> Parts {
        let mut request = Request::builder();
        for line in lines {
            request = request.header("x-forwarded-for", *line);
        }
        let (mut parts, ()) = request.body(()).unwrap().into_parts();
        parts.extensions.insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 40000)));
        parts
    }

    fn config(trusted: &[&str]) -> HttpConfig {
        HttpConfig {
            client_ip_header: "X-Forwarded-For".into(),
            trusted_proxies: trusted.iter().map(|net| net.parse().unwrap()).collect(),
            ..HttpConfig::default()
        }
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let http = config(&["10.0.0.0/8"]);
        assert_eq!(client_ip(&parts("203.0.113.9", &["1.2.3.4"]), &http), ip("203.0.113.9"));
        assert_eq!(client_ip(&parts("203.0.113.9", &[]), &config(&[])), ip("203.0.113.9"));
    }

    #[test]
    fn trusted_hops_are_skipped_from_the_right_across_lines() {
        let http = config(&["10.0.0.0/8", "192.168.0.0/16"]);
        // A spoofed left-most entry is never reached: 198.51.100.7 is the first untrusted hop.
        let request = parts("10.0.0.2", &["6.6.6.6, 198.51.100.7", "192.168.1.1"]);
        assert_eq!(client_ip(&request, &http), ip("198.51.100.7"));
        assert_eq!(client_ip(&parts("10.0.0.2", &["garbage, 10.1.1.1"]), &http), ip("10.1.1.1"));
        assert_eq!(client_ip(&parts("10.0.0.2", &["10.9.9.9"]), &http), ip("10.9.9.9"));
    }

    #[test]
    fn a_proxy_reached_over_a_dual_stack_socket_is_still_trusted() {
        let http = config(&["10.0.0.0/8"]);
        assert_eq!(client_ip(&parts("::ffff:10.0.0.2", &["198.51.100.7"]), &http), ip("198.51.100.7"));
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let a = rate_subject("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = rate_subject("2001:db8:1:2:bbbb::2".parse().unwrap());
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_ne!(a, rate_subject("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(rate_subject("::ffff:1.2.3.4".parse().unwrap()), "1.2.3.4");
    }
}
