//! `switchboard`: the server (`serve`) and the operator CLI (`accounts ...`).

/// Requests allocate many small strings (JSON, SQL rows); glibc's allocator spent about a
/// quarter of the CPU of a call fetch under load (measured with perf), mimalloc far less.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand, ValueEnum};
use switchboard::app::{self, ServerConfig};
use switchboard::bootstrap::{self, Outcome};
use switchboard::carrier::Carrier;
use switchboard::clock::{Clock, ManualClock, SystemClock};
use switchboard::config::{
    load_inventory, open_store, DatabaseUrl, StoreOptions, DEFAULT_DATABASE_URL,
};
use switchboard::error::ApiError;
use switchboard::operator::{self, CreateMain, OperatorAccount, UpdateMain};
use switchboard_store::{AccountStatus, AccountType, PageRequest, Store};
use switchboard_store_sqlite::Synchronous;
use switchboard_wire::page::Cursor;

#[derive(Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Twilio's 2010-04-01 REST API with subaccounts, self-hosted"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Database {
    /// `sqlite://path` (default, created on first start) or `postgres://user@host/db`.
    #[arg(long, env = "SWITCHBOARD_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    /// SQLite durability: `full` fsyncs every commit (survives power loss), `normal` only
    /// survives a process crash.
    #[arg(
        long,
        env = "SWITCHBOARD_SQLITE_SYNCHRONOUS",
        value_enum,
        default_value = "full",
        global = true
    )]
    sqlite_synchronous: SyncArg,
    /// Postgres connections per instance.
    #[arg(
        long,
        env = "SWITCHBOARD_POSTGRES_POOL_SIZE",
        default_value_t = 16,
        global = true
    )]
    postgres_pool_size: usize,
}

#[derive(Copy, Clone, ValueEnum)]
enum SyncArg {
    Full,
    Normal,
}

#[derive(Copy, Clone, ValueEnum, PartialEq, Eq)]
enum ClockArg {
    System,
    Manual,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API server.
    Serve(Serve),
    /// Manage main accounts (the operator plane).
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Create API keys for accounts (Main keys are made only here and in the admin API).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Balances of main accounts (one per tree).
    #[command(subcommand)]
    Billing(BillingCommand),
}

#[derive(Subcommand)]
enum BillingCommand {
    /// Show a main account's balance; --credit adds to it (negative: a debit), --set sets it,
    /// --prepaid true enforces it.
    Balance {
        sid: String,
        /// USD to add, e.g. 20.00.
        #[arg(long, conflicts_with = "set", allow_hyphen_values = true)]
        credit: Option<String>,
        /// USD the balance becomes.
        #[arg(long, allow_hyphen_values = true)]
        set: Option<String>,
        /// true: refuse calls and messages the balance cannot cover; false: allow overdraft.
        #[arg(long)]
        prepaid: Option<bool>,
        #[command(flatten)]
        db: Database,
    },
    /// Each account of a main account's tree: its usage by category and its total from
    /// --from to --to (UTC dates, inclusive), the numbers of the usage records.
    Report {
        #[arg(long)]
        account: String,
        /// YYYY-MM-DD
        #[arg(long)]
        from: String,
        /// YYYY-MM-DD
        #[arg(long)]
        to: String,
        #[arg(long, value_parser = ["table", "csv", "json"], default_value = "table")]
        format: String,
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a key and print it with its secret (shown this once).
    Create {
        /// The account the key belongs to.
        #[arg(long)]
        account: String,
        /// main (may also manage subaccounts and keys) or standard.
        #[arg(long, default_value = "main")]
        kind: String,
        #[arg(long)]
        friendly_name: Option<String>,
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Args)]
struct Serve {
    #[arg(long, env = "SWITCHBOARD_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    db: Database,
    /// `manual` freezes time until `POST /admin/v1/Clock Advance=<seconds>`.
    #[arg(long, env = "SWITCHBOARD_CLOCK", value_enum, default_value = "system")]
    clock: ClockArg,
    /// Where a manual clock starts (RFC 3339); default: the time of start.
    #[arg(long, env = "SWITCHBOARD_CLOCK_START")]
    clock_start: Option<String>,
    /// JSON file configuring the number inventory (countries, numbers per area code,
    /// address requirements and monthly prices per country and type).
    #[arg(long, env = "SWITCHBOARD_NUMBERS_CONFIG")]
    numbers_config: Option<std::path::PathBuf>,
    /// JSON file configuring the simulated carrier: rates by country, and scenarios by
    /// destination number (outcomes, ring and talk times).
    #[arg(long, env = "SWITCHBOARD_CARRIER_CONFIG")]
    carrier_config: Option<std::path::PathBuf>,
    /// PEM certificate chain: serve HTTPS (with --tls-key) instead of HTTP.
    #[arg(long, env = "SWITCHBOARD_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "SWITCHBOARD_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
    /// Bearer token of the admin API; without it the admin API does not exist.
    #[arg(long, env = "SWITCHBOARD_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// A main account with exactly these credentials exists after start.
    #[arg(long, env = "SWITCHBOARD_BOOTSTRAP_ACCOUNT_SID")]
    bootstrap_account_sid: Option<String>,
    #[arg(long, env = "SWITCHBOARD_BOOTSTRAP_AUTH_TOKEN", hide_env_values = true)]
    bootstrap_auth_token: Option<String>,
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// Create a main account and print it.
    Create {
        #[arg(long)]
        friendly_name: Option<String>,
        /// Full or Trial (a Trial account may have one subaccount).
        #[arg(long = "type", default_value = "Full")]
        account_type: String,
        #[arg(long)]
        subaccount_limit: Option<i64>,
        /// Delete closed subaccounts 30 days after closure (default: true).
        #[arg(long)]
        auto_delete_closed: Option<bool>,
        /// Fixed credentials instead of generated ones.
        #[arg(long)]
        sid: Option<String>,
        #[arg(long)]
        auth_token: Option<String>,
        #[command(flatten)]
        db: Database,
    },
    /// List main accounts.
    List {
        #[command(flatten)]
        db: Database,
    },
    /// Show one main account.
    Show {
        sid: String,
        #[command(flatten)]
        db: Database,
    },
    /// Change a main account: limit, status (suspends or reactivates its whole tree),
    /// auto-deletion of closed subaccounts, name, auth token.
    Update {
        sid: String,
        #[arg(long)]
        friendly_name: Option<String>,
        /// active or suspended.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        subaccount_limit: Option<i64>,
        #[arg(long)]
        auto_delete_closed: Option<bool>,
        #[arg(long)]
        auth_token: Option<String>,
        /// Countries calls may go to: ISO codes separated by commas, or `*`.
        #[arg(long)]
        voice_countries: Option<String>,
        /// Countries messages may go to: ISO codes separated by commas, or `*`.
        #[arg(long)]
        sms_countries: Option<String>,
        #[command(flatten)]
        db: Database,
    },
}

impl Database {
    async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        let opts = StoreOptions {
            sqlite_synchronous: match self.sqlite_synchronous {
                SyncArg::Full => Synchronous::Full,
                SyncArg::Normal => Synchronous::Normal,
            },
            postgres_pool_size: self.postgres_pool_size,
            ..StoreOptions::default()
        };
        open_store(&DatabaseUrl::parse(&self.database_url), &opts)
            .await
            .with_context(|| format!("opening {}", self.database_url))
    }
}

fn api(e: ApiError) -> anyhow::Error {
    let b = e.body();
    anyhow::anyhow!("{} (code {})", b.message, b.code)
}

fn print_json(a: &OperatorAccount) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(a)?);
    Ok(())
}

async fn serve(args: Serve) -> anyhow::Result<()> {
    let inventory = Arc::new(load_inventory(args.numbers_config.as_deref())?);
    let tls = args.tls_cert.is_some();
    let carrier = Arc::new(Carrier::load(args.carrier_config.as_deref())?);
    let store = args.db.open().await?;
    let clock: Arc<dyn Clock> = match args.clock {
        ClockArg::System => Arc::new(SystemClock),
        ClockArg::Manual => {
            let start = match &args.clock_start {
                Some(s) => chrono::DateTime::parse_from_rfc3339(s)
                    .with_context(|| format!("--clock-start {s}"))?
                    .timestamp_millis(),
                None => SystemClock.now_ms(),
            };
            Arc::new(ManualClock::starting_at(start))
        }
    };
    match bootstrap::run(
        &*store,
        clock.now_ms(),
        args.bootstrap_account_sid.as_deref(),
        args.bootstrap_auth_token.as_deref(),
    )
    .await
    .map_err(api)?
    {
        Outcome::Created(a) => {
            println!(
                "Created the first main account. Point your Twilio client at this server with:"
            );
            println!("  Account SID: {}", a.sid);
            println!("  Auth token:  {}", a.auth_token);
        }
        Outcome::Fixed(a) => tracing::info!(sid = %a.sid, "bootstrap account ready"),
        Outcome::Existing => {}
    }
    let server = app::start(
        ServerConfig {
            listen: args.listen,
            tls: args
                .tls_cert
                .zip(args.tls_key)
                .map(|(cert, key)| switchboard::app::TlsFiles { cert, key }),
            admin_token: args.admin_token,
            inventory,
            carrier,
        },
        store.clone(),
        clock,
    )
    .await?;
    println!(
        "Switchboard listening on {}://{} ({} store)",
        if tls { "https" } else { "http" },
        server.addr(),
        store.kind()
    );
    server.run_until_signal().await?;
    // The last reference: dropping it lets the SQLite writer finish its queue.
    drop(store);
    Ok(())
}

async fn accounts(cmd: AccountsCommand) -> anyhow::Result<()> {
    let now = SystemClock.now_ms();
    match cmd {
        AccountsCommand::Create {
            friendly_name,
            account_type,
            subaccount_limit,
            auto_delete_closed,
            sid,
            auth_token,
            db,
        } => {
            let Some(ty) = AccountType::parse(&account_type) else {
                bail!("--type must be Full or Trial");
            };
            let store = db.open().await?;
            let new = CreateMain {
                friendly_name,
                account_type: Some(ty),
                subaccount_limit,
                auto_delete_closed,
                sid,
                auth_token,
            };
            let a = operator::create_main(&*store, now, new)
                .await
                .map_err(api)?;
            propagated().await;
            print_json(&OperatorAccount::from(&a))
        }
        AccountsCommand::List { db } => {
            let store = db.open().await?;
            println!(
                "{:<34}  {:<9}  {:<5}  {:>6}  {:<11}  FRIENDLY NAME",
                "SID", "STATUS", "TYPE", "LIMIT", "AUTO-DELETE"
            );
            let mut req = PageRequest::first(1000);
            loop {
                let page = store.list_main_accounts(req).await?;
                for a in &page.items {
                    println!(
                        "{:<34}  {:<9}  {:<5}  {:>6}  {:<11}  {}",
                        a.sid,
                        a.effective_status().as_str(),
                        a.account_type.as_str(),
                        a.subaccount_limit,
                        if a.auto_delete_closed { "on" } else { "off" },
                        a.friendly_name
                    );
                }
                match (page.has_next, page.last_key) {
                    (true, Some(k)) => req.cursor = Cursor::After(k),
                    _ => break,
                }
            }
            Ok(())
        }
        AccountsCommand::Show { sid, db } => {
            let store = db.open().await?;
            match store.account(&sid).await? {
                Some(a) if a.is_main() => print_json(&OperatorAccount::from(&a)),
                _ => bail!("no main account {sid}"),
            }
        }
        AccountsCommand::Update {
            sid,
            friendly_name,
            status,
            subaccount_limit,
            auto_delete_closed,
            auth_token,
            voice_countries,
            sms_countries,
            db,
        } => {
            let voice_countries = voice_countries
                .map(|v| operator::geo_list("--voice-countries", &v))
                .transpose()
                .map_err(api)?;
            let sms_countries = sms_countries
                .map(|v| operator::geo_list("--sms-countries", &v))
                .transpose()
                .map_err(api)?;
            let status = match status.as_deref() {
                None => None,
                Some("active") => Some(AccountStatus::Active),
                Some("suspended") => Some(AccountStatus::Suspended),
                Some(s) => bail!("--status must be active or suspended, not {s}"),
            };
            let store = db.open().await?;
            let update = UpdateMain {
                friendly_name,
                status,
                subaccount_limit,
                auto_delete_closed,
                auth_token,
                voice_countries,
                sms_countries,
            };
            let a = operator::update_main(&*store, &sid, now, update)
                .await
                .map_err(api)?;
            propagated().await;
            print_json(&OperatorAccount::from(&a))
        }
    }
}

/// After the CLI changed accounts or keys: servers running on the same database cache
/// them, and hear of another process's change within moments; the command returns once
/// they have, so that a script's next request sees it.
async fn propagated() {
    tokio::time::sleep(switchboard_store::auth_cache::PROPAGATION).await;
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SWITCHBOARD_LOG")
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::Accounts(cmd) => accounts(cmd).await,
        Command::Keys(KeysCommand::Create {
            account,
            kind,
            friendly_name,
            db,
        }) => {
            let kind = match kind.as_str() {
                "main" => switchboard_store::KeyKind::Main,
                "standard" => switchboard_store::KeyKind::Standard,
                other => bail!("--kind must be main or standard, not {other}"),
            };
            let store = db.open().await?;
            if store.account(&account).await?.is_none() {
                bail!("no account {account}");
            }
            let key = switchboard::routes::keys::create_key(
                &*store,
                SystemClock.now_ms(),
                &account,
                kind,
                friendly_name,
            )
            .await
            .map_err(api)?;
            propagated().await;
            println!("{}", serde_json::to_string_pretty(&key)?);
            Ok(())
        }
        Command::Billing(BillingCommand::Balance {
            sid,
            credit,
            set,
            prepaid,
            db,
        }) => {
            let parse = |name: &str, v: &str| {
                v.parse::<rust_decimal::Decimal>()
                    .map_err(|_| anyhow::anyhow!("--{name} must be an amount in USD, not {v}"))
            };
            let change = match (credit, set) {
                (Some(c), _) => Some(operator::BalanceChange::Credit(parse("credit", &c)?)),
                (_, Some(v)) => Some(operator::BalanceChange::Set(parse("set", &v)?)),
                _ => None,
            };
            let store = db.open().await?;
            let b = operator::balance(&*store, &sid, change, prepaid)
                .await
                .map_err(api)?;
            println!("{}", serde_json::to_string_pretty(&b)?);
            Ok(())
        }
        Command::Billing(BillingCommand::Report {
            account,
            from,
            to,
            format,
            db,
        }) => {
            let day = |name: &str, v: &str| -> anyhow::Result<i64> {
                let d = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| anyhow::anyhow!("--{name} must be YYYY-MM-DD, not {v}"))?;
                Ok(d.and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
                    .timestamp_millis()
                    / switchboard_store::usage::MS_PER_DAY)
            };
            let (from, to) = (day("from", &from)?, day("to", &to)?);
            if to < from {
                bail!("--to is before --from");
            }
            let store = db.open().await?;
            match store.account(&account).await? {
                Some(a) if a.is_main() => {}
                _ => bail!("no main account {account}"),
            }
            let lines = switchboard::billing::report(&*store, &account, from, to).await?;
            print!("{}", switchboard::billing::render(&lines, &format)?);
            Ok(())
        }
    }
}
