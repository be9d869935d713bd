use user_service::{Config, MIGRATIONS, build};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _telemetry = circle_core::telemetry::init("user-service")?;
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("user-service: {err}");
            std::process::exit(2);
        }
    };
    match std::env::args().nth(1).as_deref() {
        Some("migrate") => {
            let applied = circle_core::db::migrate(&config.db, &MIGRATIONS).await?;
            tracing::info!(?applied, "migrations applied");
            Ok(())
        }
        Some(other) => {
            eprintln!("user-service: unknown command {other:?}; usage: user-service [migrate]");
            std::process::exit(2);
        }
        None => {
            build(config)
                .await?
                .run_until_stopped(circle_core::server::shutdown_signal())
                .await?;
            Ok(())
        }
    }
}
