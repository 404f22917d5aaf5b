//! The provider's HTML: the identity chooser and the error page, in Simplified Chinese.

use std::fmt::Write as _;

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};

use super::identities::StaffIdentity;

const TITLE: &str = "选择要登录的员工身份（本地替身）";

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f5f5f7;color:#1d1d1f}\
main{max-width:32rem;margin:3rem auto;padding:1.5rem;background:#fff;border-radius:.75rem}\
h1{font-size:1.35rem}ul{list-style:none;padding:0}li{margin:.75rem 0}\
button{width:100%;padding:.75rem;font-size:1rem;text-align:left;border:1px solid #888;border-radius:.5rem;\
background:#fff;cursor:pointer}button:hover,button:focus-visible{outline:3px solid #0057d9;outline-offset:2px}\
.detail{display:block;font-size:.875rem;color:#444;margin-top:.25rem}fieldset{border:0;padding:0;margin:0}\
legend{font-weight:600}.cancel{margin-top:1.5rem;text-align:center;border-color:#bbb}";

/// Escapes text for HTML content and double- or single-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let document = format!(
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    );
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    (status, headers, document).into_response()
}

/// The sign-in page: one button per identity, in a form that posts the authorization
/// request back (its parameters in hidden fields) with the chosen identity.
pub fn chooser(client_id: &str, hidden: &[(&str, &str)], identities: &[(&StaffIdentity, Vec<String>)]) -> Response {
    let mut body = format!(
        "<h1>{TITLE}</h1>\n<p>这是本地模式的公司身份提供方替身，不校验密码。应用 <code>{}</code> \
         请求以员工身份登录。</p>\n<form method=\"post\" action=\"authorize\">\n",
        escape(client_id)
    );
    for (name, value) in hidden {
        let _ = writeln!(body, "<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(name), escape(value));
    }
    body.push_str("<fieldset>\n<legend>员工身份</legend>\n<ul>\n");
    for (identity, groups) in identities {
        let groups = if groups.is_empty() {
            "无角色，控制台应拒绝登录".to_owned()
        } else {
            format!("组：{}", groups.join("、"))
        };
        let _ = writeln!(
            body,
            "<li><button type=\"submit\" name=\"identity\" value=\"{}\">{}\
             <span class=\"detail\">{} · {}</span></button></li>",
            escape(identity.sub),
            escape(identity.name),
            escape(identity.email),
            escape(&groups)
        );
    }
    body.push_str(
        "</ul>\n</fieldset>\n<button type=\"submit\" name=\"cancel\" value=\"1\" class=\"cancel\">取消登录</button>\n\
         </form>\n",
    );
    html(StatusCode::OK, TITLE, &body)
}

/// A request that cannot be answered by redirecting (unknown client or redirect URI).
pub fn invalid_request(reason: &str) -> Response {
    let body =
        format!("<h1>登录请求无效</h1>\n<p role=\"alert\">{}</p>\n<p>请返回员工控制台重新登录。</p>\n", escape(reason));
    html(StatusCode::BAD_REQUEST, "登录请求无效（本地替身）", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_both_quotes() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(escape("审核员 李娜"), "审核员 李娜");
    }
}
