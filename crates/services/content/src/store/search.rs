//! Persona search by name or alias, for Chinese text, on SQLite and MySQL alike.
//!
//! Why n-grams: `LIKE '%冰冰%'` cannot use an index and scans every persona; MySQL's
//! FULLTEXT `ngram` parser does not exist in MariaDB, and SQLite's FTS5 is another
//! dialect again. Chinese has no spaces to split words on, so each name and alias is
//! indexed by its single characters and adjacent character pairs in an ordinary table
//! with a B-tree key. A query of one character looks up that character; a longer query
//! needs every one of its pairs, which narrows the candidates through the index, and
//! the caller then confirms the whole query is a substring (pairs alone could match
//! 「冰范冰」 for 「范冰冰」 in the wrong order).

use sqlx::Row as _;

use super::ContentStore;

impl ContentStore {
    /// Personas whose grams include every one of `grams`; at most `limit` ids.
    pub async fn search_candidates(&self, grams: &[String], limit: i64) -> sqlx::Result<Vec<String>> {
        if grams.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT g.persona_id FROM persona_search_grams g JOIN personas p ON p.id = g.persona_id \
             WHERE p.removed_at IS NULL AND g.gram IN ({}) GROUP BY g.persona_id, p.popularity \
             HAVING COUNT(DISTINCT g.gram) = ? ORDER BY p.popularity DESC, g.persona_id DESC LIMIT ?",
            yujie_db::placeholders(grams.len())
        );
        let mut query = sqlx::query(&sql);
        for gram in grams {
            query = query.bind(gram);
        }
        let rows =
            query.bind(i64::try_from(grams.len()).unwrap_or(i64::MAX)).bind(limit).fetch_all(self.pool()).await?;
        rows.iter().map(|row| row.try_get("persona_id")).collect()
    }
}
