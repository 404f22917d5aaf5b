//! `yujie-bench-ceiling <file> <port>`: answers every GET on 127.0.0.1:<port> with the
//! file's bytes as JSON. What the hardware allows for a page of that size, measured in
//! the same run as the product (bench/run.sh).

use axum::{http::header, response::IntoResponse, routing::get, Router};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(port)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: yujie-bench-ceiling <file> <port>");
    };
    let body = axum::body::Bytes::from(std::fs::read(file)?);
    let page = move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body).into_response() }
    };
    let router = Router::new().route("/", get(page.clone())).route("/{*path}", get(page));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port.parse::<u16>()?)).await?;
    axum::serve(listener, router).await?;
    Ok(())
}
