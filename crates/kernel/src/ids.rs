use rand::RngCore as _;

/// A new time-ordered id (UUIDv7, hyphenated): ids are made by the application, never
/// by the database, and sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// `bytes` random bytes as lowercase hex: for opaque tokens, scenes and nonces.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// Lowercase hex SHA-256: how tokens are stored, so a database leak gives no usable token.
pub fn sha256_hex(input: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(input.as_bytes()))
}
