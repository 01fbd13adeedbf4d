//! A Ferry server started in-process for one test: its own temp data folder, SQLite and
//! local disk, a manual clock, a real HTTP listener on a free loopback port.

use std::sync::Arc;

use ferry::settings::{DatabaseUrl, StorageUrl, StoreSettings};
use ferry_core::accounts::NewUser;
use ferry_core::ports::MetaStore;
use ferry_core::{Actor, Clock, CoreSettings, Durability, Ferry, ManualClock, SystemClock};
use ferry_http::AppState;
use ferry_http::proxies::TrustedProxies;
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const PASSWORD: &str = "Secret-Passw0rd";

pub struct TestServer {
    pub url: String,
    pub client: reqwest::Client,
    pub ferry: Ferry,
    pub clock: Arc<ManualClock>,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A logged-in user as the FileAgo API sees them.
#[derive(Clone, Debug)]
pub struct Session {
    pub uuid: String,
    pub token: String,
    pub key: String,
}

impl TestServer {
    /// A server on SQLite and local disk in a fresh temp folder, wired as `ferry serve` wires it.
    pub async fn start() -> TestServer {
        Self::start_durable(Durability::Strict).await
    }

    /// As [`TestServer::start`], with the stores' durability chosen.
    pub async fn start_durable(durability: Durability) -> TestServer {
        Self::start_configured(durability, CoreSettings::default()).await
    }

    /// As [`TestServer::start`], with the stores' durability and the core's settings chosen.
    pub async fn start_configured(durability: Durability, core: CoreSettings) -> TestServer {
        Self::start_full(durability, core, TrustedProxies::default()).await
    }

    async fn start_full(
        durability: Durability,
        core: CoreSettings,
        proxies: TrustedProxies,
    ) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let stores = StoreSettings {
            data_dir: dir.path().to_path_buf(),
            database: DatabaseUrl::Sqlite(format!("sqlite://{}/ferry.db", dir.path().display())),
            storage: StorageUrl::Fs(dir.path().join("blobs")),
            durability,
        };
        let clock = Arc::new(ManualClock::new(SystemClock.now_ms()));
        let ferry = ferry::wiring::open_ferry_with(&stores, clock.clone(), core)
            .await
            .unwrap();
        Self::serve_with(ferry, clock, dir, proxies).await
    }

    /// Stops this server and starts a new one on the same data folder and clock, as a
    /// process restart would (nothing held in memory survives).
    pub async fn restarted(mut self) -> TestServer {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let dir = tempfile::TempDir::new().unwrap();
        let old = std::mem::replace(&mut self.dir, dir);
        let stores = StoreSettings {
            data_dir: old.path().to_path_buf(),
            database: DatabaseUrl::Sqlite(format!("sqlite://{}/ferry.db", old.path().display())),
            storage: StorageUrl::Fs(old.path().join("blobs")),
            durability: Durability::Strict,
        };
        let clock = self.clock.clone();
        let ferry = ferry::wiring::open_ferry(&stores, clock.clone())
            .await
            .unwrap();
        Self::serve(ferry, clock, old).await
    }

    /// A server on the given metadata store (local disk for content).
    pub async fn start_on(meta: Arc<dyn MetaStore>) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(SystemClock.now_ms()));
        let blobs = ferry::wiring::open_blobs(
            &StorageUrl::Fs(dir.path().join("blobs")),
            Durability::Strict,
        )
        .unwrap();
        let ferry = Ferry::new(meta, blobs, clock.clone(), CoreSettings::default());
        Self::serve(ferry, clock, dir).await
    }

    async fn serve(ferry: Ferry, clock: Arc<ManualClock>, dir: tempfile::TempDir) -> TestServer {
        Self::serve_with(ferry, clock, dir, TrustedProxies::default()).await
    }

    /// A server like [`TestServer::start`] that believes `X-Forwarded-For` from `proxies`.
    pub async fn start_behind(proxies: &str) -> TestServer {
        let trusted = TrustedProxies::parse(proxies).unwrap();
        Self::start_full(Durability::Strict, CoreSettings::default(), trusted).await
    }

    async fn serve_with(
        ferry: Ferry,
        clock: Arc<ManualClock>,
        dir: tempfile::TempDir,
        proxies: TrustedProxies,
    ) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = AppState::new(ferry.clone(), url.clone()).with_trusted_proxies(proxies);
        tokio::spawn(ferry::serve::run(listener, state, async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap();
        TestServer {
            url,
            client,
            ferry,
            clock,
            dir,
            stop: Some(stop),
        }
    }

    /// An administrator, `root@example.com`, logged in.
    pub async fn root_admin(&self) -> Session {
        self.ferry
            .create_user(
                &Actor::System,
                NewUser {
                    username: "root@example.com".into(),
                    email: Some("root@example.com".into()),
                    display_name: "Root Admin".into(),
                    password: PASSWORD.into(),
                    is_admin: true,
                    quota_bytes: 0,
                },
            )
            .await
            .unwrap();
        self.login("root@example.com").await
    }

    /// Makes a user (as the admin CLI would) and returns its id.
    pub async fn add_user(&self, email: &str, quota_bytes: i64) -> String {
        let user = self
            .ferry
            .create_user(
                &Actor::System,
                NewUser {
                    username: email.to_owned(),
                    email: Some(email.to_owned()),
                    display_name: format!("User {email}"),
                    password: PASSWORD.to_owned(),
                    is_admin: false,
                    quota_bytes,
                },
            )
            .await
            .unwrap();
        user.id.to_string()
    }

    pub async fn login(&self, username: &str) -> Session {
        let (status, body) = self
            .json(
                Method::POST,
                "/auth",
                None,
                Some(serde_json::json!({"username": username, "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        Session {
            uuid: body["uuid"].as_str().unwrap().to_owned(),
            token: body["token"].as_str().unwrap().to_owned(),
            key: body["fileaccesskey"].as_str().unwrap().to_owned(),
        }
    }

    /// A user made and logged in.
    pub async fn user(&self, email: &str) -> Session {
        self.add_user(email, 0).await;
        self.login(email).await
    }

    /// Sends a request with an optional bearer token and JSON body; returns status and JSON
    /// (Null for an empty body).
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let bytes = resp.bytes().await.unwrap();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, value)
    }

    /// Sends raw bytes as the body.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.url))
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let bytes = resp.bytes().await.unwrap();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, s: &Session) -> (StatusCode, Value) {
        self.json(Method::GET, path, Some(&s.token), None).await
    }

    pub async fn post(&self, path: &str, s: &Session, body: Value) -> (StatusCode, Value) {
        self.json(Method::POST, path, Some(&s.token), Some(body))
            .await
    }

    /// Makes a folder and returns its uuid (found through the listing).
    pub async fn mkdir(&self, s: &Session, parent: &str, name: &str) -> String {
        let (status, body) = self
            .post(
                &format!("/api/nodes/{parent}"),
                s,
                serde_json::json!({"new_dir": name}),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        self.find(s, parent, name).await.expect("new folder listed")
    }

    /// The uuid of the item called `name` in a folder's listing.
    pub async fn find(&self, s: &Session, parent: &str, name: &str) -> Option<String> {
        let (status, body) = self.get(&format!("/api/nodes/{parent}/dirlist"), s).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .map(|e| e["uuid"].as_str().unwrap().to_owned())
    }

    /// Names in a folder's listing, in order.
    pub async fn names(&self, s: &Session, parent: &str) -> Vec<String> {
        let (status, body) = self.get(&format!("/api/nodes/{parent}/dirlist"), s).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn upload_token(&self, s: &Session, node: &str) -> String {
        let (status, body) = self.get(&format!("/api/nodes/{node}/upload"), s).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["msg"], "This token is valid for next 5 seconds only");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Uploads files (name, bytes) in one multipart request with a fresh token.
    pub async fn upload(
        &self,
        s: &Session,
        node: &str,
        files: &[(&str, Vec<u8>)],
    ) -> (StatusCode, Value) {
        let token = self.upload_token(s, node).await;
        self.upload_with(&token, files).await
    }

    pub async fn upload_with(&self, token: &str, files: &[(&str, Vec<u8>)]) -> (StatusCode, Value) {
        let mut form = reqwest::multipart::Form::new();
        for (name, bytes) in files {
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
            );
        }
        let resp = self
            .client
            .post(format!("{}/upload/{token}", self.url))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let value = resp.json::<Value>().await.unwrap_or(Value::Null);
        (status, value)
    }

    /// Downloads a version of a file through the file access key.
    pub async fn download(&self, s: &Session, uuid: &str, version: i64) -> reqwest::Response {
        self.client
            .get(format!(
                "{}/resources/auth/download/{}/{uuid}/{version}/f.bin",
                self.url, s.key
            ))
            .send()
            .await
            .unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Asserts a FileAgo error envelope with the given status.
pub fn assert_error(status: StatusCode, body: &Value, expected: u16) {
    assert_eq!(status.as_u16(), expected, "{body}");
    assert_eq!(body["status"], "error", "{body}");
    assert!(
        body["msg"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}
