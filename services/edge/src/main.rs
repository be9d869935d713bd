use edge_service::{Config, build};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _telemetry = circle_core::telemetry::init("edge-service")?;
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("edge-service: {err}");
            std::process::exit(2);
        }
    };
    build(config)
        .await?
        .run_until_stopped(circle_core::server::shutdown_signal())
        .await?;
    Ok(())
}
