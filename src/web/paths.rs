//! The one check every redirect target and every link built from a request's
//! path goes through: only a path on this site, never one a browser would
//! read as another site (`//host`, `/\host`, their percent-encoded forms, or
//! with tabs and newlines that browsers drop).

/// Longest path kept; a longer one is replaced like an unsafe one.
const MAX_LEN: usize = 2000;

/// `path` if it is a path on this site, else `/`.
pub fn safe_path(path: &str) -> String {
    if is_safe_path(path) {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

pub fn is_safe_path(path: &str) -> bool {
    let plain = |p: &str| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains('\\')
            && !p.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    path.len() <= MAX_LEN && plain(path) && plain(&percent_decoded(path))
}

/// The path with its `%XX` escapes decoded (repeatedly, so `%252F` counts as
/// `/` too); bytes that are not UTF-8 become U+FFFD.
fn percent_decoded(path: &str) -> String {
    let mut current = path.to_owned();
    for _ in 0..3 {
        let next = percent_encoding::percent_decode_str(&current)
            .decode_utf8_lossy()
            .into_owned();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_other_sites_are_refused() {
        for bad in [
            "//evil.example/x",
            "/\\evil.example/",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%09/evil.example",
            "https://evil.example",
            "evil.example",
            "",
            " /x",
        ] {
            assert_eq!(safe_path(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn paths_of_this_site_are_kept() {
        for good in ["/", "/children", "/admin/users/5#posts", "/cases?after=12"] {
            assert_eq!(safe_path(good), good);
        }
    }
}
