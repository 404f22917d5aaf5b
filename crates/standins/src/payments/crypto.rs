//! The payment channels' side of the cryptography, written apart from billing's so
//! that no message is signed and verified, or sealed and opened, by the same library:
//!
//! | message | signed or sealed by | verified or opened by |
//! |---|---|---|
//! | our request to a channel | billing, `ring` | stand-in, `rsa` |
//! | a channel's answer or notification | stand-in, `ring` | billing, `rsa` |
//! | a WeChat Pay resource | stand-in, `ring` (AES-GCM) | billing, `aes-gcm` |
//!
//! A bug in one library, or in one way of calling it, then shows up as a refused
//! message instead of passing unnoticed on both sides.

use anyhow::{anyhow, Context as _};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use ring::{
    aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM},
    rand::SystemRandom,
    signature::{RsaKeyPair, RSA_PKCS1_SHA256},
};
use rsa::{
    pkcs1v15::{Signature, VerifyingKey},
    pkcs8::DecodePrivateKey as _,
    sha2::Sha256,
    signature::Verifier as _,
    RsaPrivateKey,
};

/// SHA256withRSA signing, as WeChat Pay and Alipay sign what they send.
pub struct ChannelSigner {
    key: RsaKeyPair,
    rng: SystemRandom,
}

impl ChannelSigner {
    /// From a PKCS#8 `PRIVATE KEY` PEM.
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
        let der = STANDARD.decode(body).context("the stand-in needs a PKCS#8 RSA private key PEM")?;
        let key = RsaKeyPair::from_pkcs8(&der).map_err(|error| anyhow!("unusable RSA private key: {error}"))?;
        Ok(Self { key, rng: SystemRandom::new() })
    }

    pub fn sign_base64(&self, message: &[u8]) -> String {
        let mut signature = vec![0; self.key.public().modulus_len()];
        match self.key.sign(&RSA_PKCS1_SHA256, &self.rng, message, &mut signature) {
            Ok(()) => STANDARD.encode(signature),
            // Only a broken system RNG gets here; an empty signature is then refused.
            Err(_) => String::new(),
        }
    }
}

/// SHA256withRSA verification of what the merchant (our billing) signed.
#[derive(Clone)]
pub struct MerchantVerifier {
    key: VerifyingKey<Sha256>,
}

impl MerchantVerifier {
    /// From the merchant's PKCS#8 private key PEM: the channel knows the public half
    /// because the merchant uploaded it.
    pub fn of_private_pem(pem: &str) -> anyhow::Result<Self> {
        let public = RsaPrivateKey::from_pkcs8_pem(pem).context("unreadable merchant key")?.to_public_key();
        Ok(Self { key: VerifyingKey::new(public) })
    }

    pub fn verify_base64(&self, message: &[u8], signature: &str) -> bool {
        let Ok(bytes) = STANDARD.decode(signature.trim()) else { return false };
        let Ok(signature) = Signature::try_from(bytes.as_slice()) else { return false };
        self.key.verify(message, &signature).is_ok()
    }
}

/// WeChat Pay's `AEAD_AES_256_GCM` sealing of a notification resource: Base64 of the
/// ciphertext followed by the 16-byte tag.
pub fn seal_aes_256_gcm(key: &[u8], nonce: &str, associated_data: &str, plain: &[u8]) -> anyhow::Result<String> {
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).map_err(|_| anyhow!("the key must be 32 bytes"))?);
    let nonce =
        Nonce::try_assume_unique_for_key(nonce.as_bytes()).map_err(|_| anyhow!("the nonce must be 12 bytes"))?;
    let mut sealed = plain.to_vec();
    key.seal_in_place_append_tag(nonce, Aad::from(associated_data.as_bytes()), &mut sealed)
        .map_err(|_| anyhow!("AES-GCM sealing failed"))?;
    Ok(STANDARD.encode(sealed))
}

/// Alipay's amount format: yuan with at most two decimals.
pub fn is_yuan(text: &str) -> bool {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    !whole.is_empty() && digits(whole) && digits(fraction) && fraction.len() <= 2 && !(text.ends_with('.'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn yuan_amounts() {
        for good in ["39.90", "39.9", "39", "0.01"] {
            assert!(is_yuan(good), "{good}");
        }
        for bad in ["", ".5", "39.", "39.901", "-1", "1e3"] {
            assert!(!is_yuan(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod independence {
    /// The stand-ins check our services; they must not borrow their code to do it.
    #[test]
    fn the_standins_depend_on_no_service_crate() {
        let manifest = include_str!("../../Cargo.toml");
        for service in ["yujie-billing", "yujie-identity", "yujie-content", "yujie-companion", "yujie-admin"] {
            assert!(!manifest.contains(service), "the stand-ins depend on {service}");
        }
    }
}
