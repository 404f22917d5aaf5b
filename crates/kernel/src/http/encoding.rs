//! Compressed answers. Every public answer is compressed on the fly when the client
//! accepts it (the layer in [`super::finish`]); a page that is served many times from a
//! cache keeps its compressed forms instead, made once on first demand.

use std::{io::Write as _, sync::OnceLock};

use axum::{
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// Gzip and Brotli at a level that costs little CPU per answer and still shrinks JSON
/// about fivefold. Event streams and images are left alone.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new().no_deflate().no_zstd().quality(CompressionLevel::Precise(4))
}

/// The content codings we send, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// The best coding that `Accept-Encoding` accepts (a `q=0` refuses one).
    pub fn accepted(headers: &HeaderMap) -> Self {
        let (mut brotli, mut gzip) = (false, false);
        for value in headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()) {
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let refused = parts.any(|param| {
                    param.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0)
                });
                match name.as_str() {
                    "br" => brotli = !refused,
                    "gzip" | "x-gzip" => gzip = !refused,
                    "*" if !refused => {
                        gzip = true;
                    }
                    _ => {}
                }
            }
        }
        if brotli {
            Coding::Brotli
        } else if gzip {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }
}

/// A JSON answer served many times: its bytes, and each compressed form once asked for.
pub struct Precompressed {
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl Precompressed {
    pub fn new(json: impl Into<Bytes>) -> Self {
        Self { identity: json.into(), gzip: OnceLock::new(), brotli: OnceLock::new() }
    }

    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    /// The bytes in `coding`.
    pub fn encoded(&self, coding: Coding) -> Bytes {
        match coding {
            Coding::Identity => self.identity.clone(),
            Coding::Gzip => self.gzip.get_or_init(|| gzip(&self.identity)).clone(),
            Coding::Brotli => self.brotli.get_or_init(|| brotli(&self.identity)).clone(),
        }
    }

    /// The answer in the best coding the request accepts.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let coding = Coding::accepted(request);
        json_response(self.encoded(coding), coding)
    }
}

/// A JSON answer already in `coding`; it varies by `Accept-Encoding`.
pub fn json_response(body: Bytes, coding: Coding) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    match coding {
        Coding::Brotli => _ = headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br")),
        Coding::Gzip => _ = headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
        Coding::Identity => {}
    }
    response
}

fn gzip(bytes: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4), flate2::Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default().into()
}

fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let params = brotli::enc::BrotliEncoderParams { quality: 9, lgwin: 22, ..Default::default() };
    let mut input = bytes;
    // Reading a slice into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out.into()
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_best_accepted_coding_is_chosen_and_q_zero_refuses() {
        assert_eq!(Coding::accepted(&HeaderMap::new()), Coding::Identity);
        assert_eq!(Coding::accepted(&accept("gzip, deflate, br")), Coding::Brotli);
        assert_eq!(Coding::accepted(&accept("gzip, br;q=0")), Coding::Gzip);
        assert_eq!(Coding::accepted(&accept("GZIP")), Coding::Gzip);
        assert_eq!(Coding::accepted(&accept("*")), Coding::Gzip);
        assert_eq!(Coding::accepted(&accept("gzip;q=0, identity")), Coding::Identity);
        assert_eq!(Coding::accepted(&accept("deflate")), Coding::Identity);
    }

    #[test]
    fn each_compressed_form_decodes_to_the_json() {
        let json = serde_json::to_vec(&serde_json::json!({ "items": vec!["御姐加油站"; 200] })).unwrap();
        let page = Precompressed::new(json.clone());
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&page.encoded(Coding::Gzip)[..]).read_to_end(&mut unzipped).unwrap();
        assert_eq!(unzipped, json);
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut &page.encoded(Coding::Brotli)[..], &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, json);
        assert!(page.encoded(Coding::Brotli).len() * 10 < json.len());
    }

    #[test]
    fn the_answer_names_its_coding_and_varies_by_it() {
        let page = Precompressed::new(&b"{\"items\":[]}"[..]);
        let answer = page.respond(&accept("gzip"));
        assert_eq!(answer.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(answer.headers()[header::VARY], "accept-encoding");
        assert!(page.respond(&HeaderMap::new()).headers().get(header::CONTENT_ENCODING).is_none());
    }
}
