//! Checks and re-encodes user images before anything is stored.
//!
//! The real type is sniffed from the bytes (JPEG, PNG, WebP, GIF as a still); the file
//! name and Content-Type are ignored. Dimensions are read from the header and checked
//! against the pixel limit before any pixel is decoded, and the decoder runs under
//! allocation limits, so a decompression bomb is refused cheaply. Every rendition is
//! re-encoded from pixels, which drops EXIF (GPS included) and any trailing payload.

use std::io::Cursor;

use image::{
    codecs::{jpeg::JpegEncoder, png::PngEncoder},
    imageops::FilterType,
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits,
};

#[derive(Debug, Clone, Copy)]
pub struct ImageLimits {
    pub max_bytes: usize,
    pub max_pixels: u64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MediaError {
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("the file is not a JPEG, PNG, WebP or GIF image")]
    UnsupportedType,
    #[error("the image is {width}×{height}, more than {max_pixels} pixels")]
    TooManyPixels { width: u32, height: u32, max_pixels: u64 },
    #[error("the image is damaged or truncated")]
    Corrupt,
}

/// One re-encoded size of an image.
#[derive(Debug, Clone)]
pub struct Rendition {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub extension: &'static str,
}

#[derive(Debug, Clone)]
pub struct CheckedImage {
    /// The sniffed type of the upload.
    pub source_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub renditions: Vec<Rendition>,
}

/// Checks an upload and renders it at each `(name, longest side)` size; an image
/// smaller than a size is re-encoded at its own size, never enlarged. CPU-bound: call
/// it from a blocking task.
pub fn check_and_render(
    bytes: &[u8],
    limits: ImageLimits,
    sizes: &[(&'static str, u32)],
) -> Result<CheckedImage, MediaError> {
    if bytes.len() > limits.max_bytes {
        return Err(MediaError::TooLarge { max_bytes: limits.max_bytes });
    }
    let format = sniff(bytes)?;
    if !is_complete(format, bytes) {
        return Err(MediaError::Corrupt);
    }
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decoder = reader.into_decoder().map_err(|_| MediaError::Corrupt)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(MediaError::TooManyPixels { width, height, max_pixels: limits.max_pixels });
    }
    let mut decode_limits = Limits::default();
    decode_limits.max_image_width = Some(width);
    decode_limits.max_image_height = Some(height);
    decode_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).max(64 << 20));
    decoder.set_limits(decode_limits).map_err(|_| MediaError::Corrupt)?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| MediaError::Corrupt)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    let renditions =
        sizes.iter().map(|(name, longest_side)| render(&image, name, *longest_side)).collect::<Result<Vec<_>, _>>()?;
    Ok(CheckedImage { source_type: mime_of(format), width: image.width(), height: image.height(), renditions })
}

fn sniff(bytes: &[u8]) -> Result<ImageFormat, MediaError> {
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif)) => Ok(format),
        _ => Err(MediaError::UnsupportedType),
    }
}

/// Decoders pad a truncated file with grey rather than fail, so check the end marker:
/// a JPEG ends with EOI (FF D9), a PNG with its IEND chunk, a GIF with its trailer.
fn is_complete(format: ImageFormat, bytes: &[u8]) -> bool {
    let trimmed = trim_trailing_zeros(bytes);
    match format {
        ImageFormat::Jpeg => trimmed.ends_with(&[0xFF, 0xD9]),
        ImageFormat::Png => trimmed.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]),
        ImageFormat::Gif => trimmed.ends_with(&[0x3B]),
        ImageFormat::WebP => riff_length_matches(bytes),
        _ => false,
    }
}

fn trim_trailing_zeros(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    &bytes[..end]
}

fn riff_length_matches(bytes: &[u8]) -> bool {
    bytes
        .get(4..8)
        .and_then(|len| <[u8; 4]>::try_from(len).ok())
        .is_some_and(|len| bytes.len() >= u32::from_le_bytes(len) as usize + 8)
}

fn mime_of(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Png => "image/png",
        ImageFormat::WebP => "image/webp",
        ImageFormat::Gif => "image/gif",
        _ => "image/jpeg",
    }
}

fn render(image: &DynamicImage, name: &'static str, longest_side: u32) -> Result<Rendition, MediaError> {
    let resized = if image.width().max(image.height()) > longest_side {
        image.resize(longest_side, longest_side, FilterType::Lanczos3)
    } else {
        image.clone()
    };
    let mut bytes = Vec::new();
    // Transparent images stay PNG; everything else becomes a JPEG.
    let (content_type, extension) = if resized.color().has_alpha() {
        resized.write_with_encoder(PngEncoder::new(&mut bytes)).map_err(|_| MediaError::Corrupt)?;
        ("image/png", "png")
    } else {
        DynamicImage::ImageRgb8(resized.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, 85))
            .map_err(|_| MediaError::Corrupt)?;
        ("image/jpeg", "jpg")
    };
    Ok(Rendition { name, bytes, width: resized.width(), height: resized.height(), content_type, extension })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ImageLimits = ImageLimits { max_bytes: 10 << 20, max_pixels: 40_000_000 };

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        DynamicImage::new_rgb8(width, height)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, 80))
            .unwrap();
        bytes
    }

    #[test]
    fn renders_each_size_without_enlarging() {
        let checked = check_and_render(&jpeg(2000, 1000), LIMITS, &[("thumb", 256), ("big", 4000)]).unwrap();
        assert_eq!(checked.source_type, "image/jpeg");
        assert_eq!((checked.renditions[0].width, checked.renditions[0].height), (256, 128));
        assert_eq!((checked.renditions[1].width, checked.renditions[1].height), (2000, 1000));
    }

    #[test]
    fn refuses_a_script_named_like_an_image() {
        let php = b"<?php system($_GET['c']); ?>";
        assert_eq!(check_and_render(php, LIMITS, &[("t", 64)]).unwrap_err(), MediaError::UnsupportedType);
    }

    #[test]
    fn refuses_a_truncated_jpeg() {
        let bytes = jpeg(300, 300);
        let truncated = &bytes[..bytes.len() / 2];
        assert_eq!(check_and_render(truncated, LIMITS, &[("t", 64)]).unwrap_err(), MediaError::Corrupt);
    }

    #[test]
    fn refuses_too_many_pixels_before_decoding() {
        let limits = ImageLimits { max_pixels: 100 * 100, ..LIMITS };
        let error = check_and_render(&jpeg(101, 100), limits, &[("t", 64)]).unwrap_err();
        assert!(matches!(error, MediaError::TooManyPixels { width: 101, height: 100, .. }));
    }

    #[test]
    fn refuses_too_many_bytes() {
        let limits = ImageLimits { max_bytes: 100, ..LIMITS };
        assert_eq!(
            check_and_render(&jpeg(50, 50), limits, &[("t", 64)]).unwrap_err(),
            MediaError::TooLarge { max_bytes: 100 }
        );
    }
}
