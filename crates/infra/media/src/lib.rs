//! Checks and re-encodes user images before anything is stored.
//!
//! The real type is sniffed from the bytes (JPEG, PNG, WebP, GIF as a still); the file
//! name and Content-Type are ignored. Dimensions and pixel format are read from the
//! header, and the memory the whole job needs (the decoded pixels, an 8-bit copy of a
//! 16-bit image, every rendition) is checked against a budget before any pixel is
//! decoded, so a small file that inflates to gigabytes is refused cheaply; the decoder
//! also runs under an allocation limit. Renditions are scaled down by area averaging,
//! each from the next larger one, with no floating-point intermediate image. Every
//! rendition is re-encoded from pixels, which drops EXIF (GPS included) and any
//! trailing payload. [`ImagePool`] bounds how many images are processed at once.

mod pool;

use std::io::Cursor;

use image::{
    codecs::{jpeg::JpegEncoder, png::PngEncoder},
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits,
};
pub use pool::{ImagePool, PoolError, PoolLimits};

#[derive(Debug, Clone, Copy)]
pub struct ImageLimits {
    pub max_bytes: usize,
    pub max_pixels: u64,
    /// Bytes one image may need while it is processed (see the module comment).
    pub decode_budget_bytes: u64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MediaError {
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("the file is not a JPEG, PNG, WebP or GIF image")]
    UnsupportedType,
    #[error("the image is {width}×{height}, more than {max_pixels} pixels")]
    TooManyPixels { width: u32, height: u32, max_pixels: u64 },
    #[error("the image needs {needed_mib} MiB to process, more than the {budget_mib} MiB allowed")]
    OverBudget { needed_mib: u64, budget_mib: u64 },
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
/// smaller than a size is re-encoded at its own size, never enlarged. CPU-bound: run
/// it through an [`ImagePool`].
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
    let color = decoder.color_type();
    let orientation = decoder.orientation().ok();
    let rotates = orientation.is_some_and(|o| !matches!(o, image::metadata::Orientation::NoTransforms));
    let needed =
        memory_needed(width, height, color, sizes) + if rotates { rotated_copy(width, height, color) } else { 0 };
    if needed > limits.decode_budget_bytes {
        return Err(MediaError::OverBudget {
            needed_mib: needed.div_ceil(1 << 20),
            budget_mib: limits.decode_budget_bytes >> 20,
        });
    }
    let mut decode_limits = Limits::default();
    decode_limits.max_image_width = Some(width);
    decode_limits.max_image_height = Some(height);
    decode_limits.max_alloc = Some(limits.decode_budget_bytes);
    decoder.set_limits(decode_limits).map_err(|_| MediaError::Corrupt)?;
    let mut image = eight_bit(DynamicImage::from_decoder(decoder).map_err(|_| MediaError::Corrupt)?);
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    let (full_width, full_height) = (image.width(), image.height());
    // Largest first, each from the one before: the full image is dropped after the
    // first rendition, and every later one reads fewer pixels.
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|index| std::cmp::Reverse(sizes[*index].1));
    let mut rendered: Vec<Option<Rendition>> = sizes.iter().map(|_| None).collect();
    let mut source = image;
    for index in order {
        let (name, longest_side) = sizes[index];
        let scaled = scale_down(&source, longest_side);
        rendered[index] = Some(encode(&scaled, name)?);
        source = scaled;
    }
    let renditions = rendered.into_iter().flatten().collect();
    Ok(CheckedImage { source_type: mime_of(format), width: full_width, height: full_height, renditions })
}

/// Bytes the job needs at its peak: the decoded image, its 8-bit copy when the source
/// has more bits, and every rendition (8-bit, three or four channels).
pub fn memory_needed(width: u32, height: u32, color: image::ColorType, sizes: &[(&str, u32)]) -> u64 {
    let pixels = u64::from(width) * u64::from(height);
    let channels = u64::from(color.channel_count());
    let decoded = pixels * u64::from(color.bytes_per_pixel());
    let eight_bit_copy = if u64::from(color.bytes_per_pixel()) > channels { pixels * channels } else { 0 };
    let out_channels = if color.has_alpha() { 4 } else { 3 };
    let longest = u64::from(width.max(height)).max(1);
    let renditions: u64 = sizes
        .iter()
        .map(|(_, side)| {
            let scale = (u64::from(*side)).min(longest);
            pixels * scale * scale / (longest * longest) * out_channels
        })
        .sum();
    decoded + eight_bit_copy + renditions
}

/// Turning an image by EXIF orientation makes a second full 8-bit image while the first
/// is held.
fn rotated_copy(width: u32, height: u32, color: image::ColorType) -> u64 {
    u64::from(width) * u64::from(height) * u64::from(color.channel_count())
}

/// 16-bit and float images become 8-bit at once, keeping their channels; JPEG and WebP
/// renditions are 8-bit.
fn eight_bit(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => image,
        other => match (other.color().channel_count(), other.color().has_alpha()) {
            (1, _) => DynamicImage::ImageLuma8(other.into_luma8()),
            (2, _) => DynamicImage::ImageLumaA8(other.into_luma_alpha8()),
            (_, true) => DynamicImage::ImageRgba8(other.into_rgba8()),
            _ => DynamicImage::ImageRgb8(other.into_rgb8()),
        },
    }
}

/// Fits the image within `longest_side` by area averaging; never enlarges.
fn scale_down(image: &DynamicImage, longest_side: u32) -> DynamicImage {
    if image.width().max(image.height()) <= longest_side {
        return image.clone();
    }
    image.thumbnail(longest_side, longest_side)
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

fn encode(resized: &DynamicImage, name: &'static str) -> Result<Rendition, MediaError> {
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

    const LIMITS: ImageLimits =
        ImageLimits { max_bytes: 10 << 20, max_pixels: 40_000_000, decode_budget_bytes: 192 << 20 };

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
    fn renditions_keep_the_order_asked_for() {
        let checked = check_and_render(&jpeg(3000, 1500), LIMITS, &[("s", 256), ("l", 2560), ("m", 1080)]).unwrap();
        let sides: Vec<(&str, u32)> = checked.renditions.iter().map(|r| (r.name, r.width)).collect();
        assert_eq!(sides, [("s", 256), ("l", 2560), ("m", 1080)]);
    }

    #[test]
    fn the_memory_budget_counts_bytes_per_pixel_and_renditions() {
        let sizes = [("t", 256), ("m", 1080), ("l", 2560)];
        let rgb8 = memory_needed(6000, 6000, image::ColorType::Rgb8, &sizes);
        let rgba16 = memory_needed(6300, 6300, image::ColorType::Rgba16, &sizes);
        assert!(rgb8 > 108_000_000 && rgb8 < 140_000_000, "{rgb8}");
        assert!(rgba16 > 2 * rgb8, "{rgba16}: 8 bytes a pixel, then an 8-bit copy");
        // A 16-bit image is small on disk but refused before decoding when its pixels
        // would pass the budget, while the same size in 8-bit RGB fits.
        let limits = ImageLimits { decode_budget_bytes: 10 << 20, ..LIMITS };
        let mut bytes = Vec::new();
        let deep = image::ImageBuffer::<image::Rgba<u16>, _>::new(1000, 1000);
        DynamicImage::ImageRgba16(deep).write_with_encoder(PngEncoder::new(&mut bytes)).unwrap();
        let error = check_and_render(&bytes, limits, &sizes).unwrap_err();
        assert_eq!(error, MediaError::OverBudget { needed_mib: 20, budget_mib: 10 });
        assert!(check_and_render(&jpeg(1000, 1000), limits, &sizes).is_ok());
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
