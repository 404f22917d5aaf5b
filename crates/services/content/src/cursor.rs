//! Opaque keyset cursors: the sort key and id of the last item of a page.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use yujie_kernel::{ApiError, ApiResult};

pub fn encode_cursor(key: i64, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{key}:{id}"))
}

pub fn decode_cursor(cursor: &str) -> ApiResult<(i64, String)> {
    let invalid = || ApiError::invalid_field("cursor", "is not a cursor from a previous page");
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?).map_err(|_| invalid())?;
    let (key, id) = text.split_once(':').ok_or_else(invalid)?;
    Ok((key.parse().map_err(|_| invalid())?, id.to_owned()))
}
