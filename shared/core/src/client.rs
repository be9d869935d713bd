//! Channels to other services of the suite, with deadlines and retries on UNAVAILABLE.

use std::future::Future;
use std::time::Duration;

use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};

/// Default deadline of one internal call.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// A lazily connecting channel to `url`; an unreachable peer shows up as UNAVAILABLE per call.
pub fn channel(url: &str) -> Result<Channel, tonic::transport::Error> {
    Ok(Endpoint::from_shared(url.to_owned())?
        .connect_timeout(Duration::from_secs(2))
        .timeout(CALL_TIMEOUT)
        .tcp_nodelay(true)
        .connect_lazy())
}

/// Runs `call` until it returns something other than UNAVAILABLE, at most `attempts` times,
/// with exponential backoff between tries.
pub async fn retry_unavailable<T, F, Fut>(attempts: u32, mut call: F) -> Result<T, Status>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    let mut delay = Duration::from_millis(50);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(status) if status.code() == Code::Unavailable && attempt < attempts => {
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}
