//! The client's address behind reverse proxies we were told to trust
//! (`KORGOO_TRUSTED_PROXIES`). A header is read only when the peer itself is
//! one of them; the hops are then walked from the right (the one our proxy
//! added) past trusted proxies, and the first other one is the client. A hop
//! that is not an IP address ends the walk at the peer: what the header says
//! is never stored as such.

use std::net::IpAddr;
use std::str::FromStr;

use actix_web::HttpRequest;
use actix_web::http::header;

/// One address or a CIDR block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for Net {
    type Err = String;
    fn from_str(s: &str) -> Result<Net, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or CIDR block"))?;
        let addr = canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?} has a bad prefix length"))?,
        };
        Ok(Net { addr, prefix })
    }
}

/// The reverse proxies whose headers are read; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Net>);

impl TrustedProxies {
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromStr for TrustedProxies {
    type Err = String;
    fn from_str(s: &str) -> Result<TrustedProxies, String> {
        s.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Net::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

/// The client's address as text (empty when the peer is unknown).
pub fn client_address(req: &HttpRequest, trusted: &TrustedProxies) -> String {
    let Some(peer) = req.peer_addr().map(|a| canonical(a.ip())) else {
        return String::new();
    };
    let forwarded_for: Vec<&str> = req
        .headers()
        .get_all(header::X_FORWARDED_FOR)
        .filter_map(|v| v.to_str().ok())
        .collect();
    let forwarded: Vec<&str> = req
        .headers()
        .get_all(header::FORWARDED)
        .filter_map(|v| v.to_str().ok())
        .collect();
    resolve(peer, trusted, &forwarded_for, &forwarded).to_string()
}

/// The walk itself, on the header values in the order they came.
/// X-Forwarded-For is read when present, else `Forwarded`.
pub fn resolve(
    peer: IpAddr,
    trusted: &TrustedProxies,
    forwarded_for: &[&str],
    forwarded: &[&str],
) -> IpAddr {
    if !trusted.contains(peer) {
        return peer;
    }
    let hops: Vec<String> = if !forwarded_for.is_empty() {
        forwarded_for
            .iter()
            .flat_map(|v| v.split(','))
            .map(|h| h.trim().to_owned())
            .collect()
    } else {
        forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .map(|(_, v)| v.trim().trim_matches('"').to_owned())
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            return peer;
        };
        client = ip;
        if !trusted.contains(ip) {
            break;
        }
    }
    client
}

/// `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]` or `[::1]:5678`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sa) = hop.parse::<std::net::SocketAddr>() {
        return Some(canonical(sa.ip()));
    }
    hop.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<IpAddr>().ok())
        .map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidr_blocks_match() {
        let t: TrustedProxies = "10.0.0.0/8, 192.168.1.1,fd00::/8".parse().unwrap();
        assert!(t.contains(ip("10.200.3.4")));
        assert!(t.contains(ip("::ffff:10.0.0.1")));
        assert!(t.contains(ip("192.168.1.1")));
        assert!(!t.contains(ip("192.168.1.2")));
        assert!(t.contains(ip("fd12::1")));
        assert!(!t.contains(ip("11.0.0.1")));
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("gateway".parse::<TrustedProxies>().is_err());
        assert!("".parse::<TrustedProxies>().unwrap().is_empty());
    }

    #[test]
    fn headers_are_read_only_from_a_trusted_peer() {
        let t: TrustedProxies = "10.0.0.1".parse().unwrap();
        let stranger = ip("203.0.113.9");
        assert_eq!(resolve(stranger, &t, &["1.1.1.1"], &[]), stranger);
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let t: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let proxy = ip("10.0.0.1");
        assert_eq!(
            resolve(proxy, &t, &["6.6.6.6, 198.51.100.7, 10.0.0.2"], &[]),
            ip("198.51.100.7")
        );
        assert_eq!(
            resolve(proxy, &t, &["6.6.6.6", "198.51.100.7:443"], &[]),
            ip("198.51.100.7")
        );
        assert_eq!(
            resolve(
                proxy,
                &t,
                &[],
                &["for=6.6.6.6, for=\"[2001:db8::1]:80\";proto=https"]
            ),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn a_hop_that_is_no_address_gives_the_peer() {
        let t: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let proxy = ip("10.0.0.1");
        assert_eq!(
            resolve(
                proxy,
                &t,
                &["1.2.3.4, <b>ministry-gateway</b> 10.10.10.10"],
                &[]
            ),
            proxy
        );
        assert_eq!(resolve(proxy, &t, &[], &["for=unknown"]), proxy);
    }
}
