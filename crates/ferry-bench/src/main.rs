//! `ferry-bench`: a small WebDAV load generator for `bench/dav.sh`.
//!
//! It talks plain HTTP/1.1 to one DAV root (Ferry's `/remote.php/dav/files/{user}/`, or a
//! peer's folder root), optionally with HTTP Basic credentials sent on every request, and
//! prints exactly one JSON line on stdout describing the run. Workloads:
//!
//! * `fill`: MKCOL a folder (and its parents), then PUT `count` files of `size` bytes into
//!   it at some concurrency. Used to build the W3 fixture through the server's own API.
//! * `propfind`: W3. Repeated `PROPFIND Depth: 1` of a folder with the Nextcloud desktop
//!   client's property set; latency median/p95, time to first byte, reply size and entries.
//! * `put`: W1. `count` PUTs of new `size`-byte files at `concurrency`; requests/s and
//!   p50/p99 latency.
//!
//! Every workload is bounded: by its request count, by a per-request timeout and by an
//! overall deadline (`--time-limit`), after which no new request starts.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use reqwest::{Client, Method, RequestBuilder, StatusCode};

type BoxError = Box<dyn Error + Send + Sync>;

/// The body the Nextcloud desktop client (3.7) sends when it lists a folder: research note
/// `mission-anchors.md` §1.1 row 4 (`oc:data-fingerprint` is asked on the root only).
const NEXTCLOUD_PROPFIND: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">
  <d:prop>
    <d:resourcetype/>
    <d:getlastmodified/>
    <d:getcontentlength/>
    <d:getetag/>
    <oc:size/>
    <oc:id/>
    <oc:fileid/>
    <oc:downloadURL/>
    <oc:dDC/>
    <oc:permissions/>
    <oc:checksums/>
    <oc:share-types/>
  </d:prop>
</d:propfind>
"#;

#[derive(Parser)]
#[command(
    name = "ferry-bench",
    about = "WebDAV load generator; prints one JSON line"
)]
struct Cli {
    /// The DAV root, e.g. http://127.0.0.1:8080/remote.php/dav/files/admin/
    #[arg(long)]
    base: String,
    /// User name for HTTP Basic auth (sent only when a password is given).
    #[arg(long, default_value = "admin")]
    user: String,
    /// Password for HTTP Basic auth; without one, requests carry no credentials.
    #[arg(long, env = "BENCH_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Overall deadline for the workload, in seconds: no request starts after it.
    #[arg(long, default_value_t = 300)]
    time_limit: u64,
    /// Timeout of one request, in seconds.
    #[arg(long, default_value_t = 60)]
    request_timeout: u64,
    #[command(subcommand)]
    workload: Workload,
}

#[derive(Subcommand)]
enum Workload {
    /// Create DIR (with its parents) and put COUNT files of SIZE bytes in it.
    Fill {
        /// Folder relative to the DAV root, e.g. w3/d10000
        #[arg(long)]
        dir: String,
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        #[arg(long, default_value_t = 1024)]
        size: usize,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// W3: repeated PROPFIND of DIR with the Nextcloud client's properties.
    Propfind {
        /// Folder relative to the DAV root, e.g. w3/d10000
        #[arg(long)]
        dir: String,
        #[arg(long, default_value = "1")]
        depth: String,
        /// Timed requests.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Untimed requests first.
        #[arg(long, default_value_t = 2)]
        warmup: usize,
        /// Request body to send instead of the built-in Nextcloud property set.
        #[arg(long)]
        body_file: Option<PathBuf>,
    },
    /// W1: COUNT PUTs of new SIZE-byte files at CONCURRENCY, ROUNDS times.
    Put {
        /// Parent folder relative to the DAV root; each round writes to DIR/rN/.
        #[arg(long)]
        dir: String,
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[arg(long, default_value_t = 4096)]
        size: usize,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Untimed PUTs (into DIR/warm/) before the timed rounds.
        #[arg(long, default_value_t = 100)]
        warmup: usize,
        /// Timed rounds, each into a fresh folder; requests/s is the median round.
        #[arg(long, default_value_t = 1)]
        rounds: usize,
    },
}

/// One DAV endpoint: a client, the root URL and the credentials.
struct Dav {
    client: Client,
    base: String,
    user: String,
    password: Option<String>,
}

impl Dav {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match &self.password {
            Some(password) => builder.basic_auth(&self.user, Some(password)),
            None => builder,
        }
    }

    /// Creates `dir` and each missing parent. A MKCOL refused because the folder exists
    /// is fine; that is checked with a `Depth: 0` PROPFIND.
    async fn mkcol_all(&self, dir: &str) -> Result<(), BoxError> {
        let mut path = String::new();
        for segment in dir.split('/').filter(|s| !s.is_empty()) {
            path.push_str(segment);
            path.push('/');
            let response = self.request(method("MKCOL")?, &path).send().await?;
            let status = response.status();
            drop(response.bytes().await?);
            if status.is_success() {
                continue;
            }
            let check = self
                .request(method("PROPFIND")?, &path)
                .header("Depth", "0")
                .send()
                .await?;
            let exists = check.status() == StatusCode::MULTI_STATUS;
            drop(check.bytes().await?);
            if !exists {
                return Err(format!("MKCOL {} answered {status}", self.url(&path)).into());
            }
        }
        Ok(())
    }
}

fn method(name: &str) -> Result<Method, BoxError> {
    Ok(Method::from_bytes(name.as_bytes())?)
}

/// What a batch of concurrent PUTs did.
struct PutBatch {
    latencies: Vec<Duration>,
    ok: usize,
    errors: usize,
    first_error: Option<String>,
    wall: Duration,
    timed_out: bool,
}

/// PUTs `dir/name` for every name, `concurrency` requests in flight, until done or the
/// deadline passes.
async fn put_batch(
    dav: &Arc<Dav>,
    dir: &str,
    names: Vec<String>,
    body: &Arc<Vec<u8>>,
    concurrency: usize,
    deadline: Instant,
) -> Result<PutBatch, BoxError> {
    let total = names.len();
    let names = Arc::new(names);
    let next = Arc::new(AtomicUsize::new(0));
    let put = method("PUT")?;
    let dir = format!("{}/", dir.trim_matches('/'));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.max(1) {
        let (dav, names, next, body, put, dir) = (
            Arc::clone(dav),
            Arc::clone(&names),
            Arc::clone(&next),
            Arc::clone(body),
            put.clone(),
            dir.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut ok, mut errors, mut first_error) = (0usize, 0usize, None::<String>);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= names.len() || Instant::now() >= deadline {
                    break;
                }
                let path = format!("{dir}{}", names[i]);
                let t0 = Instant::now();
                let outcome = match dav
                    .request(put.clone(), &path)
                    .header("Content-Type", "application/octet-stream")
                    .body(unique_body(&body, &path))
                    .send()
                    .await
                {
                    Ok(response) => {
                        let status = response.status();
                        match response.bytes().await {
                            Ok(_) if status.is_success() => Ok(()),
                            Ok(_) => Err(format!("PUT {path} answered {status}")),
                            Err(e) => Err(format!("PUT {path}: {e}")),
                        }
                    }
                    Err(e) => Err(format!("PUT {path}: {e}")),
                };
                latencies.push(t0.elapsed());
                match outcome {
                    Ok(()) => ok += 1,
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
            }
            (latencies, ok, errors, first_error)
        }));
    }
    let mut batch = PutBatch {
        latencies: Vec::with_capacity(total),
        ok: 0,
        errors: 0,
        first_error: None,
        wall: Duration::ZERO,
        timed_out: false,
    };
    for task in tasks {
        let (latencies, ok, errors, first_error) = task.await?;
        batch.latencies.extend(latencies);
        batch.ok += ok;
        batch.errors += errors;
        if batch.first_error.is_none() {
            batch.first_error = first_error;
        }
    }
    batch.wall = started.elapsed();
    batch.timed_out = batch.ok + batch.errors < total;
    Ok(batch)
}

/// The body with the file's path written over its start, so that no two files have the
/// same content: a content-addressed store must not get away with writing one blob.
fn unique_body(template: &[u8], path: &str) -> Vec<u8> {
    let mut body = template.to_vec();
    let tag = path.as_bytes();
    let n = tag.len().min(body.len());
    body[..n].copy_from_slice(&tag[..n]);
    body
}

fn file_names(count: usize, prefix: &str, ext: &str) -> Vec<String> {
    (0..count)
        .map(|i| format!("{prefix}{i:07}.{ext}"))
        .collect()
}

/// Nearest-rank percentile (`p` in 0..=100) of sorted samples, in milliseconds.
fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    ms(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Counts `<response>` elements of a multistatus, whatever the namespace prefix.
fn count_responses(body: &[u8]) -> usize {
    let text = String::from_utf8_lossy(body);
    let mut count = 0;
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("response>") {
        let before = &rest[..at];
        if let Some(open) = before.rfind('<') {
            let tag = &before[open + 1..];
            if let Some(prefix) = tag.strip_prefix('/')
                && (prefix.is_empty() || (prefix.ends_with(':') && !prefix.contains(' ')))
            {
                count += 1;
            }
        }
        rest = &rest[at + "response>".len()..];
    }
    count
}

/// A JSON object written by hand (the crate keeps to three dependencies).
struct Json(String);

impl Json {
    fn new(workload: &str) -> Self {
        let mut json = Self(String::from("{"));
        json.str("workload", workload);
        json
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        let _ = write!(self.0, "\"{key}\":");
    }

    fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        self.0.push('"');
        for c in value.chars() {
            match c {
                '"' => self.0.push_str("\\\""),
                '\\' => self.0.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(self.0, "\\u{:04x}", c as u32);
                }
                c => self.0.push(c),
            }
        }
        self.0.push('"');
        self
    }

    fn int(&mut self, key: &str, value: usize) -> &mut Self {
        self.key(key);
        let _ = write!(self.0, "{value}");
        self
    }

    fn num(&mut self, key: &str, value: f64) -> &mut Self {
        self.key(key);
        if value.is_finite() {
            let _ = write!(self.0, "{value:.3}");
        } else {
            self.0.push_str("null");
        }
        self
    }

    fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key);
        self.0.push_str(if value { "true" } else { "false" });
        self
    }

    fn nums(&mut self, key: &str, values: &[f64]) -> &mut Self {
        self.key(key);
        self.0.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            let _ = write!(self.0, "{v:.1}");
        }
        self.0.push(']');
        self
    }

    fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

async fn fill(
    dav: &Arc<Dav>,
    dir: &str,
    count: usize,
    size: usize,
    concurrency: usize,
    deadline: Instant,
) -> Result<Json, BoxError> {
    let started = Instant::now();
    dav.mkcol_all(dir).await?;
    let body = Arc::new(vec![b'x'; size]);
    let batch = put_batch(
        dav,
        dir,
        file_names(count, "file", "txt"),
        &body,
        concurrency,
        deadline,
    )
    .await?;
    let mut json = Json::new("fill");
    json.str("url", &dav.url(dir))
        .int("count", count)
        .int("size", size)
        .int("concurrency", concurrency)
        .int("ok", batch.ok)
        .int("errors", batch.errors)
        .bool("timed_out", batch.timed_out)
        .num("secs", started.elapsed().as_secs_f64())
        .num("rps", batch.ok as f64 / batch.wall.as_secs_f64());
    if let Some(e) = &batch.first_error {
        json.str("first_error", e);
    }
    if batch.errors > 0 || batch.timed_out {
        json.str("error", "not every PUT succeeded");
    }
    Ok(json)
}

async fn propfind(
    dav: &Arc<Dav>,
    dir: &str,
    depth: &str,
    runs: usize,
    warmup: usize,
    body: String,
    deadline: Instant,
) -> Result<Json, BoxError> {
    let path = format!("{}/", dir.trim_matches('/'));
    let mut totals = Vec::with_capacity(runs);
    let mut firsts = Vec::with_capacity(runs);
    let (mut status, mut bytes, mut entries) = (StatusCode::OK, 0usize, 0usize);
    let mut error = None;
    for i in 0..warmup + runs {
        if Instant::now() >= deadline {
            error = Some(format!("deadline passed after {i} requests"));
            break;
        }
        let t0 = Instant::now();
        let response = dav
            .request(method("PROPFIND")?, &path)
            .header("Depth", depth)
            .header("Content-Type", "text/xml; charset=utf-8")
            .body(body.clone())
            .send()
            .await?;
        let first = t0.elapsed();
        status = response.status();
        let reply = response.bytes().await?;
        let total = t0.elapsed();
        if status != StatusCode::MULTI_STATUS {
            error = Some(format!("PROPFIND {} answered {status}", dav.url(&path)));
            break;
        }
        if i == 0 {
            entries = count_responses(&reply);
        }
        bytes = reply.len();
        if i >= warmup {
            totals.push(total);
            firsts.push(first);
        }
    }
    totals.sort();
    firsts.sort();
    let mut json = Json::new("propfind");
    json.str("url", &dav.url(&path))
        .str("depth", depth)
        .int("status", usize::from(status.as_u16()))
        .int("entries", entries)
        .int("bytes", bytes)
        .int("runs", totals.len())
        .num("median_ms", percentile_ms(&totals, 50.0))
        .num("p95_ms", percentile_ms(&totals, 95.0))
        .num("min_ms", percentile_ms(&totals, 0.0))
        .num("max_ms", percentile_ms(&totals, 100.0))
        .num("ttfb_median_ms", percentile_ms(&firsts, 50.0));
    if let Some(e) = error {
        json.str("error", &e);
    }
    Ok(json)
}

#[allow(clippy::too_many_arguments)]
async fn put(
    dav: &Arc<Dav>,
    dir: &str,
    count: usize,
    size: usize,
    concurrency: usize,
    warmup: usize,
    rounds: usize,
    deadline: Instant,
) -> Result<Json, BoxError> {
    let dir = dir.trim_matches('/');
    let body = Arc::new(vec![b'x'; size]);
    if warmup > 0 {
        let warm = format!("{dir}/warm");
        dav.mkcol_all(&warm).await?;
        let names = file_names(warmup, "w", "bin");
        put_batch(dav, &warm, names, &body, concurrency, deadline).await?;
    }
    let (mut ok, mut errors, mut timed_out, mut first_error) = (0, 0, false, None);
    let mut latencies = Vec::with_capacity(count * rounds);
    let mut rates = Vec::with_capacity(rounds);
    for round in 1..=rounds.max(1) {
        let round_dir = format!("{dir}/r{round}");
        dav.mkcol_all(&round_dir).await?;
        let names = file_names(count, "f", "bin");
        let batch = put_batch(dav, &round_dir, names, &body, concurrency, deadline).await?;
        ok += batch.ok;
        errors += batch.errors;
        timed_out |= batch.timed_out;
        if first_error.is_none() {
            first_error = batch.first_error;
        }
        rates.push(batch.ok as f64 / batch.wall.as_secs_f64());
        latencies.extend(batch.latencies);
        if timed_out {
            break;
        }
    }
    latencies.sort();
    let mean = if latencies.is_empty() {
        f64::NAN
    } else {
        latencies.iter().map(|d| ms(*d)).sum::<f64>() / latencies.len() as f64
    };
    let mut json = Json::new("put");
    json.str("url", &dav.url(dir))
        .int("count", count)
        .int("size", size)
        .int("concurrency", concurrency)
        .int("rounds", rates.len())
        .int("ok", ok)
        .int("errors", errors)
        .bool("timed_out", timed_out)
        .num("rps", median(&mut rates.clone()))
        .nums("rps_rounds", &rates)
        .num("p50_ms", percentile_ms(&latencies, 50.0))
        .num("p99_ms", percentile_ms(&latencies, 99.0))
        .num("mean_ms", mean)
        .num("max_ms", percentile_ms(&latencies, 100.0));
    if let Some(e) = &first_error {
        json.str("first_error", e);
    }
    if errors > 0 || timed_out {
        json.str("error", "not every PUT succeeded");
    }
    Ok(json)
}

async fn run(cli: Cli) -> Result<String, BoxError> {
    let mut base = cli.base.clone();
    if !base.ends_with('/') {
        base.push('/');
    }
    let client = Client::builder()
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(cli.request_timeout))
        .build()?;
    let dav = Arc::new(Dav {
        client,
        base,
        user: cli.user,
        password: cli.password,
    });
    let deadline = Instant::now() + Duration::from_secs(cli.time_limit);
    let json = match cli.workload {
        Workload::Fill {
            dir,
            count,
            size,
            concurrency,
        } => fill(&dav, &dir, count, size, concurrency, deadline).await?,
        Workload::Propfind {
            dir,
            depth,
            runs,
            warmup,
            body_file,
        } => {
            let body = match body_file {
                Some(file) => std::fs::read_to_string(file)?,
                None => NEXTCLOUD_PROPFIND.to_owned(),
            };
            propfind(&dav, &dir, &depth, runs, warmup, body, deadline).await?
        }
        Workload::Put {
            dir,
            count,
            size,
            concurrency,
            warmup,
            rounds,
        } => {
            put(
                &dav,
                &dir,
                count,
                size,
                concurrency,
                warmup,
                rounds,
                deadline,
            )
            .await?
        }
    };
    Ok(json.finish())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let workload = match &cli.workload {
        Workload::Fill { .. } => "fill",
        Workload::Propfind { .. } => "propfind",
        Workload::Put { .. } => "put",
    };
    match run(cli).await {
        Ok(line) => {
            let failed = line.contains("\"error\":");
            println!("{line}");
            if failed {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            let mut json = Json::new(workload);
            json.str("error", &e.to_string());
            println!("{}", json.finish());
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_responses_with_any_prefix() {
        let body = br#"<D:multistatus xmlns:D="DAV:"><D:response><D:href>/a</D:href></D:response>
            <D:response><D:responsedescription/></D:response></D:multistatus>"#;
        assert_eq!(count_responses(body), 2);
        assert_eq!(
            count_responses(b"<multistatus><response></response></multistatus>"),
            1
        );
    }

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        assert_eq!(percentile_ms(&samples, 50.0), 10.0);
        assert_eq!(percentile_ms(&samples, 95.0), 19.0);
        assert_eq!(percentile_ms(&samples, 0.0), 1.0);
        assert_eq!(percentile_ms(&samples, 100.0), 20.0);
    }

    #[test]
    fn bodies_differ_per_path() {
        let template = vec![b'x'; 8];
        assert_eq!(unique_body(&template, "a/1"), b"a/1xxxxx");
        assert_eq!(unique_body(&template, "a/0123456789"), b"a/012345");
        assert_eq!(unique_body(&[], "a"), b"");
    }

    #[test]
    fn json_escapes() {
        let mut json = Json::new("x");
        json.str("e", "a\"b\\c\n").int("n", 3).num("f", f64::NAN);
        assert_eq!(
            json.finish(),
            r#"{"workload":"x","e":"a\"b\\c\u000a","n":3,"f":null}"#
        );
    }
}
