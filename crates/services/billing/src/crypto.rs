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

/// The encrypting side, for tests (the stand-ins seal with their own code).
#[cfg(test)]
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

    /// Reference vectors published with WeChat Pay's official Java SDK
    /// (wechatpay-apiv3/wechatpay-java, `core/src/test`): the APIv3 key of `TestConfig`,
    /// `AeadAesCipherTest`, the encrypted platform certificate of a certificate
    /// download answer, and `RSAVerifierTest` with `merchant_certificate.pem`.
    mod wechatpay_reference {
        pub const API_V3_KEY: &[u8] = b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
        pub const SEALED_MESSAGE: &str = "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=";
        /// `/v3/certificates` answer: nonce `14b16c03dc1b`, associated data `certificate`.
        pub const SEALED_CERTIFICATE: &str = concat!(
            "Mr/AxbvY+WL9hKlD5nIa03LOMPpn5f+CWeNxE4ujl0f5gXZ9XLJ9CldkArCOTsbU62XgKnTc3YvRMZQ7wCmE2fzwmAenAyST",
            "YsPms72JhggPWfdqVxri9YD5wBYKn8Ck0Fc5JIiVw9WlN2oxHBz83mRVsjoTGC5+cX1CdYqKuZ8pkvi0aCJIq07ZC8MHoTow",
            "Uz+4jYJy9XeKqip83Z7BmUYxsePpNM+HtihBqTJIUYXJfX7Col5X0ACsApRoU9l6swfW/kzvqNpDJavhDBGasLrr5822+Fk5",
            "nVkcTi53f8Wbue7ODWjJxj1yhRYcxFCvXLtpYNB+Qa1aXtrBSdBdBI2p7o+6Imn+auHLBCzkrZqF/yd+d4vTn4tqHPLUj89X",
            "cHsMf96uBo3T/HQV8LEDeIO+6YvOK9FrIDYsvp+imN4n/mnF7eJKo9mpN/QqWJiawrFpAmMMxFKBjIdpgMnVUl3Z11RcWKyf",
            "OJ3kcmItTWcnZFNyDgR9cS0aU6QPlefa3uUW89uzBuHjcFdDl43yU3LE4qZnHLDcDgx4qt0OFCLiy51GXtEpyYs5k99YJBvK",
            "K+RyIs4Yc1/smBmClQUhxW+8bsPNOcXfDvH2yX4YzESoO4TV0RqiCgnsSd4zIFyJPiMKIGzVHiw6Kg0eGCmB4mGHEEZCQ0eN",
            "3SSPO0QVjjtBYfgXDZfVHSaAB8PjWBVNFimoViZZQrwT6Ygo0LU0Dd8+F5aHFYr4OPHPslr3hrgutEYXDTv1vTA6ABJGqknJ",
            "9Y2vtyWpy7aIwxc0kQq/1ezjs+RMVL/LRpGDnbx1/CGPDjZhYgZypKa55+PDhoaQxqkF3xCLz2DGoNHZYmFqxzAOsAK0vJZw",
            "4VcAk6ssbA6YIaMuiemEpxfLC9ZiXtRqsX9s+GWjjtA8JywOFMO+NKZm9BH/E5YNg2DDD3sHG9Mciwn7yJ6sdf8h2lAWlEEx",
            "AOeiBNyshOHAQ0/S+x1ncWNiqY+Uh5n0rtonvePV2MsxVlEWR3AVHn1abcEWkzivd+G5kg7LYO0goqzGClcQfnFfZdO6KwcM",
            "XsBCnm9A1Bl4+k5LLokTIYH5/36SRIZ9j0CHGD77BQLE7x8AlNsoFS2m263tLLq78TFqvZUTIZIQcVIl+NInscS3xQbA38qq",
            "FqutCWIwoF1azuJ7woiJyMvnS3xzIpNzP+rzJ8VDXxjLjpEUBOC9WDs74+QMtsAdmh6g0KDclHEk8WJ4P2bnso4z3VCGoDT5",
            "X/0bS1C+jMZMKaOCNB21FZ08qgUHmKeDeg8ylENu+mh2Y/AaEDSGkGBHIfFbhMYO3uRxhk9hldiHEnHgdkXiVAAUWk/IhtmG",
            "ijibO/L76vB74Xpes973uK+2iFKgNBk8qTLLZZnuWbcMQuA6VsFULRb/C+q9B21YuAWPMzvgBwr4EX2m/OpF5w8Q0HL7v1H5",
            "H0mIGJbrjnklUPoBYrw30W3uk7yF0KE6sfMukafFx0S9rBOL0RykGDPwC0lHSNySkXDeM5XvDJ+dtHK+RDwhJR+azfrWAHGM",
            "tZcQ+YVamjWVmHxXM03j3GeCXgqae1upwHzkPL5OwojcQ5MQi3Kv/1xtwY0cRN/yeZTOsXfujtqhkJj/Vltby4lnW4SCj4Lj",
            "WQF19BY6zhzF4yybBA8bhhtoNP/zx8QkhHAkIROkK2ZVgfocCAPvfQ+vSrsIBO+L5cmg6mzFn4g84lsHscgXnszIlzUrzx/4",
            "Tam0uwuS9J1gddZ0I0QUt9SJzfsoBCTU0OgNMUtXKS5HvgXe7abexMtFH5eulOsAuFZkQ5LYJa/m4yHFInXzL/t3hjdTi2Nm",
            "xUufvYzwIyffRTu5vS9vjscARD9lUQDHFQ/xgWe1i8EkRlrSfjlXt00+4//h2bcJKyTBT3IXwvKNsuY29V9/vU3HkvWKZ99z",
            "pSlmcZRuBa1BHbyPEvc0NlqIIoKidxqUvOR64MzudHhAjgWFP+IXojfhS3Gj9OJhBL7s",
        );
        pub const CERTIFICATE_SERIAL: &str = "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC";
        /// A certificate (serial 5F1C72E2…) and its key's SHA256withRSA signature of `message`.
        pub const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----\nMIIDrTCCApWgAwIBAgIUXxxy4qiTG3Ki4Tr43ukkces5cRUwDQYJKoZIhvcNAQEL\nBQAwZjELMAkGA1UEBhMCQ04xEjAQBgNVBAgMCUd1YW5nZG9uZzERMA8GA1UEBwwI\nc2hlbnpoZW4xITAfBgNVBAoMGEludGVybmV0IFdpZGdpdHMgUHR5IEx0ZDENMAsG\nA1UEAwwEdGVzdDAeFw0yMjA1MTAwMTU3MTBaFw0yNTA1MDkwMTU3MTBaMGYxCzAJ\nBgNVBAYTAkNOMRIwEAYDVQQIDAlHdWFuZ2RvbmcxETAPBgNVBAcMCHNoZW56aGVu\nMSEwHwYDVQQKDBhJbnRlcm5ldCBXaWRnaXRzIFB0eSBMdGQxDTALBgNVBAMMBHRl\nc3QwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCaZzehUwzcxdLgGn/U\nNryHLdX0yBvCqD0p92/BdlCIBi0dmzZzrfc+FF0xK70AP9b2+Ry5q+zXUU+dPucJ\nmgwABiZ+Lte+4euMxqPCEkdEu9lyiphalpoaOVPbmDNatzq9k5a/P454QRWMdkLU\nJZCeoL9bF2Gn/2+wWEw3sL8zFFcOM8Jr1PdOLmAx+h7pf/87jcmXXCm+SZqw5MtI\nLKQi9zHWujYdMA0IcYNeQaNl1h/NUnungdIHKaaU+17wCXqTcZsipAGoqfqrHx/s\nr30ZszOdHYOvFNiB+rhEldBGSLWwSYE6LFkbP9GdQWKIQCip3E5dLj5ZFkDeOv4H\nekf9AgMBAAGjUzBRMB0GA1UdDgQWBBQQicr3Vq+2NG2ykH0nxQxsct1RtTAfBgNV\nHSMEGDAWgBQQicr3Vq+2NG2ykH0nxQxsct1RtTAPBgNVHRMBAf8EBTADAQH/MA0G\nCSqGSIb3DQEBCwUAA4IBAQCH//ZlSAbc6xRlwKwwfbHMsVpAfo/p+Y3397Gi4sR8\nRbsW6a3ezXhbiSGiJxDnerx9Cmp4K6U+D3Fl0N9K6CDWfwpGNiZvjmCxtM/wb7dM\nu+4U0MXJGBcaePj4mtV/+qPxSWDCQ+PR5OcYRQnac9LfrffTuejQx5aw9FcD7egI\nSYfgkZ/wgHyQcZyhh8s6DuigpEaVGMLLoWDZGJ3D+rt4kXk9y5+03KBB2vobyl6P\n+PDgaYrlNR/UQMnKMdkgWp7bebmrcXte32/6FAwK3SuHZOSkteDtRCYhYfG5SGSr\ngo1ujfIK1zIFyPkKKnsgTUPJXwdC7LI+ZqJuWTyVTNj6\n-----END CERTIFICATE-----";
        pub const SIGNATURE_OF_MESSAGE: &str = concat!(
            "Rq+5ZpWV6IHTWE1+9gCrYJKguNgbItpMdlIA+PVCPCdUAKNlohZz7CL7Y8xWDIFJjdGnErMj6Z+Q/h9CF5MV+nAVkqDmBR0u",
            "P5ppsUEzco4ijvKHsvI2ro4boSW6vSfQs3W8I4QSI9a0/NFIgvj83Fv27LIYZf7deaFWmEwd1fpAeJRCyoKyBeJPdsjVx0//",
            "Lqe6Wze2zVdliLcBvaHCfpd8+rAVGS+FQDeWgHqJ7n/Zy09LmV1/ghs7pO1mdjdD16SHKlysAD3K5hNGUJX/SHrEXEcu1yO1",
            "AOb/YvOVkjNh8243rcfXNE5L4ph2XS11vS+2aToKYSOcKUagf0LLaw==",
        );
        /// Another key (their WeChat Pay public key), which must not verify it.
        pub const OTHER_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4qBVumAat3oWPdWVuU24\nfkTVJ7hn6Lvp6m4dCq+d/txH9BDaE2ztUtuAYTb+WeugVoDZKphrQX5tismQq/aN\n/rptyvBX8xCAzsmXFsYXWIsiG9cdU4FKk227akp5Yu3d74TXUjDyijwDampQ2HZT\nu8O6CeyuuYYxHcpW0VkkStaIHXztqfBGV8K9EM67cbSmC+nq+KY+OIo9rHZUkCnc\nLrrBdHf59Ik/KdRsEU1EzzUqPe5dVYDsuiPxWQvQf88SgKu/+/15YFimlpEya9Pd\nkCcTV0xy/OSIisIFHek6j9Ii5jLvqhVwaSa+5zkhrrSq4/b10kXLjh3IPsTDenYt\n7wIDAQAB\n-----END PUBLIC KEY-----";
    }

    #[test]
    fn aes_gcm_matches_wechatpays_reference_vector() {
        use wechatpay_reference::*;
        let plain = aes_gcm_decrypt(API_V3_KEY, "uluk4a9R25RW", "associatedData", SEALED_MESSAGE).unwrap();
        assert_eq!(plain, b"message");
        assert_eq!(aes_gcm_encrypt(API_V3_KEY, "uluk4a9R25RW", "associatedData", b"message").unwrap(), SEALED_MESSAGE);
        assert!(aes_gcm_decrypt(API_V3_KEY, "uluk4a9R25RW", "associatedDatb", SEALED_MESSAGE).is_err());
    }

    #[test]
    fn a_real_platform_certificate_decrypts_and_loads() {
        use wechatpay_reference::*;
        use x509_cert::der::Decode as _;
        let pem = aes_gcm_decrypt(API_V3_KEY, "14b16c03dc1b", "certificate", SEALED_CERTIFICATE).unwrap();
        let pem = String::from_utf8(pem).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
        let (label, der) = pem_or_base64(&pem).unwrap();
        assert_eq!(label, "CERTIFICATE");
        let certificate = x509_cert::Certificate::from_der(&der).unwrap();
        let serial: String =
            certificate.tbs_certificate.serial_number.as_bytes().iter().map(|byte| format!("{byte:02X}")).collect();
        assert_eq!(serial, CERTIFICATE_SERIAL);
        RsaVerifier::from_pem(&pem).unwrap();
    }

    #[test]
    fn rsa_verifies_wechatpays_reference_signature_under_a_certificate() {
        use wechatpay_reference::*;
        let verifier = RsaVerifier::from_pem(CERTIFICATE).unwrap();
        assert!(verifier.verify_base64(b"message", SIGNATURE_OF_MESSAGE));
        assert!(!verifier.verify_base64(b"messagf", SIGNATURE_OF_MESSAGE));
        assert!(!RsaVerifier::from_pem(OTHER_PUBLIC_KEY).unwrap().verify_base64(b"message", SIGNATURE_OF_MESSAGE));
    }
}
