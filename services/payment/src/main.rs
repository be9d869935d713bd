use std::process::ExitCode;

use payment_service::{Config, MIGRATIONS, build};

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let _telemetry = circle_core::telemetry::init("payment-service")?;
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("payment-service: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    match std::env::args().nth(1).as_deref() {
        None => {
            let app = build(config).await?;
            tracing::info!(addr = %app.local_addr(), "payment-service serving");
            app.run_until_stopped(circle_core::server::shutdown_signal())
                .await?;
        }
        Some("migrate") => {
            let applied = circle_core::db::migrate(&config.db, &MIGRATIONS).await?;
            tracing::info!(?applied, "payment-service migrations applied");
        }
        Some(other) => {
            eprintln!(
                "payment-service: unknown command {other:?}; usage: payment-service [migrate]"
            );
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}
