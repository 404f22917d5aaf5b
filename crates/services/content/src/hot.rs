//! The hot ranking, stored with each post and comment and updated in the same
//! transaction as the reaction or comment that changes it, so reading a hot feed is
//! an index scan.
//!
//! `hot = sign(s) · log10(max(|s|, 1)) + created_at_seconds / 45000`, where `s` is
//! likes − dislikes + 2 × comments for a post (likes − dislikes + replies for a
//! comment). Ten times the score is worth 12.5 hours of freshness, so the decay needs
//! no batch job: a newer item starts higher, and an older one stays where its score
//! put it. It is stored as an integer (× 10⁶) so keyset pages compare exactly.

pub fn hot_rank(score: i64, created_at_ms: i64) -> i64 {
    let magnitude = (score.unsigned_abs().max(1) as f64).log10();
    let sign = score.signum() as f64;
    let freshness = created_at_ms as f64 / 1000.0 / 45_000.0;
    ((sign * magnitude + freshness) * 1_000_000.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_and_liked_beats_old_and_plain() {
        let now = 1_800_000_000_000;
        let day = 86_400_000;
        assert!(hot_rank(5, now) > hot_rank(0, now - day));
        assert!(hot_rank(0, now) > hot_rank(0, now - 60_000), "a minute of freshness counts");
        assert!(
            hot_rank(10, now - 45_000_000) == hot_rank(1, now)
                || hot_rank(10, now - 45_000_000).abs_diff(hot_rank(1, now)) <= 1
        );
        assert!(hot_rank(-10, now) < hot_rank(0, now));
    }
}
