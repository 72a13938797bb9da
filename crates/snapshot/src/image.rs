//! Image references (shared by the collector and the engine): which registry an image comes from, and for a private Amazon ECR image,
//! its account, Region and repository. Hand-written: `oci-spec`'s `Reference` splits registry and
//! path, but no crate knows ECR's hostname forms, and for this question the split is one line.

/// Where an image is pulled from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repo>[:tag|@digest]`.
    PrivateEcr {
        account: String,
        region: String,
        repository: String,
        /// The tag or `sha256:` digest; `latest` when absent.
        reference: String,
        host: String,
    },
    /// Any other registry (Docker Hub, `public.ecr.aws`, `ghcr.io`, …): needs the internet.
    Other { registry: String },
    /// Not an image reference at all (empty, spaces, upper case in the path, a bad tag or
    /// digest): the pull fails with `invalid reference format` before any network access.
    Invalid { reason: String },
}

pub fn parse(image: &str) -> ImageSource {
    if let Some(reason) = invalid(image) {
        return ImageSource::Invalid { reason };
    }
    let (first, rest) = image.split_once('/').unwrap_or(("", image));
    let is_host = first.contains('.') || first.contains(':') || first == "localhost";
    if !is_host {
        return ImageSource::Other {
            registry: "docker.io".into(),
        };
    }
    if let Some((account, region)) = parse_ecr_host(first) {
        let (repository, reference) = split_reference(rest);
        return ImageSource::PrivateEcr {
            account,
            region,
            repository,
            reference,
            host: first.to_string(),
        };
    }
    ImageSource::Other {
        registry: first.to_string(),
    }
}

/// Why `image` is not a reference Docker/containerd accept, if it is not. Hand-written: the
/// distribution reference grammar is a dozen rules, and the crates that implement it bring a
/// dependency tree larger than this function.
fn invalid(image: &str) -> Option<String> {
    if image.is_empty() {
        return Some("the image is empty".into());
    }
    if let Some(c) = image.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!("it contains {c:?}"));
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    if let Some(d) = digest {
        let ok = d.split_once(':').is_some_and(|(alg, hex)| {
            !alg.is_empty()
                && alg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
                && !hex.is_empty()
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if !ok {
            return Some(format!("the digest {d} is not <algorithm>:<hex>"));
        }
    }
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    let (path, tag) = match name[slash..].rfind(':') {
        Some(i) => (&name[..slash + i], Some(&name[slash + i + 1..])),
        None => (name, None),
    };
    if let Some(t) = tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && !t.starts_with(['.', '-'])
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !ok {
            return Some(format!("the tag {t:?} is not valid"));
        }
    }
    // The first component is a registry host when it looks like one (it may have upper case
    // and a port); the repository path after it must be lower case.
    let mut components: Vec<&str> = path.split('/').collect();
    if components.len() > 1 {
        let first = components[0];
        if first.contains('.') || first.contains(':') || first == "localhost" {
            components.remove(0);
        }
    }
    for c in &components {
        let ok = !c.is_empty()
            && c.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            && c.as_bytes()[0].is_ascii_alphanumeric()
            && c.as_bytes()[c.len() - 1].is_ascii_alphanumeric();
        if !ok {
            return Some(format!(
                "the repository path component {c:?} is not lower-case letters, digits and separators"
            ));
        }
    }
    None
}

fn parse_ecr_host(host: &str) -> Option<(String, String)> {
    // Dual-stack: `<account>.dkr-ecr.<region>.on.aws`.
    if let Some(rest) = host.strip_suffix(".on.aws") {
        let mut parts = rest.splitn(3, '.');
        let (account, kind, region) = (parts.next()?, parts.next()?, parts.next()?);
        let ok = account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit())
            && kind == "dkr-ecr"
            && !region.contains('.');
        return ok.then(|| (account.to_string(), region.to_string()));
    }
    let host = host.strip_suffix(".cn").unwrap_or(host);
    let host = host.strip_suffix(".amazonaws.com")?;
    let mut parts = host.splitn(4, '.');
    let account = parts.next()?;
    let dkr = parts.next()?;
    let ecr = parts.next()?;
    let region = parts.next()?;
    let ok = account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && dkr == "dkr"
        && (ecr == "ecr" || ecr == "ecr-fips")
        && !region.is_empty()
        && !region.contains('.');
    ok.then(|| (account.to_string(), region.to_string()))
}

fn split_reference(path: &str) -> (String, String) {
    if let Some((repo, digest)) = path.split_once('@') {
        // `repo:tag@sha256:…`: the digest decides; the tag is decoration.
        let slash = repo.rfind('/').map_or(0, |i| i + 1);
        let repo = match repo[slash..].rfind(':') {
            Some(i) => &repo[..slash + i],
            None => repo,
        };
        return (repo.to_string(), digest.to_string());
    }
    // A tag follows the last ':' after the last '/'.
    let slash = path.rfind('/').map_or(0, |i| i + 1);
    match path[slash..].rfind(':') {
        Some(i) => (
            path[..slash + i].to_string(),
            path[slash + i + 1..].to_string(),
        ),
        None => (path.to_string(), "latest".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            ("nginx", None, "docker.io"),
            ("nginx:1.27", None, "docker.io"),
            ("library/nginx", None, "docker.io"),
            ("public.ecr.aws/nginx/nginx:latest", None, "public.ecr.aws"),
            ("ghcr.io/o/r@sha256:abc", None, "ghcr.io"),
            ("localhost:5000/x", None, "localhost:5000"),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1.2",
                Some(("123456789012", "us-east-1", "team/app", "1.2")),
                "",
            ),
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:ff",
                Some(("123456789012", "eu-west-1", "app", "sha256:ff")),
                "",
            ),
            (
                "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app",
                Some(("123456789012", "us-gov-west-1", "app", "latest")),
                "",
            ),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0@sha256:ab",
                Some(("123456789012", "us-east-1", "app", "sha256:ab")),
                "",
            ),
            (
                "123456789012.dkr-ecr.eu-west-3.on.aws/app:v",
                Some(("123456789012", "eu-west-3", "app", "v")),
                "",
            ),
            (
                "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:v",
                Some(("123456789012", "cn-north-1", "app", "v")),
                "",
            ),
        ];
        for bad in [
            "",
            " nginx",
            "nginx:",
            "Nginx",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/App:1",
            "app@sha256:xyz",
            "app:tag with space",
            "a//b",
        ] {
            assert!(
                matches!(parse(bad), ImageSource::Invalid { .. }),
                "{bad:?} should be invalid"
            );
        }
        for (image, ecr, registry) in cases {
            match (parse(image), ecr) {
                (
                    ImageSource::PrivateEcr {
                        account,
                        region,
                        repository,
                        reference,
                        ..
                    },
                    Some((a, r, repo, tag)),
                ) => {
                    assert_eq!(
                        (&*account, &*region, &*repository, &*reference),
                        (a, r, repo, tag),
                        "{image}"
                    )
                }
                (ImageSource::Other { registry: got }, None) => {
                    assert_eq!(got, registry, "{image}")
                }
                (got, _) => panic!("{image}: {got:?}"),
            }
        }
    }
}
