//! Reading a server-sent event stream (the providers' streaming replies).

use bytes::{Buf as _, BytesMut};
use futures::{Stream, StreamExt as _};

/// One event: its `event:` name if any, and its `data:` lines joined by `\n`.
/// Comment lines (`: keep-alive`) and `id:`/`retry:` fields are skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: String,
}

/// Splits a byte stream into events, whatever the chunking: an event can arrive split
/// across chunks, or several in one chunk.
pub fn events<S, E>(body: S) -> impl Stream<Item = anyhow::Result<SseEvent>>
where
    S: Stream<Item = Result<bytes::Bytes, E>> + Send + Unpin,
    E: std::error::Error + Send + Sync + 'static,
{
    futures::stream::unfold((body, BytesMut::new(), false), |(mut body, mut buffer, mut ended)| async move {
        loop {
            if let Some(event) = take_event(&mut buffer, ended) {
                return Some((Ok(event), (body, buffer, ended)));
            }
            if ended {
                return None;
            }
            match body.next().await {
                Some(Ok(chunk)) => buffer.extend_from_slice(&chunk),
                Some(Err(error)) => return Some((Err(anyhow::Error::new(error)), (body, buffer, true))),
                None => ended = true,
            }
        }
    })
}

/// Takes the first complete event out of the buffer (at the end of the stream, what is
/// left counts as complete).
fn take_event(buffer: &mut BytesMut, ended: bool) -> Option<SseEvent> {
    loop {
        let (end, separator) = match [find(buffer, b"\n\n"), find(buffer, b"\r\n\r\n")] {
            [Some(a), Some(b)] if b < a => (b, 4),
            [Some(a), _] => (a, 2),
            [None, Some(b)] => (b, 4),
            [None, None] if ended && !buffer.iter().all(u8::is_ascii_whitespace) => (buffer.len(), 0),
            [None, None] => return None,
        };
        let block = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.advance(end + separator);
        if let Some(event) = parse_block(&block) {
            return Some(event);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let mut event = None;
    let mut data: Vec<&str> = Vec::new();
    for line in block.lines() {
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event = Some(value.to_owned()),
            "data" => data.push(value),
            _ => {}
        }
    }
    (!data.is_empty()).then(|| SseEvent { event, data: data.join("\n") })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    async fn parse(chunks: &[&str]) -> Vec<SseEvent> {
        let chunks: Vec<Result<bytes::Bytes, std::io::Error>> =
            chunks.iter().map(|chunk| Ok(bytes::Bytes::from(chunk.to_string()))).collect();
        events(futures::stream::iter(chunks)).map(|event| event.unwrap()).collect().await
    }

    #[tokio::test]
    async fn events_survive_any_chunking_and_skip_comments() {
        let events = parse(&[": keep-alive\n\nda", "ta: {\"a\":1}\n", "\nevent: end\ndata: x\r\n\r\ndata: last"]).await;
        assert_eq!(
            events,
            vec![
                SseEvent { event: None, data: "{\"a\":1}".into() },
                SseEvent { event: Some("end".into()), data: "x".into() },
                SseEvent { event: None, data: "last".into() },
            ]
        );
    }

    #[tokio::test]
    async fn multibyte_characters_split_across_chunks_stay_whole() {
        let text = "data: 你好\n\n";
        let (a, b) = text.as_bytes().split_at(8);
        let chunks =
            vec![Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(a)), Ok(bytes::Bytes::copy_from_slice(b))];
        let events: Vec<_> = events(futures::stream::iter(chunks)).collect().await;
        assert_eq!(events[0].as_ref().unwrap().data, "你好");
    }
}
