use std::process::ExitCode;

use event_service::{Config, MIGRATIONS, build};

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let _telemetry = circle_core::telemetry::init("event-service")?;
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("event-service: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    match std::env::args().nth(1).as_deref() {
        None => {
            let app = build(config).await?;
            tracing::info!(addr = %app.local_addr(), "event-service serving");
            app.run_until_stopped(circle_core::server::shutdown_signal())
                .await?;
        }
        Some("migrate") => {
            let applied = circle_core::db::migrate(&config.db, &MIGRATIONS).await?;
            tracing::info!(?applied, "event-service migrations applied");
        }
        Some(other) => {
            eprintln!("event-service: unknown command {other:?}; usage: event-service [migrate]");
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}
