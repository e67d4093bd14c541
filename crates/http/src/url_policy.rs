//! Which URLs the transport talks to: https anywhere, plain http only to this machine.

use std::net::IpAddr;

use url::{Host, Url};

/// Why a URL is refused, or `None` when the transport may send to it.
pub(crate) fn refusal(url: &Url) -> Option<String> {
    let scheme = url.scheme();
    let Some(host) = url.host() else {
        return Some(format!("the URL `{url}` has no host"));
    };
    match scheme {
        "https" => None,
        "http" if is_loopback(&host) => None,
        "http" => Some(format!(
            "refusing plain http to host `{host}`: only https is allowed, except to loopback hosts \
             (127.0.0.0/8, ::1, localhost)"
        )),
        other => Some(format!(
            "refusing scheme `{other}` (host `{host}`): only https is allowed, and http to loopback hosts"
        )),
    }
}

/// True for the addresses of this machine that tests and the emulator listen on.
pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => {
            let name = name.trim_end_matches('.');
            name.eq_ignore_ascii_case("localhost")
        }
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str) -> Option<String> {
        refusal(&Url::parse(url).unwrap())
    }

    #[test]
    fn https_is_allowed_everywhere() {
        for url in [
            "https://graph.microsoft.com/beta/x",
            "https://127.0.0.1:8443/",
            "https://[2001:db8::1]/",
        ] {
            assert_eq!(check(url), None, "{url}");
        }
    }

    #[test]
    fn http_is_allowed_to_loopback_only() {
        for url in [
            "http://127.0.0.1:8080/",
            "http://127.255.1.2/",
            "http://[::1]:9000/",
            "http://localhost/",
            "http://LOCALHOST:1/",
            "http://localhost./",
        ] {
            assert_eq!(check(url), None, "{url}");
        }
    }

    #[test]
    fn http_to_remote_hosts_is_refused_naming_scheme_and_host() {
        for (url, host) in [
            ("http://graph.microsoft.com/beta", "graph.microsoft.com"),
            ("http://10.0.0.1/", "10.0.0.1"),
            ("http://[2001:db8::1]/", "[2001:db8::1]"),
            ("http://localhost.evil.example/", "localhost.evil.example"),
            ("http://128.0.0.1/", "128.0.0.1"),
        ] {
            let message = check(url).unwrap_or_else(|| panic!("{url} was allowed"));
            assert!(message.contains("plain http"), "{message}");
            assert!(message.contains(host), "{message}");
        }
    }

    #[test]
    fn other_schemes_are_refused() {
        let message = check("ftp://127.0.0.1/file").unwrap();
        assert!(message.contains("`ftp`"), "{message}");
        assert!(message.contains("127.0.0.1"), "{message}");
        assert!(check("file:///etc/passwd").unwrap().contains("no host"));
    }
}
