//! `yujie`: wires config to the application; nothing else lives here.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use yujie::{Application, Config, ServiceSet};
use yujie_kernel::{telemetry, Clock};

#[derive(Parser)]
#[command(name = "yujie", about = "Yujie Station (御姐加油站): every service in one binary")]
struct Cli {
    /// A TOML config file; `YUJIE_…` environment variables override it.
    #[arg(long, global = true, env = "YUJIE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the services: all of them, or those named with --only.
    Serve {
        /// Comma-separated: identity, billing, content, companion, admin.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Applies pending database migrations, then exits.
    Migrate {
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Loads and validates the configuration of the services named with --only (all by
    /// default), then prints it with secrets redacted.
    CheckConfig {
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Copies the SQLite database to a new file while the service keeps serving.
    Backup {
        /// Where the copy goes; it must not exist yet.
        #[arg(long)]
        to: PathBuf,
    },
    /// Moves an installation between backends (e.g. SQLite + files to MySQL + S3).
    #[command(subcommand)]
    Data(DataCommand),
}

#[derive(Subcommand)]
enum DataCommand {
    /// Writes every table (one consistent snapshot) and every object to a new folder.
    Export {
        #[arg(long)]
        to: PathBuf,
    },
    /// Loads an export into this config's database (new and empty) and object store.
    Import {
        #[arg(long)]
        from: PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("yujie: {error:#}");
            std::process::exit(2);
        }
    };
    // Each command checks what it uses: the sections of the services it runs, or only
    // the shared part (databases and stores) for migrations and the data commands, so a
    // migration job carries no service's secrets.
    let services = match &cli.command {
        Command::Serve { only } | Command::Migrate { only } | Command::CheckConfig { only } => ServiceSet::parse(only)?,
        Command::Backup { .. } | Command::Data(_) => ServiceSet::none(),
    };
    let checked = if matches!(cli.command, Command::Migrate { .. }) { ServiceSet::none() } else { services.clone() };
    if let Err(error) = config.validate(&checked) {
        eprintln!("yujie: {error:#}");
        std::process::exit(2);
    }
    telemetry::init(&config.log);
    match cli.command {
        Command::Serve { .. } => {
            let app = Application::build(config, services, Clock::system()).await?;
            app.run_until_stopped().await
        }
        Command::Migrate { .. } => yujie::migrate(&config, &services).await,
        Command::Backup { to } => yujie::backup(&config, &to).await,
        Command::Data(DataCommand::Export { to }) => yujie::data::export(&config, &to).await,
        Command::Data(DataCommand::Import { from }) => yujie::data::import(&config, &from).await,
        Command::CheckConfig { .. } => {
            println!("{config:#?}");
            let problems = yujie_billing::key_problems(&config.billing);
            if services.runs("billing") && config.mode == yujie_kernel::Mode::Production && !problems.is_empty() {
                eprintln!("yujie: invalid payment keys:\n  - {}", problems.join("\n  - "));
                std::process::exit(2);
            }
            Ok(())
        }
    }
}
