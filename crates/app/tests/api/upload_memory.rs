//! A burst of large uploads is bounded in memory: images are processed a few at a time
//! under a per-image budget, and the memory comes back afterwards. Measured on this
//! test's own process (nextest runs each test in its own), from /proc.

use std::time::Duration;

use image::{codecs::png::PngEncoder, DynamicImage, ImageBuffer, Rgb};
use reqwest::StatusCode;

use crate::helpers::spawn_with;

const MIB: u64 = 1 << 20;

/// `VmRSS` or `VmHWM` (peak) of this process, in bytes.
fn memory(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|line| line.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// A 6000×6000 single-colour PNG: about 100 KB on disk, 108 MB of pixels.
fn flat_png(side: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let image = ImageBuffer::from_pixel(side, side, Rgb([200u8, 120, 160]));
    DynamicImage::ImageRgb8(image).write_with_encoder(PngEncoder::new(&mut bytes)).unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_36_megapixel_uploads_stay_within_budget() {
    let app = spawn_with(|config| {
        config.media.decode_queue_timeout_secs = 600;
    })
    .await;
    let png = flat_png(6000);
    assert!(png.len() < 1 << 20, "{} bytes", png.len());
    let creator = app.sign_in().await;
    let persona = app.create_persona(&creator.access_token, "范冰冰", &[]).await;
    let persona_id = persona["id"].as_str().unwrap().to_owned();
    let mut users = Vec::new();
    for _ in 0..4 {
        users.push(app.sign_in().await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let idle = memory("VmRSS:");
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let uploads: Vec<_> = (0..8)
        .map(|index| {
            let user = &users[index % 4];
            app.upload_photo(&user.access_token, &persona_id, "big.png", png.clone())
        })
        .collect();
    let statuses: Vec<StatusCode> = futures::future::join_all(uploads).await.iter().map(|r| r.status()).collect();
    assert!(statuses.iter().all(|status| *status == StatusCode::CREATED), "{statuses:?}");
    let peak = memory("VmHWM:");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = memory("VmRSS:");
    eprintln!(
        "idle {} MiB, peak {} MiB (+{} MiB), after {} MiB",
        idle / MIB,
        peak / MIB,
        peak.saturating_sub(idle) / MIB,
        after / MIB
    );
    assert!(peak.saturating_sub(idle) < 400 * MIB, "peak {} MiB above idle", peak.saturating_sub(idle) / MIB);
    assert!(
        after.saturating_sub(idle) < 150 * MIB,
        "{} MiB still held after the burst",
        after.saturating_sub(idle) / MIB
    );
}
