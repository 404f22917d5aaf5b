//! The `[storage]` section: where objects (photos, avatars) live.

use serde::{Deserialize, Serialize};

use super::local_defaults;
use crate::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    /// A folder (`local_dir`), served by the app under `/media/`.
    Local,
    /// Any S3-compatible store (COS, MinIO, AWS).
    S3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum S3UrlMode {
    /// `s3_public_base_url` + key.
    Public,
    /// Short-lived signed GET URLs.
    Presigned,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    pub backend: StorageBackend,
    pub local_dir: String,
    pub s3_bucket: String,
    pub s3_region: String,
    pub s3_endpoint: String,
    pub s3_access_key_id: String,
    pub s3_secret_access_key: Secret,
    pub s3_url_mode: S3UrlMode,
    pub s3_public_base_url: String,
    pub s3_presign_ttl_secs: u64,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            backend: StorageBackend::Local,
            local_dir: "data/objects".into(),
            s3_bucket: String::new(),
            s3_region: "us-east-1".into(),
            s3_endpoint: String::new(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: Secret::new(local_defaults::S3_SECRET),
            s3_url_mode: S3UrlMode::Presigned,
            s3_public_base_url: String::new(),
            s3_presign_ttl_secs: 3600,
        }
    }
}

impl StorageConfig {
    /// Object storage as the blob crate wants it.
    pub fn blob_config(&self) -> yujie_blob::BlobConfig {
        match self.backend {
            StorageBackend::S3 => yujie_blob::BlobConfig::S3 {
                bucket: self.s3_bucket.clone(),
                region: self.s3_region.clone(),
                endpoint: self.s3_endpoint.clone(),
                access_key_id: self.s3_access_key_id.clone(),
                secret_access_key: self.s3_secret_access_key.expose().to_owned(),
                url_mode: match self.s3_url_mode {
                    S3UrlMode::Public => yujie_blob::S3UrlMode::Public,
                    S3UrlMode::Presigned => yujie_blob::S3UrlMode::Presigned,
                },
                public_base_url: self.s3_public_base_url.clone(),
                presign_ttl_secs: self.s3_presign_ttl_secs,
            },
            StorageBackend::Local => yujie_blob::BlobConfig::Local { dir: self.local_dir.clone() },
        }
    }
}
