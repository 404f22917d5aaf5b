//! Object storage for media: a local folder (the embedded default) or any S3-compatible
//! store (COS, MinIO, AWS). Keys are random or content-addressed; callers never build
//! paths from user input.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use bytes::Bytes;
use futures::StreamExt as _;
use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, path::Path, signer::Signer, Attribute, AttributeValue, Attributes,
    ObjectStore, PutOptions, PutPayload,
};
/// Where objects live. The kernel's config builds this from its typed, redacting form.
pub enum BlobConfig {
    Local {
        dir: String,
    },
    S3 {
        bucket: String,
        region: String,
        /// Empty for AWS itself; the server URL for COS, MinIO and other S3-compatible stores.
        endpoint: String,
        access_key_id: String,
        secret_access_key: String,
        /// `public` serves from `public_base_url` (a public bucket or CDN);
        /// `presigned` hands out short-lived signed GET URLs.
        url_mode: S3UrlMode,
        public_base_url: String,
        presign_ttl_secs: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum S3UrlMode {
    Public,
    Presigned,
}

enum UrlMode {
    /// Served by the app itself at `/media/<key>` (local folder).
    ThroughApp,
    Public(String),
    Presigned {
        signer: Arc<dyn Signer>,
        ttl: Duration,
    },
}

#[derive(Clone)]
pub struct Blob {
    store: Arc<dyn ObjectStore>,
    url_mode: Arc<UrlMode>,
    backend: &'static str,
}

/// The path prefix under which the app serves objects in local mode.
pub const MEDIA_ROUTE_PREFIX: &str = "/media/";

impl Blob {
    pub fn from_config(config: &BlobConfig) -> anyhow::Result<Self> {
        match config {
            BlobConfig::Local { dir } => {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {dir}"))?;
                let store = LocalFileSystem::new_with_prefix(dir)?;
                Ok(Self { store: Arc::new(store), url_mode: Arc::new(UrlMode::ThroughApp), backend: "local" })
            }
            BlobConfig::S3 {
                bucket,
                region,
                endpoint,
                access_key_id,
                secret_access_key,
                url_mode,
                public_base_url,
                presign_ttl_secs,
            } => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(region)
                    .with_access_key_id(access_key_id)
                    .with_secret_access_key(secret_access_key);
                if !endpoint.is_empty() {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_virtual_hosted_style_request(false)
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                let store = Arc::new(builder.build().context("invalid S3 configuration")?);
                let url_mode = match url_mode {
                    S3UrlMode::Public => UrlMode::Public(public_base_url.trim_end_matches('/').to_owned()),
                    S3UrlMode::Presigned => {
                        UrlMode::Presigned { signer: store.clone(), ttl: Duration::from_secs(*presign_ttl_secs) }
                    }
                };
                Ok(Self { store, url_mode: Arc::new(url_mode), backend: "s3" })
            }
        }
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Stores an object. On S3 it carries its Content-Type and a long cache lifetime
    /// (keys are never reused); in local mode the app sets both when serving. A store that
    /// does not take it fails with [`StorageUnavailable`].
    pub async fn put(&self, key: &str, bytes: Bytes, content_type: &str) -> anyhow::Result<()> {
        let mut options = PutOptions::default();
        if !self.served_by_app() {
            options.attributes = Attributes::from_iter([
                (Attribute::ContentType, AttributeValue::from(content_type.to_owned())),
                (Attribute::CacheControl, AttributeValue::from("public, max-age=31536000, immutable")),
            ]);
        }
        self.store.put_opts(&Path::from(key), PutPayload::from(bytes), options).await.map_err(StorageUnavailable)?;
        Ok(())
    }

    /// Reads an object; `None` when it does not exist.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Bytes>> {
        match self.store.get(&Path::from(key)).await {
            Ok(result) => Ok(Some(result.bytes().await.map_err(StorageUnavailable)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(StorageUnavailable(error).into()),
        }
    }

    /// Deletes an object; deleting a missing object is not an error.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(StorageUnavailable(error).into()),
        }
    }

    /// Every object's key, for an export. Files in a local folder that are not objects
    /// (a key the app would never make) are left out.
    pub async fn keys(&self) -> anyhow::Result<Vec<String>> {
        let mut listing = self.store.list(None);
        let mut keys = Vec::new();
        while let Some(meta) = listing.next().await {
            let key = meta.map_err(StorageUnavailable)?.location.to_string();
            if is_valid_key(&key) {
                keys.push(key);
            }
        }
        keys.sort();
        Ok(keys)
    }

    /// True when objects are served by the app (local mode) rather than by the store.
    pub fn served_by_app(&self) -> bool {
        matches!(*self.url_mode, UrlMode::ThroughApp)
    }

    /// The URL a browser uses to fetch the object. `app_base` is the public URL of this
    /// app, used in local mode.
    pub async fn url(&self, app_base: &str, key: &str) -> anyhow::Result<String> {
        match &*self.url_mode {
            UrlMode::ThroughApp => Ok(format!("{}{MEDIA_ROUTE_PREFIX}{key}", app_base.trim_end_matches('/'))),
            UrlMode::Public(base) => Ok(format!("{base}/{key}")),
            UrlMode::Presigned { signer, ttl } => {
                Ok(signer.signed_url(http::Method::GET, &Path::from(key), *ttl).await?.to_string())
            }
        }
    }
}

/// The media type of an object, from its key's extension (keys end in the image format
/// they were stored as).
pub fn content_type_of(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        _ => "image/jpeg",
    }
}

/// True for keys the app may serve: generated keys are `[a-z0-9/_.-]`, never `..`.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && !key.contains("..")
        && !key.starts_with('/')
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"/_.-".contains(&b))
}

/// The object store did not answer as it should (down, unreachable, refusing): the API
/// turns it into a 503 with Retry-After.
#[derive(Debug)]
pub struct StorageUnavailable(pub object_store::Error);

impl std::fmt::Display for StorageUnavailable {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("object storage is unavailable")
    }
}

impl std::error::Error for StorageUnavailable {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}
