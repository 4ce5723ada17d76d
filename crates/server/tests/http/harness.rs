//! Starting a server per test, and small request helpers.

use std::sync::{Arc, OnceLock};

use reqwest::{Method, StatusCode};
use serde_json::Value;
use switchboard::app::{self, RunningServer, ServerConfig};
use switchboard::carrier::Carrier;
use switchboard::clock::ManualClock;
use switchboard::operator::{self, CreateMain};
use switchboard_numbering::{Inventory, InventoryConfig};
use switchboard_store::Store;
use switchboard_store_postgres::{create_scratch_database, PostgresStore};
use switchboard_store_sqlite::{SqliteOptions, SqliteStore};

pub const ADMIN_TOKEN: &str = "test-admin-token";
/// 2015-07-30T20:00:00Z, the instant of Twilio's examples.
pub const START_MS: i64 = 1_438_286_400_000;
pub const DAY_S: i64 = 86_400;

/// The default inventory, generated once for all tests of this binary.
pub fn inventory() -> Arc<Inventory> {
    static INVENTORY: OnceLock<Arc<Inventory>> = OnceLock::new();
    INVENTORY
        .get_or_init(|| Arc::new(Inventory::generate(&InventoryConfig::default()).unwrap()))
        .clone()
}

#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Creds {
    pub sid: String,
    pub token: String,
}

pub struct TestServer {
    pub base: String,
    pub main: Creds,
    pub store: Arc<dyn Store>,
    server: Option<RunningServer>,
    http: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The Twilio error code of an error body.
    pub fn code(&self) -> i64 {
        self.body["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("no code in {}", self.body))
    }
}

pub async fn open_store(kind: Kind) -> Option<(Arc<dyn Store>, Option<tempfile::TempDir>)> {
    match kind {
        Kind::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let store = SqliteStore::open(&SqliteOptions::new(dir.path().join("t.db"))).unwrap();
            Some((Arc::new(store), Some(dir)))
        }
        Kind::Postgres => {
            let Ok(admin) = std::env::var("SWITCHBOARD_TEST_POSTGRES_URL") else {
                if std::env::var("SWITCHBOARD_SKIP_POSTGRES").as_deref() == Ok("1") {
                    return None;
                }
                panic!("set SWITCHBOARD_TEST_POSTGRES_URL (or SWITCHBOARD_SKIP_POSTGRES=1)");
            };
            let url = create_scratch_database(&admin).await.unwrap();
            Some((
                Arc::new(PostgresStore::connect(&url, 8).await.unwrap()),
                None,
            ))
        }
    }
}

impl TestServer {
    /// A server with one main account, an admin token, and a manual clock at [`START_MS`].
    pub async fn start(kind: Kind) -> Option<Self> {
        Self::start_with(kind, Some(ADMIN_TOKEN)).await
    }

    pub async fn start_with(kind: Kind, admin_token: Option<&str>) -> Option<Self> {
        let (store, dir) = open_store(kind).await?;
        let carrier = Arc::new(Carrier::default());
        let main = operator::create_main(&*store, START_MS, CreateMain::default())
            .await
            .unwrap();
        let server = app::start(
            ServerConfig {
                listen: "127.0.0.1:0".parse().unwrap(),
                tls: None,
                admin_token: admin_token.map(str::to_owned),
                inventory: inventory(),
                carrier,
            },
            store.clone(),
            Arc::new(ManualClock::starting_at(START_MS)),
        )
        .await
        .unwrap();
        Some(TestServer {
            base: format!("http://{}", server.addr()),
            main: Creds {
                sid: main.sid,
                token: main.auth_token,
            },
            store,
            server: Some(server),
            http: reqwest::Client::new(),
            _dir: dir,
        })
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await.unwrap();
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        creds: Option<&Creds>,
        form: &[(&str, &str)],
    ) -> Reply {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(c) = creds {
            req = req.basic_auth(&c.sid, Some(&c.token));
        }
        if method == Method::POST {
            req = req.form(form);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, creds: &Creds) -> Reply {
        self.request(Method::GET, path, Some(creds), &[]).await
    }

    pub async fn post(&self, path: &str, creds: &Creds, form: &[(&str, &str)]) -> Reply {
        self.request(Method::POST, path, Some(creds), form).await
    }

    pub async fn admin(&self, method: Method, path: &str, form: &[(&str, &str)]) -> Reply {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(ADMIN_TOKEN);
        if method == Method::POST {
            req = req.form(form);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.json().await.unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Create a subaccount of `owner` and return its credentials.
    pub async fn subaccount(&self, owner: &Creds, name: &str) -> Creds {
        let r = self
            .post(
                "/2010-04-01/Accounts.json",
                owner,
                &[("FriendlyName", name)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        creds_of(&r.body)
    }

    /// Another main account, created through the admin API.
    pub async fn other_main(&self) -> Creds {
        let r = self
            .admin(
                Method::POST,
                "/admin/v1/Accounts",
                &[("FriendlyName", "Other")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        creds_of(&r.body)
    }

    pub async fn set_status(&self, by: &Creds, sid: &str, status: &str) -> Reply {
        self.post(
            &format!("/2010-04-01/Accounts/{sid}.json"),
            by,
            &[("Status", status)],
        )
        .await
    }

    pub async fn advance_days(&self, days: i64) -> Reply {
        let secs = (days * DAY_S).to_string();
        let r = self
            .admin(Method::POST, "/admin/v1/Clock", &[("Advance", &secs)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r
    }
}

pub fn creds_of(account: &Value) -> Creds {
    Creds {
        sid: account["sid"].as_str().unwrap().to_owned(),
        token: account["auth_token"].as_str().unwrap().to_owned(),
    }
}

pub fn account_path(sid: &str) -> String {
    format!("/2010-04-01/Accounts/{sid}.json")
}

/// One `#[tokio::test]` per store for an `async fn(TestServer)`.
#[macro_export]
macro_rules! both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let srv = $crate::harness::TestServer::start($crate::harness::Kind::Sqlite).await.unwrap();
                    super::$name(&srv).await;
                    srv.stop().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(srv) = $crate::harness::TestServer::start($crate::harness::Kind::Postgres).await {
                        super::$name(&srv).await;
                        srv.stop().await;
                    }
                }
            )*
        }
    };
}
