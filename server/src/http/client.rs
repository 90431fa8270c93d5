//! Who is on the other end of a request: the client's address and whether it came over
//! HTTPS. Behind a reverse proxy the peer is the proxy; only a proxy named in
//! `MINSHENG_TRUSTED_PROXIES` is believed when it says whom it forwards (`Forwarded`,
//! `X-Forwarded-For`) and how (`X-Forwarded-Proto`). From anyone else those headers are
//! removed at the door, so nothing further in can be fooled by them: the throttles, the
//! session record, the audit log, Secure cookies and HSTS all read the one answer here.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The reverse proxies in front of Minsheng (`MINSHENG_TRUSTED_PROXIES`: addresses or CIDR
/// blocks, separated by commas or spaces). None by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// The forwarding headers, which only a trusted proxy may send.
const FORWARDING: [&str; 3] = ["forwarded", "x-forwarded-for", "x-forwarded-proto"];

impl TrustedProxies {
    /// Reads the setting; an entry that is no address or block is an error naming it.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split([',', ' '])
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| entry.to_owned())
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer's, or — when the peer is a trusted proxy — the nearest
    /// address in the forwarding chain that is not a trusted proxy (a client can write any
    /// address at the far end of the chain; only what trusted proxies appended counts).
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let chain = forwarded_for(headers);
        let mut client = peer;
        for hop in chain.iter().rev() {
            client = *hop;
            if !self.trusts(*hop) {
                break;
            }
        }
        client
    }
}

/// The addresses a forwarding chain names, nearest the client first: `Forwarded`'s `for=`
/// (RFC 7239) when there is one, else `X-Forwarded-For`. Unreadable entries (`unknown`, an
/// obfuscated name) end the chain there.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_owned())
            .collect()
    };
    let forwarded: Vec<String> = values("forwarded")
        .into_iter()
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.eq_ignore_ascii_case("for")
                    .then(|| value.trim().to_owned())
            })
        })
        .collect();
    let entries = if forwarded.is_empty() {
        values("x-forwarded-for")
    } else {
        forwarded
    };
    let mut chain = Vec::new();
    for entry in entries.iter().rev() {
        match parse_node(entry) {
            Some(ip) => chain.push(ip),
            None => break,
        }
    }
    chain.reverse();
    chain
}

/// An address as forwarding headers write it: `192.0.2.1`, `192.0.2.1:4711`, `"[2001:db8::1]:4711"`.
fn parse_node(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim().trim_matches('"');
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = entry.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    entry.parse::<SocketAddr>().ok().map(|addr| addr.ip())
}

/// The client as the layer found it, in every request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
}

/// The layer: finds the client and removes forwarding headers no trusted proxy sent.
pub async fn find_client(
    State(proxies): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let peer = peer.ip();
        if proxies.trusts(peer) {
            let ip = proxies.client(peer, request.headers());
            request.extensions_mut().insert(Client { ip });
        } else {
            strip_forwarding(request.headers_mut());
            request.extensions_mut().insert(Client { ip: peer });
        }
    } else {
        // No peer known (a request made inside the process): nobody to believe.
        strip_forwarding(request.headers_mut());
    }
    next.run(request).await
}

fn strip_forwarding(headers: &mut HeaderMap) {
    for name in FORWARDING {
        headers.remove(name);
    }
}

/// The client's address, for throttling, the session record and the audit log.
pub fn client_ip(extensions: &axum::http::Extensions) -> Option<String> {
    extensions
        .get::<Client>()
        .map(|client| client.ip.to_canonical().to_string())
}

/// The client's address of a request whose parts an extractor holds.
pub fn ip_of(parts: &Parts) -> Option<String> {
    client_ip(&parts.extensions)
}

/// Whether the request came over HTTPS: the site is HTTPS only, or the trusted proxy in front
/// says so (`X-Forwarded-Proto: https`; from anyone else the layer removed it).
pub fn came_over_https(headers: &HeaderMap, https_only: bool) -> bool {
    https_only
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_setting_takes_addresses_and_blocks() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.1 ::1").expect("valid");
        assert!(proxies.trusts(ip("10.1.2.3")) && proxies.trusts(ip("192.0.2.1")));
        assert!(proxies.trusts(ip("::1")) && !proxies.trusts(ip("192.0.2.2")));
        assert!(
            proxies.trusts(ip("::ffff:10.0.0.1")),
            "an IPv4 peer on an IPv6 socket"
        );
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/8, nonsense"),
            Err("nonsense".to_owned())
        );
        assert_eq!(TrustedProxies::parse(""), Ok(TrustedProxies::default()));
    }

    #[test]
    fn only_a_trusted_proxy_is_believed() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").expect("valid");
        let forwarded = headers(&[("x-forwarded-for", "203.0.113.7")]);
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &forwarded),
            ip("203.0.113.7")
        );
        assert_eq!(
            proxies.client(ip("198.51.100.1"), &forwarded),
            ip("198.51.100.1")
        );
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.2"), &forwarded),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn a_client_cannot_pick_its_own_address() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").expect("valid");
        // The client wrote 1.2.3.4; the proxies appended what they saw.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7, 10.0.0.9")]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &chain), ip("203.0.113.7"));
        let split = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.8"),
        ]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &split), ip("203.0.113.8"));
        let garbage = headers(&[("x-forwarded-for", "1.2.3.4, unknown")]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &garbage), ip("10.0.0.2"));
    }

    #[test]
    fn the_standard_header_is_read_first() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").expect("valid");
        let both = headers(&[
            (
                "forwarded",
                r#"for=192.0.2.60;proto=https, for="[2001:db8::7]:4711""#,
            ),
            ("x-forwarded-for", "198.51.100.9"),
        ]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &both), ip("2001:db8::7"));
        let port = headers(&[("forwarded", "for=192.0.2.60:8080")]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &port), ip("192.0.2.60"));
    }
}
