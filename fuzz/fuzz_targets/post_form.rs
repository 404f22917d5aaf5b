//! The multipart form of a new post (boundary `yujie`): part headers, names, sizes,
//! repeated fields and up to nine images. A form is read or refused with a field error;
//! nothing may panic.
#![no_main]

use axum::{
    body::Body,
    extract::{FromRequest as _, Multipart},
    http::Request,
};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static RUNTIME: tokio::runtime::Runtime =
        tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
}

fuzz_target!(|data: &[u8]| {
    let request = Request::post("/api/v1/posts")
        .header("content-type", "multipart/form-data; boundary=yujie")
        .body(Body::from(data.to_vec()))
        .expect("a request");
    RUNTIME.with(|runtime| {
        runtime.block_on(async {
            if let Ok(multipart) = Multipart::from_request(request, &()).await {
                if let Ok(form) = yujie_content::read_post_form(multipart, 64 * 1024).await {
                    assert!(form.images.len() <= 9);
                    assert!(form.images.iter().all(|image| image.len() <= 64 * 1024));
                }
            }
        });
    });
});
