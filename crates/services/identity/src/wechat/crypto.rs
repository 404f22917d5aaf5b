//! WeChat official-account message security: the callback signatures, and safe mode's
//! AES-256-CBC envelope with its 32-byte PKCS#7 padding.

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut as _, BlockEncryptMut as _, KeyIvInit as _};
use base64::{
    alphabet,
    engine::{general_purpose::STANDARD, GeneralPurpose, GeneralPurposeConfig},
    Engine as _,
};
use rand::RngCore as _;
use sha1::{Digest as _, Sha1};

type Decryptor = cbc::Decryptor<aes::Aes256>;
type Encryptor = cbc::Encryptor<aes::Aes256>;

/// WeChat pads to a multiple of 32 bytes, not AES's 16.
const PAD_BLOCK: usize = 32;

/// Keys from the console are 43 base64 characters whose last one may carry stray bits.
const LENIENT_BASE64: GeneralPurpose =
    GeneralPurpose::new(&alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));

/// The lowercase hex SHA-1 of the parts sorted and concatenated: `signature` uses
/// (token, timestamp, nonce), `msg_signature` adds the Encrypt text.
pub fn signature(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    hex::encode(Sha1::digest(sorted.concat().as_bytes()))
}

/// Compares a presented signature in constant time.
pub fn signature_matches(parts: &[&str], presented: &str) -> bool {
    yujie_kernel::service::constant_time_eq(signature(parts).as_bytes(), presented.to_ascii_lowercase().as_bytes())
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the EncodingAESKey is not 43 base64 characters")]
    BadKey,
    #[error("the ciphertext is not valid base64 of whole blocks")]
    BadCiphertext,
    #[error("the padding is invalid")]
    BadPadding,
    #[error("the message length field is inconsistent")]
    BadLength,
    #[error("the message was encrypted for another appid")]
    WrongAppid,
}

/// Safe-mode cipher for one official account.
#[derive(Clone)]
pub struct MessageCipher {
    key: [u8; 32],
    appid: String,
}

impl MessageCipher {
    pub fn new(encoding_aes_key: &str, appid: &str) -> Result<Self, CryptoError> {
        if encoding_aes_key.len() != 43 {
            return Err(CryptoError::BadKey);
        }
        let bytes = LENIENT_BASE64.decode(format!("{encoding_aes_key}=")).map_err(|_| CryptoError::BadKey)?;
        let key = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| CryptoError::BadKey)?;
        Ok(Self { key, appid: appid.to_owned() })
    }

    fn iv(&self) -> &[u8] {
        &self.key[..16]
    }

    /// Decrypts an `Encrypt` field and checks that it was meant for our appid.
    pub fn decrypt(&self, encrypted: &str) -> Result<String, CryptoError> {
        let ciphertext = STANDARD.decode(encrypted.trim()).map_err(|_| CryptoError::BadCiphertext)?;
        if ciphertext.is_empty() || ciphertext.len() % PAD_BLOCK != 0 {
            return Err(CryptoError::BadCiphertext);
        }
        let plain = Decryptor::new_from_slices(&self.key, self.iv())
            .map_err(|_| CryptoError::BadKey)?
            .decrypt_padded_vec_mut::<NoPadding>(&ciphertext)
            .map_err(|_| CryptoError::BadCiphertext)?;
        let pad = usize::from(*plain.last().ok_or(CryptoError::BadPadding)?);
        if !(1..=PAD_BLOCK).contains(&pad) || plain[plain.len() - pad..].iter().any(|b| usize::from(*b) != pad) {
            return Err(CryptoError::BadPadding);
        }
        let content = &plain[..plain.len() - pad];
        let length_bytes = content.get(16..20).ok_or(CryptoError::BadLength)?;
        let length = u32::from_be_bytes([length_bytes[0], length_bytes[1], length_bytes[2], length_bytes[3]]) as usize;
        let message = content.get(20..20 + length).ok_or(CryptoError::BadLength)?;
        let appid = &content[20 + length..];
        if appid != self.appid.as_bytes() {
            return Err(CryptoError::WrongAppid);
        }
        String::from_utf8(message.to_vec()).map_err(|_| CryptoError::BadLength)
    }

    /// Encrypts a message (a reply) the way WeChat does: random(16) ‖ len ‖ msg ‖ appid.
    pub fn encrypt(&self, message: &str) -> String {
        let mut plain = Vec::with_capacity(message.len() + self.appid.len() + 20 + PAD_BLOCK);
        let mut random = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut random);
        plain.extend_from_slice(&random);
        plain.extend_from_slice(&u32::try_from(message.len()).unwrap_or(u32::MAX).to_be_bytes());
        plain.extend_from_slice(message.as_bytes());
        plain.extend_from_slice(self.appid.as_bytes());
        let pad = PAD_BLOCK - plain.len() % PAD_BLOCK;
        plain.extend(std::iter::repeat_n(pad as u8, pad));
        let ciphertext = Encryptor::new_from_slices(&self.key, self.iv())
            .map(|encryptor| encryptor.encrypt_padded_vec_mut::<NoPadding>(&plain))
            .unwrap_or_default();
        STANDARD.encode(ciphertext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    #[test]
    fn signature_matches_the_protocol_vectors() {
        assert_eq!(signature(&["AAAAA", "1714036504", "1514711492"]), "f464b24fc39322e44b38aa78f5edd27bd1441696");
        assert_eq!(signature(&["AAAAA", "1714037059", "486452656"]), "899cf89e464efb63f54ddac96b0a0a235f53aa78");
        assert!(signature_matches(&["AAAAA", "1714037059", "486452656"], "899CF89E464EFB63F54DDAC96B0A0A235F53AA78"));
        assert!(!signature_matches(&["AAAAA", "1714037059", "486452657"], "899cf89e464efb63f54ddac96b0a0a235f53aa78"));
    }

    #[test]
    fn round_trips_every_padding_length() {
        let cipher = MessageCipher::new(KEY, "wx1234").unwrap();
        // 20 header bytes + 6 appid bytes: lengths 0..=64 cover pads 1 through 32.
        for length in 0..=64 {
            let message = "x".repeat(length);
            let encrypted = cipher.encrypt(&message);
            assert_eq!(STANDARD.decode(&encrypted).unwrap().len() % 32, 0);
            assert_eq!(cipher.decrypt(&encrypted).unwrap(), message, "length {length}");
        }
    }

    #[test]
    fn a_full_block_of_padding_is_accepted() {
        // 16 + 4 + 6 + 6 = 32 bytes of content: the padding is a whole extra block of 32.
        let cipher = MessageCipher::new(KEY, "wx1234").unwrap();
        let encrypted = cipher.encrypt("abcdef");
        assert_eq!(STANDARD.decode(&encrypted).unwrap().len(), 64);
        assert_eq!(cipher.decrypt(&encrypted).unwrap(), "abcdef");
    }

    #[test]
    fn rejects_another_appid_and_tampering() {
        let ours = MessageCipher::new(KEY, "wx1234").unwrap();
        let theirs = MessageCipher::new(KEY, "wx9999").unwrap();
        assert_eq!(ours.decrypt(&theirs.encrypt("<xml/>")), Err(CryptoError::WrongAppid));
        let mut bytes = STANDARD.decode(ours.encrypt("<xml/>")).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x55;
        assert!(ours.decrypt(&STANDARD.encode(bytes)).is_err());
        assert_eq!(ours.decrypt("not base64!"), Err(CryptoError::BadCiphertext));
        assert!(MessageCipher::new("short", "wx").is_err());
    }

    #[test]
    fn the_local_default_key_is_usable() {
        let key = crate::config::local_defaults::WECHAT_AES_KEY;
        MessageCipher::new(key, "wx").unwrap();
    }
}
