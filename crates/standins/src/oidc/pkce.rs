//! RFC 7636 proof key for code exchange, `S256` only.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use ring::digest;
use yujie_kernel::service::constant_time_eq;

/// 43 to 128 unreserved characters: the shape of both a code verifier and an S256
/// code challenge (RFC 7636 §4.1, §4.2).
pub fn well_formed(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte))
}

/// The S256 challenge of a verifier: BASE64URL-NOPAD(SHA256(verifier)).
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()))
}

/// Whether the verifier presented at the token endpoint answers the challenge.
pub fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    well_formed(verifier) && constant_time_eq(s256_challenge(verifier).as_bytes(), challenge.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_example_matches() {
        assert_eq!(s256_challenge(VERIFIER), CHALLENGE);
        assert!(verifier_matches(VERIFIER, CHALLENGE));
    }

    #[test]
    fn another_verifier_or_a_plain_challenge_does_not() {
        let other = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK";
        assert!(!verifier_matches(other, CHALLENGE));
        assert!(!verifier_matches(VERIFIER, VERIFIER), "the plain method is not accepted");
    }

    #[test]
    fn malformed_verifiers_are_refused() {
        assert!(!well_formed("short"));
        assert!(!well_formed(&"a".repeat(129)));
        assert!(!well_formed(&format!("{}+/", "a".repeat(43))));
        assert!(well_formed(&"a~.-_".repeat(9)));
        // A short verifier never matches, even its own challenge.
        assert!(!verifier_matches("short", &s256_challenge("short")));
    }
}
