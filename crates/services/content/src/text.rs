//! Plain text to safe HTML: everything is escaped, line breaks become `<br>`, and
//! http(s) links become anchors that cannot run script or pass on authority.

/// Renders user text for direct insertion into a page.
pub fn render_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            html.push_str("<br>");
        }
        render_line(line.trim_end_matches('\r'), &mut html);
    }
    html
}

fn render_line(line: &str, html: &mut String) {
    let mut rest = line;
    while let Some(start) = find_link(rest) {
        escape_into(&rest[..start], html);
        let link = &rest[start..];
        let end = link.find(|c: char| c.is_whitespace() || "<>\"'`".contains(c) || !c.is_ascii()).unwrap_or(link.len());
        let url = link[..end].trim_end_matches(['.', ',', ')', '!', '?', ';', ':']);
        html.push_str("<a href=\"");
        escape_into(url, html);
        html.push_str("\" rel=\"nofollow noopener noreferrer ugc\" target=\"_blank\">");
        escape_into(url, html);
        html.push_str("</a>");
        rest = &link[url.len()..];
    }
    escape_into(rest, html);
}

fn find_link(text: &str) -> Option<usize> {
    let http = text.find("http://");
    let https = text.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn escape_into(text: &str, html: &mut String) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            _ => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render_html;

    #[test]
    fn script_and_markup_are_inert() {
        let html = render_html("<script>alert(1)</script>\n<img src=x onerror=alert(1)>");
        assert_eq!(html, "&lt;script&gt;alert(1)&lt;/script&gt;<br>&lt;img src=x onerror=alert(1)&gt;");
    }

    #[test]
    fn links_are_safe_anchors_and_other_schemes_stay_text() {
        let html = render_html("看 https://example.com/a?b=1&c=2。 javascript:alert(1)");
        assert!(html.contains("<a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer ugc\""));
        assert!(html.contains("javascript:alert(1)") && !html.contains("href=\"javascript"));
        let quoted = render_html("https://x.example/\"onmouseover=alert(1)");
        assert!(!quoted.contains("\"onmouseover"), "{quoted}");
    }
}
