//! The thin cryptography both channels need: SHA256withRSA signing (ring) and
//! verification (rsa, verification only), PEM and bare-Base64 key loading, and
//! WeChat Pay's AES-256-GCM resource encryption.

use aes_gcm::{
    aead::{Aead as _, Payload},
    Aes256Gcm, KeyInit as _, Nonce,
};
use anyhow::{anyhow, bail, Context as _};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use ring::{rand::SystemRandom, signature::RsaKeyPair};
use rsa::{
    pkcs1::DecodeRsaPrivateKey as _,
    pkcs1v15::{Signature, VerifyingKey},
    pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _, LineEnding},
    sha2::Sha256,
    signature::Verifier as _,
    RsaPrivateKey, RsaPublicKey,
};

/// Splits a PEM into its label and DER bytes; bare Base64 (how Alipay hands out keys)
/// comes back with an empty label.
fn pem_or_base64(text: &str) -> anyhow::Result<(String, Vec<u8>)> {
    let text = text.trim();
    let Some(rest) = text.strip_prefix("-----BEGIN ") else {
        let compact: String = text.split_whitespace().collect();
        return Ok((String::new(), STANDARD.decode(compact).context("the key is neither PEM nor Base64")?));
    };
    let (label, body) = rest.split_once("-----").ok_or_else(|| anyhow!("malformed PEM header"))?;
    let body = body.split("-----END").next().unwrap_or_default();
    let compact: String = body.split_whitespace().collect();
    Ok((label.to_owned(), STANDARD.decode(compact).context("malformed PEM body")?))
}

/// Signs with SHA256withRSA (RSASSA-PKCS1-v1_5) and Base64-encodes the signature.
pub struct RsaSigner {
    key: RsaKeyPair,
    rng: SystemRandom,
}

impl RsaSigner {
    /// From a PKCS#8 or PKCS#1 private key, PEM or bare Base64.
    pub fn from_pem(text: &str) -> anyhow::Result<Self> {
        let (label, der) = pem_or_base64(text)?;
        let pkcs8 = match label.as_str() {
            "RSA PRIVATE KEY" => pkcs1_to_pkcs8(&der)?,
            "PRIVATE KEY" => der,
            "" if RsaPrivateKey::from_pkcs8_der(&der).is_ok() => der,
            "" => pkcs1_to_pkcs8(&der)?,
            other => bail!("expected a private key PEM, found {other}"),
        };
        let key = RsaKeyPair::from_pkcs8(&pkcs8).map_err(|error| anyhow!("unusable RSA private key: {error}"))?;
        Ok(Self { key, rng: SystemRandom::new() })
    }

    pub fn sign_base64(&self, message: &[u8]) -> anyhow::Result<String> {
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(&ring::signature::RSA_PKCS1_SHA256, &self.rng, message, &mut signature)
            .map_err(|_| anyhow!("RSA signing failed"))?;
        Ok(STANDARD.encode(signature))
    }
}

fn pkcs1_to_pkcs8(der: &[u8]) -> anyhow::Result<Vec<u8>> {
    let key = RsaPrivateKey::from_pkcs1_der(der).context("unreadable RSA private key")?;
    Ok(key.to_pkcs8_der().context("cannot re-encode the private key")?.as_bytes().to_vec())
}

/// Checks Base64 SHA256withRSA signatures with a public key.
#[derive(Clone)]
pub struct RsaVerifier {
    key: VerifyingKey<Sha256>,
}

impl RsaVerifier {
    /// From a `PUBLIC KEY` PEM, a `CERTIFICATE` PEM, or a bare Base64 public key.
    pub fn from_pem(text: &str) -> anyhow::Result<Self> {
        let (label, der) = pem_or_base64(text)?;
        let key = match label.as_str() {
            "PUBLIC KEY" | "" => RsaPublicKey::from_public_key_der(&der).context("unreadable RSA public key")?,
            "CERTIFICATE" => {
                use x509_cert::der::{Decode as _, Encode as _};
                let certificate = x509_cert::Certificate::from_der(&der).context("unreadable certificate")?;
                let spki = certificate.tbs_certificate.subject_public_key_info.to_der()?;
                RsaPublicKey::from_public_key_der(&spki).context("the certificate holds no RSA key")?
            }
            other => bail!("expected a public key or certificate PEM, found {other}"),
        };
        Ok(Self { key: VerifyingKey::new(key) })
    }

    /// True when `signature` (Base64) signs `message`.
    pub fn verify_base64(&self, message: &[u8], signature: &str) -> bool {
        let Ok(bytes) = STANDARD.decode(signature.trim()) else { return false };
        let Ok(signature) = Signature::try_from(bytes.as_slice()) else { return false };
        self.key.verify(message, &signature).is_ok()
    }
}

/// A fresh RSA-2048 key pair as (PKCS#8 private PEM, public-key PEM). Local mode and
/// tests only: `rsa` makes the key because ring cannot; ring does all signing.
pub fn generate_rsa_key_pair() -> anyhow::Result<(String, String)> {
    let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048)?;
    let private = key.to_pkcs8_pem(LineEnding::LF)?.to_string();
    let public = key.to_public_key().to_public_key_pem(LineEnding::LF)?;
    Ok((private, public))
}

/// The public-key PEM of a private key: what a merchant uploads to its channel.
pub fn public_key_pem_of(private_pem: &str) -> anyhow::Result<String> {
    let (label, der) = pem_or_base64(private_pem)?;
    let key = if label == "RSA PRIVATE KEY" {
        RsaPrivateKey::from_pkcs1_der(&der)?
    } else {
        RsaPrivateKey::from_pkcs8_der(&der)?
    };
    Ok(key.to_public_key().to_public_key_pem(LineEnding::LF)?)
}

/// WeChat Pay's `AEAD_AES_256_GCM`: the key is the 32-byte APIv3 key, the nonce 12
/// bytes, and the ciphertext Base64 of ciphertext followed by the 16-byte tag.
pub fn aes_gcm_decrypt(
    api_v3_key: &[u8],
    nonce: &str,
    associated_data: &str,
    ciphertext: &str,
) -> anyhow::Result<Vec<u8>> {
    let cipher = Aes256Gcm::new_from_slice(api_v3_key).map_err(|_| anyhow!("the APIv3 key must be 32 bytes"))?;
    anyhow::ensure!(nonce.len() == 12, "the nonce must be 12 bytes");
    let sealed = STANDARD.decode(ciphertext).context("the ciphertext is not Base64")?;
    cipher
        .decrypt(Nonce::from_slice(nonce.as_bytes()), Payload { msg: &sealed, aad: associated_data.as_bytes() })
        .map_err(|_| anyhow!("AES-GCM authentication failed"))
}

/// The encrypting side, for the stand-in and tests.
pub fn aes_gcm_encrypt(api_v3_key: &[u8], nonce: &str, associated_data: &str, plain: &[u8]) -> anyhow::Result<String> {
    let cipher = Aes256Gcm::new_from_slice(api_v3_key).map_err(|_| anyhow!("the APIv3 key must be 32 bytes"))?;
    anyhow::ensure!(nonce.len() == 12, "the nonce must be 12 bytes");
    let sealed = cipher
        .encrypt(Nonce::from_slice(nonce.as_bytes()), Payload { msg: plain, aad: associated_data.as_bytes() })
        .map_err(|_| anyhow!("AES-GCM encryption failed"))?;
    Ok(STANDARD.encode(sealed))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn signatures_round_trip_and_reject_tampering() {
        let (private, public) = generate_rsa_key_pair().unwrap();
        let signer = RsaSigner::from_pem(&private).unwrap();
        let verifier = RsaVerifier::from_pem(&public).unwrap();
        let signature = signer.sign_base64(b"POST\n/v3/pay\n").unwrap();
        assert!(verifier.verify_base64(b"POST\n/v3/pay\n", &signature));
        assert!(!verifier.verify_base64(b"POST\n/v3/pay!\n", &signature));
        assert!(!verifier.verify_base64(b"POST\n/v3/pay\n", "bm90IGEgc2lnbmF0dXJl"));
        let bare: String = public.lines().filter(|line| !line.starts_with("-----")).collect();
        assert!(RsaVerifier::from_pem(&bare).unwrap().verify_base64(b"POST\n/v3/pay\n", &signature));
        assert_eq!(public_key_pem_of(&private).unwrap(), public);
        let (_, other_public) = generate_rsa_key_pair().unwrap();
        assert!(!RsaVerifier::from_pem(&other_public).unwrap().verify_base64(b"POST\n/v3/pay\n", &signature));
    }

    #[test]
    fn aes_gcm_round_trips_and_rejects_a_wrong_key_or_aad() {
        let key = b"0123456789abcdef0123456789abcdef";
        let sealed = aes_gcm_encrypt(key, "fdasflkja484", "transaction", b"{\"a\":1}").unwrap();
        assert_eq!(aes_gcm_decrypt(key, "fdasflkja484", "transaction", &sealed).unwrap(), b"{\"a\":1}");
        assert!(aes_gcm_decrypt(b"0123456789abcdef0123456789abcdeX", "fdasflkja484", "transaction", &sealed).is_err());
        assert!(aes_gcm_decrypt(key, "fdasflkja484", "transactiom", &sealed).is_err());
    }
}
