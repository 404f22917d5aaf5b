//! The XML messages WeChat pushes to the callback, and our passive replies.

use serde::Deserialize;

/// The outer body: plain mode carries the whole message, safe mode only `Encrypt`.
#[derive(Debug, Deserialize)]
#[serde(rename = "xml")]
pub struct Envelope {
    #[serde(rename = "Encrypt")]
    pub encrypt: Option<String>,
}

/// The fields of an event push we use.
#[derive(Debug, Deserialize, Clone)]
#[serde(rename = "xml")]
pub struct EventMessage {
    /// Our official account's original id (gh_…).
    #[serde(rename = "ToUserName")]
    pub to_user_name: String,
    /// The user's openid.
    #[serde(rename = "FromUserName")]
    pub from_user_name: String,
    #[serde(rename = "CreateTime")]
    pub create_time: i64,
    #[serde(rename = "MsgType")]
    pub msg_type: String,
    #[serde(rename = "Event")]
    pub event: Option<String>,
    #[serde(rename = "EventKey")]
    pub event_key: Option<String>,
    #[serde(rename = "Ticket")]
    pub ticket: Option<String>,
    #[serde(rename = "UnionId")]
    pub union_id: Option<String>,
}

/// A scan of one of our sign-in QR codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanEvent {
    pub openid: String,
    pub scene: String,
    pub ticket: String,
    pub create_time: i64,
    /// True when the scan made the user a new follower (`subscribe`).
    pub new_follower: bool,
}

impl EventMessage {
    pub fn parse(xml: &str) -> Result<Self, quick_xml::DeError> {
        quick_xml::de::from_str(xml)
    }

    /// The scan this message reports, if it is one: `subscribe` with
    /// `EventKey=qrscene_<scene>`, or `SCAN` with `EventKey=<scene>`, and a ticket.
    pub fn scan(&self) -> Option<ScanEvent> {
        if self.msg_type != "event" {
            return None;
        }
        let key = self.event_key.as_deref()?;
        let (scene, new_follower) = match self.event.as_deref()? {
            "subscribe" => (key.strip_prefix("qrscene_")?, true),
            "SCAN" => (key, false),
            _ => return None,
        };
        Some(ScanEvent {
            openid: self.from_user_name.clone(),
            scene: scene.to_owned(),
            ticket: self.ticket.clone()?,
            create_time: self.create_time,
            new_follower,
        })
    }
}

/// A passive text reply shown to the user in WeChat.
pub fn text_reply(to_openid: &str, from_account: &str, created_at: i64, content: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[{}]]></ToUserName><FromUserName><![CDATA[{}]]></FromUserName>\
         <CreateTime>{created_at}</CreateTime><MsgType><![CDATA[text]]></MsgType>\
         <Content><![CDATA[{}]]></Content></xml>",
        cdata(to_openid),
        cdata(from_account),
        cdata(content)
    )
}

/// The safe-mode reply envelope.
pub fn encrypted_reply(encrypt: &str, signature: &str, timestamp: &str, nonce: &str) -> String {
    format!(
        "<xml><Encrypt><![CDATA[{}]]></Encrypt><MsgSignature><![CDATA[{}]]></MsgSignature>\
         <TimeStamp>{}</TimeStamp><Nonce><![CDATA[{}]]></Nonce></xml>",
        cdata(encrypt),
        cdata(signature),
        cdata(timestamp),
        cdata(nonce)
    )
}

/// A CDATA section cannot contain `]]>`; split it where it occurs.
fn cdata(text: &str) -> String {
    text.replace("]]>", "]]]]><![CDATA[>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_subscribe_and_scan() {
        let subscribe = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oU1]]></FromUserName>\
            <CreateTime>123</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>\
            <EventKey><![CDATA[qrscene_abc]]></EventKey><Ticket><![CDATA[T1]]></Ticket></xml>";
        let scan = EventMessage::parse(subscribe).unwrap().scan().unwrap();
        assert_eq!((scan.scene.as_str(), scan.ticket.as_str(), scan.new_follower), ("abc", "T1", true));
        let rescan = subscribe.replace("subscribe", "SCAN").replace("qrscene_abc", "abc");
        assert!(!EventMessage::parse(&rescan).unwrap().scan().unwrap().new_follower);
    }

    #[test]
    fn ignores_other_messages_and_refuses_broken_xml() {
        let text = "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>\
            <MsgType>text</MsgType></xml>";
        assert_eq!(EventMessage::parse(text).unwrap().scan(), None);
        assert!(EventMessage::parse("<xml><ToUserName>gh</ToUserName").is_err());
    }
}
