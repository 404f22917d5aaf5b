//! Opaque keyset cursors: the sort key and id of the last item of a page.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};

use crate::error::{ContentError, Result};

pub fn encode_cursor(key: i64, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{key}:{id}"))
}

pub fn decode_cursor(cursor: &str) -> Result<(i64, String)> {
    let invalid = || ContentError::invalid("cursor", "is not a cursor from a previous page");
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?).map_err(|_| invalid())?;
    let (key, id) = text.split_once(':').ok_or_else(invalid)?;
    Ok((key.parse().map_err(|_| invalid())?, id.to_owned()))
}

/// Cuts a store answer of `limit + 1` rows to one page, and makes the cursor of the
/// next page from the last row kept (`key` gives its sort key and id) when more follow.
pub fn into_page<T>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> (i64, &str)) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows.last().map(|last| {
        let (sort_key, id) = key(last);
        encode_cursor(sort_key, id)
    });
    (rows, next)
}
