//! Connection limits on both listeners: slow headers, idle connections, a cap on how
//! many are open, and where the client address comes from.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

use crate::helpers::spawn_with;

fn address(base: &str) -> String {
    base.trim_start_matches("http://").to_owned()
}

/// Reads until the peer closes; how long that took.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout_at((started + limit).into(), stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn a_slow_header_sender_is_cut_off_on_both_listeners() {
    let app = spawn_with(|config| config.http.header_read_timeout_secs = 1).await;
    for base in [&app.public, &app.staff] {
        let mut stream = TcpStream::connect(address(base)).await.unwrap();
        // One byte a third of a second: never a whole header within the timeout.
        let trickle = async {
            for byte in b"GET /healthz HTTP/1.1\r\nhost: x\r\n" {
                if stream.write_all(&[*byte]).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        };
        let _ = tokio::time::timeout(Duration::from_millis(1500), trickle).await;
        let closed = closed_within(&mut stream, Duration::from_secs(3)).await;
        assert!(closed.is_some(), "{base}: a trickling client is still connected after 4.5 s");
    }
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    // The header timeout would also close a kept-alive connection; it is long here, so
    // only the idle timeout (no byte for a second) can.
    let app = spawn_with(|config| {
        config.http.header_read_timeout_secs = 30;
        config.http.idle_timeout_secs = 1;
    })
    .await;
    let mut stream = TcpStream::connect(address(&app.public)).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    let mut buffer = [0u8; 512];
    let read = stream.read(&mut buffer).await.unwrap();
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
    let closed = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(closed.is_some_and(|after| after < Duration::from_secs(3)), "closed after {closed:?}");
}

#[tokio::test]
async fn open_connections_are_capped_per_listener() {
    let app = spawn_with(|config| {
        config.http.max_connections = 3;
        config.http.header_read_timeout_secs = 30;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(address(&app.public)).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let quick = reqwest::Client::builder().timeout(Duration::from_millis(800)).build().unwrap();
    let refused = quick.get(format!("{}/healthz", app.public)).send().await;
    assert!(refused.is_err(), "a fourth connection is served while three are open");
    // The staff listener has its own budget.
    let staff = quick.get(format!("{}/healthz", app.staff)).send().await.unwrap();
    assert_eq!(staff.status(), StatusCode::OK);
    held.pop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let served = quick.get(format!("{}/healthz", app.public)).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
}
