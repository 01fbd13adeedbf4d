//! The `If` request header (RFC 4918 §10.4): lists of state tokens and entity tags,
//! optionally tagged with the resource they are about.

/// One condition of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub not: bool,
    pub kind: ConditionKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConditionKind {
    /// A lock token or other state token (`<opaquelocktoken:…>`, `<DAV:no-lock>`).
    Token(String),
    /// An entity tag, quotes included (`"abc"`).
    ETag(String),
}

/// A parenthesised list, with the resource it is about (`None`: the request's own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub resource: Option<String>,
    pub conditions: Vec<Condition>,
}

/// Parses an `If` header; `None` when it is malformed.
pub fn parse(value: &str) -> Option<Vec<List>> {
    let mut lists = Vec::new();
    let mut resource: Option<String> = None;
    let mut rest = value.trim_start();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>')?;
            resource = Some(after[..end].to_owned());
            rest = after[end + 1..].trim_start();
            if !rest.starts_with('(') {
                return None;
            }
            continue;
        }
        let after = rest.strip_prefix('(')?;
        let end = after.find(')')?;
        let conditions = conditions(&after[..end])?;
        lists.push(List {
            resource: resource.clone(),
            conditions,
        });
        rest = after[end + 1..].trim_start();
    }
    (!lists.is_empty()).then_some(lists)
}

fn conditions(mut text: &str) -> Option<Vec<Condition>> {
    let mut out = Vec::new();
    loop {
        text = text.trim_start();
        if text.is_empty() {
            break;
        }
        let mut not = false;
        if text.len() >= 3 && text[..3].eq_ignore_ascii_case("not") {
            not = true;
            text = text[3..].trim_start();
        }
        if let Some(after) = text.strip_prefix('<') {
            let end = after.find('>')?;
            out.push(Condition {
                not,
                kind: ConditionKind::Token(after[..end].to_owned()),
            });
            text = &after[end + 1..];
        } else if let Some(after) = text.strip_prefix('[') {
            let end = after.find(']')?;
            let tag = after[..end].trim();
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            out.push(Condition {
                not,
                kind: ConditionKind::ETag(tag.to_owned()),
            });
            text = &after[end + 1..];
        } else {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Every state token named without `Not`: the lock tokens the request submits.
pub fn submitted_tokens(lists: &[List]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in lists.iter().flat_map(|l| &l.conditions) {
        if let (false, ConditionKind::Token(t)) = (c.not, &c.kind)
            && !out.contains(t)
        {
            out.push(t.clone());
        }
    }
    out
}

/// What a condition is checked against.
#[derive(Clone, Debug, Default)]
pub struct ResourceState {
    /// Quoted; `None` when the resource does not exist.
    pub etag: Option<String>,
    /// Tokens of the locks that cover it.
    pub lock_tokens: Vec<String>,
}

/// Whether one list holds for the resource it is about.
pub fn list_holds(list: &List, state: &ResourceState) -> bool {
    list.conditions.iter().all(|c| {
        let matched = match &c.kind {
            ConditionKind::Token(t) => state.lock_tokens.iter().any(|l| l == t),
            ConditionKind::ETag(e) => state.etag.as_deref() == Some(e.as_str()),
        };
        matched != c.not
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_untagged_and_tagged_lists() {
        let lists = parse(r#"(<opaquelocktoken:a> ["e1"]) (Not <DAV:no-lock> [W/"e2"])"#).unwrap();
        assert_eq!(lists.len(), 2);
        assert_eq!(lists[0].resource, None);
        assert!(lists[1].conditions[0].not);
        assert_eq!(
            lists[1].conditions[1].kind,
            ConditionKind::ETag("\"e2\"".into())
        );
        assert_eq!(submitted_tokens(&lists), ["opaquelocktoken:a"]);
        let tagged = parse("<http://h/x> (<t1>) <http://h/y> (<t2>)").unwrap();
        assert_eq!(tagged[1].resource.as_deref(), Some("http://h/y"));
        for bad in ["", "(", "()", "<x>", "(<a>", "(foo)", "([e)"] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn evaluates_lists() {
        let state = ResourceState {
            etag: Some("\"e\"".into()),
            lock_tokens: vec!["t".into()],
        };
        let holds = |h: &str| parse(h).unwrap().iter().any(|l| list_holds(l, &state));
        assert!(holds(r#"(<t> ["e"])"#));
        assert!(!holds(r#"(<t> ["x"])"#));
        assert!(holds("(<bad>) (Not <DAV:no-lock>)"));
        assert!(!holds(r#"(<t> ["x"]) (Not <DAV:no-lock> ["x"])"#));
    }
}
