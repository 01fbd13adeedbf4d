//! Trusted reverse proxies: behind one, every connection comes from the proxy, and the
//! client's address (for the login guard, the per-address rate limit and the login
//! history) is in `X-Forwarded-For`. That header is believed only when the connection comes
//! from a proxy the administrator named; then the client is the right-most address in it
//! that is not itself a trusted proxy.

use std::net::IpAddr;
use std::str::FromStr;

/// An address block, `10.0.0.0/8` or a single address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpBlock {
    addr: IpAddr,
    prefix: u8,
}

impl IpBlock {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (canonical(self.addr), canonical(ip)) {
            (IpAddr::V4(block), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(block) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(block), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(block) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, what a dual-stack socket reports) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for IpBlock {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("'{s}' is not an address or address/prefix"))?;
        let addr = canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("'{s}' has a prefix outside 0-{max}"))?,
        };
        Ok(IpBlock { addr, prefix })
    }
}

/// The proxies whose `X-Forwarded-For` is believed; empty believes none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpBlock>);

impl TrustedProxies {
    /// A comma-separated list of addresses and blocks; empty for none.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(IpBlock::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|b| b.contains(ip))
    }

    /// The client's address for a connection from `peer` carrying `forwarded_for` (the
    /// `X-Forwarded-For` values, in order).
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                // A malformed hop ends what can be believed.
                break;
            };
            client = canonical(ip);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn blocks() {
        let b: IpBlock = "10.0.0.0/8".parse().unwrap_or(IpBlock {
            addr: ip("0.0.0.0"),
            prefix: 32,
        });
        assert!(b.contains(ip("10.2.3.4")) && !b.contains(ip("11.0.0.1")));
        assert!(b.contains(ip("::ffff:10.9.9.9")));
        assert!(
            "0.0.0.0/0"
                .parse::<IpBlock>()
                .is_ok_and(|b| b.contains(ip("8.8.8.8")))
        );
        assert!(
            "fd00::/8"
                .parse::<IpBlock>()
                .is_ok_and(|b| b.contains(ip("fd12::1")))
        );
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0.0/x", "::/129"] {
            assert!(bad.parse::<IpBlock>().is_err(), "{bad}");
        }
        assert!(TrustedProxies::parse("").is_ok_and(|t| t.is_empty()));
        assert!(TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").is_ok());
        assert!(TrustedProxies::parse("127.0.0.1, oops").is_err());
    }

    #[test]
    fn the_client_is_the_last_untrusted_hop() {
        let t = TrustedProxies::parse("127.0.0.1,10.0.0.0/8").unwrap_or_default();
        // Not from a proxy: the header is ignored.
        assert_eq!(
            t.client(ip("198.51.100.7"), &["203.0.113.5"]),
            ip("198.51.100.7")
        );
        // From a proxy: the right-most untrusted hop; spoofed hops to its left are ignored.
        assert_eq!(
            t.client(ip("127.0.0.1"), &["1.2.3.4, 203.0.113.5, 10.1.1.1"]),
            ip("203.0.113.5")
        );
        assert_eq!(
            t.client(ip("127.0.0.1"), &["1.2.3.4", "203.0.113.5"]),
            ip("203.0.113.5")
        );
        // Nothing forwarded, or garbage: the proxy itself.
        assert_eq!(t.client(ip("127.0.0.1"), &[]), ip("127.0.0.1"));
        assert_eq!(t.client(ip("127.0.0.1"), &["junk"]), ip("127.0.0.1"));
        // No proxies trusted: always the peer.
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("127.0.0.1"), &["203.0.113.5"]),
            ip("127.0.0.1")
        );
    }
}
