//! WeChat's side of the callback protocol, written from the protocol description and
//! independently of our verifier, so that each checks the other.

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut as _, BlockEncryptMut as _, KeyIvInit as _};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use rand::Rng as _;
use sha1::{Digest as _, Sha1};

/// The official account as WeChat sees it: the shared token and, in safe mode, the key.
#[derive(Clone)]
pub struct WechatPeer {
    pub token: String,
    pub appid: String,
    /// The 32-byte AES key, when pushes are encrypted.
    pub aes_key: Option<[u8; 32]>,
    /// The account's original id, the `ToUserName` of every push.
    pub account_id: String,
}

/// A push ready to send: the query string and the body.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SignedPush {
    pub query: Vec<(String, String)>,
    pub body: String,
}

/// The XML of a scan: `subscribe` for a new follower (`EventKey=qrscene_<scene>`),
/// `SCAN` for an existing one.
pub fn scan_event_xml(
    account_id: &str,
    openid: &str,
    scene: &str,
    ticket: &str,
    create_time: i64,
    new_follower: bool,
) -> String {
    let (event, key) =
        if new_follower { ("subscribe", format!("qrscene_{scene}")) } else { ("SCAN", scene.to_owned()) };
    format!(
        "<xml><ToUserName><![CDATA[{account_id}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>\
         <CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>\
         <EventKey><![CDATA[{key}]]></EventKey><Ticket><![CDATA[{ticket}]]></Ticket></xml>"
    )
}

fn sha1_of_sorted(mut parts: Vec<&str>) -> String {
    parts.sort();
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

impl WechatPeer {
    /// Decodes an EncodingAESKey (43 base64 characters, the last one possibly with
    /// stray bits) the way WeChat's own samples do: append `=` and decode leniently.
    pub fn decode_aes_key(encoding_aes_key: &str) -> Option<[u8; 32]> {
        use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
        let lenient = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
        );
        let bytes = lenient.decode(format!("{encoding_aes_key}=")).ok()?;
        bytes.try_into().ok()
    }

    /// Signs (and, with a key, encrypts) a message as a push at `timestamp`.
    pub fn push(&self, xml: &str, timestamp: i64) -> SignedPush {
        let timestamp = timestamp.to_string();
        let nonce = rand::thread_rng().gen_range(100_000_000u32..999_999_999).to_string();
        let signature = sha1_of_sorted(vec![&self.token, &timestamp, &nonce]);
        let mut query = vec![
            ("signature".to_owned(), signature),
            ("timestamp".to_owned(), timestamp.clone()),
            ("nonce".to_owned(), nonce.clone()),
        ];
        let body = match self.aes_key {
            None => xml.to_owned(),
            Some(key) => {
                let encrypt = self.encrypt(&key, xml);
                let msg_signature = sha1_of_sorted(vec![&self.token, &timestamp, &nonce, &encrypt]);
                query.push(("encrypt_type".to_owned(), "aes".to_owned()));
                query.push(("msg_signature".to_owned(), msg_signature));
                format!(
                    "<xml><ToUserName><![CDATA[{}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>",
                    self.account_id
                )
            }
        };
        SignedPush { query, body }
    }

    fn encrypt(&self, key: &[u8; 32], xml: &str) -> String {
        let mut plain: Vec<u8> = (0..16).map(|_| rand::thread_rng().gen::<u8>()).collect();
        plain.extend((xml.len() as u32).to_be_bytes());
        plain.extend(xml.as_bytes());
        plain.extend(self.appid.as_bytes());
        let pad = 32 - plain.len() % 32;
        plain.resize(plain.len() + pad, pad as u8);
        let encryptor = cbc::Encryptor::<aes::Aes256>::new(key.into(), key[..16].into());
        STANDARD.encode(encryptor.encrypt_padded_vec_mut::<NoPadding>(&plain))
    }

    /// Reads our passive reply: plain XML as is; an encrypted one is checked against
    /// its `MsgSignature` and decrypted. `None` if it does not verify.
    pub fn open_reply(&self, reply: &str) -> Option<String> {
        let Some(key) = self.aes_key else { return Some(reply.to_owned()) };
        if !reply.contains("<Encrypt>") {
            return Some(reply.to_owned());
        }
        let field = |name: &str| {
            let start = reply.find(&format!("<{name}>"))? + name.len() + 2;
            let end = reply[start..].find(&format!("</{name}>"))? + start;
            Some(reply[start..end].trim_start_matches("<![CDATA[").trim_end_matches("]]>").to_owned())
        };
        let (encrypt, signature, timestamp, nonce) =
            (field("Encrypt")?, field("MsgSignature")?, field("TimeStamp")?, field("Nonce")?);
        if sha1_of_sorted(vec![&self.token, &timestamp, &nonce, &encrypt]) != signature {
            return None;
        }
        let cipher = STANDARD.decode(encrypt).ok()?;
        let decryptor = cbc::Decryptor::<aes::Aes256>::new(&key.into(), key[..16].into());
        let plain = decryptor.decrypt_padded_vec_mut::<NoPadding>(&cipher).ok()?;
        let pad = *plain.last()? as usize;
        let body = plain.get(..plain.len().checked_sub(pad)?)?;
        let length = u32::from_be_bytes(body.get(16..20)?.try_into().ok()?) as usize;
        let (message, appid) = body.get(20..)?.split_at_checked(length)?;
        (appid == self.appid.as_bytes()).then(|| String::from_utf8_lossy(message).into_owned())
    }
}
