//! Login attempts limited per account and per client address, before the user service is asked.

use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::LoginRateLimits;
use crate::error::Error;

/// How often keys whose buckets have refilled are forgotten.
const SWEEP_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct LoginLimiter {
    per_account: Arc<DefaultKeyedRateLimiter<String>>,
    per_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl LoginLimiter {
    pub fn new(limits: LoginRateLimits) -> Self {
        Self::with_quotas(
            Quota::per_minute(limits.per_account_per_minute),
            Quota::per_minute(limits.per_address_per_minute),
        )
    }

    fn with_quotas(per_account: Quota, per_address: Quota) -> Self {
        Self {
            per_account: Arc::new(DefaultKeyedRateLimiter::keyed(per_account)),
            per_address: Arc::new(DefaultKeyedRateLimiter::keyed(per_address)),
        }
    }

    /// Counts one attempt for `address` and then for `email`. The address is checked first, so
    /// one address cannot fill the account table with made-up emails faster than its own limit.
    pub fn check(&self, email: &str, address: IpAddr) -> Result<(), Error> {
        if let Err(not_until) = self.per_address.check_key(&address_key(address)) {
            return Err(Error::RateLimited {
                scope: "address",
                retry_after: not_until.wait_time_from(self.per_address.clock().now()),
            });
        }
        if let Err(not_until) = self.per_account.check_key(&account_key(email)) {
            return Err(Error::RateLimited {
                scope: "account",
                retry_after: not_until.wait_time_from(self.per_account.clock().now()),
            });
        }
        Ok(())
    }

    /// Forgets keys whose buckets are full again, so memory follows recent traffic only.
    pub fn sweep(&self) {
        self.per_account.retain_recent();
        self.per_account.shrink_to_fit();
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
    }

    /// Sweeps every minute until dropped (aborted).
    pub async fn sweep_periodically(self) {
        let mut interval = tokio::time::interval(SWEEP_INTERVAL);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            self.sweep();
        }
    }

    #[cfg(test)]
    fn keys(&self) -> (usize, usize) {
        (self.per_account.len(), self.per_address.len())
    }
}

/// The account an email names, as the user service compares them.
fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// One IPv4 address, or one IPv6 /64 (what a single host or home is usually given).
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    fn limiter(per_account: u32, per_address: u32) -> LoginLimiter {
        LoginLimiter::new(LoginRateLimits {
            per_account_per_minute: NonZeroU32::new(per_account).unwrap(),
            per_address_per_minute: NonZeroU32::new(per_address).unwrap(),
        })
    }

    #[test]
    fn emails_differing_in_case_and_spaces_share_a_bucket() {
        let limiter = limiter(2, 100);
        let address = IpAddr::from([192, 0, 2, 1]);
        limiter.check("Alice@Example.com", address).unwrap();
        limiter.check(" alice@example.COM ", address).unwrap();
        assert!(matches!(
            limiter.check("alice@example.com", address),
            Err(Error::RateLimited {
                scope: "account",
                ..
            })
        ));
    }

    #[test]
    fn ipv6_hosts_of_one_network_share_a_bucket_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(other));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(address_key(mapped), IpAddr::from([192, 0, 2, 1]));
    }

    #[test]
    fn the_wait_is_at_most_one_replenish_interval() {
        let limiter = limiter(1, 100);
        let address = IpAddr::from([192, 0, 2, 1]);
        limiter.check("bob@example.com", address).unwrap();
        match limiter.check("bob@example.com", address) {
            Err(Error::RateLimited { retry_after, .. }) => {
                assert!(retry_after > Duration::from_secs(50), "{retry_after:?}");
                assert!(retry_after <= Duration::from_secs(60), "{retry_after:?}");
            }
            other => panic!("expected a rate limit, got {other:?}"),
        }
    }

    #[test]
    fn sweeping_forgets_only_keys_whose_buckets_are_full_again() {
        let limiter = LoginLimiter::with_quotas(
            Quota::per_minute(NonZeroU32::new(1).unwrap()),
            Quota::with_period(Duration::from_millis(20)).unwrap(),
        );
        let address = IpAddr::from([192, 0, 2, 1]);
        limiter.check("carol@example.com", address).unwrap();
        assert_eq!(limiter.keys(), (1, 1));
        std::thread::sleep(Duration::from_millis(60));
        limiter.sweep();
        // The address bucket refilled after 20 ms; the account one needs a minute.
        assert_eq!(limiter.keys(), (1, 0));
    }
}
