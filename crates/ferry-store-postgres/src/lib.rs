//! Ferry's metadata store on PostgreSQL.
//!
//! The queries are shared with the SQLite store (see `ferry_store_sql`); this crate only
//! connects, migrates and begins transactions.

use std::str::FromStr;

use async_trait::async_trait;
use ferry_core::ports::{MetaStore, MetaTx};
use ferry_core::{Durability, Error, Result};
use ferry_store_sql::{db_err_in, migrate_err};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection, PgPool, Postgres, Transaction};

/// Connections in the pool.
const MAX_CONNECTIONS: u32 = 16;

/// The metadata store over a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

struct PgTx(Transaction<'static, Postgres>);

ferry_store_sql::impl_meta_tx!(PgTx, driver = sqlx);

/// Prepared statements kept per connection: every statement Ferry runs (sqlx's default of
/// 100 is fewer than the store's statements).
const STATEMENT_CACHE: usize = 512;

fn parse_url(url: &str) -> Result<PgConnectOptions> {
    Ok(PgConnectOptions::from_str(url)
        .map_err(|e| db_err_in("parse the postgres url", e))?
        .statement_cache_capacity(STATEMENT_CACHE))
}

/// Schema names are spliced into SQL (identifiers cannot be bound), so only plain ones pass.
fn checked_schema(schema: &str) -> Result<&str> {
    let mut chars = schema.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && schema.len() <= 63;
    if plain {
        Ok(schema)
    } else {
        Err(Error::invalid(
            "schema",
            "must be 1-63 of a-z, 0-9 and _, not starting with a digit",
        ))
    }
}

impl PgStore {
    /// Connects to `url` (e.g. `postgres://ferry@localhost/ferry`) and migrates the
    /// database's default schema.
    pub async fn open(url: &str) -> Result<PgStore> {
        Self::open_durable(url, Durability::Strict).await
    }

    /// Like [`PgStore::open`]; relaxed durability turns `synchronous_commit` off for Ferry's
    /// connections (a commit is acknowledged before its WAL flush; a crash of the database
    /// server may lose the last moments, never consistency).
    pub async fn open_durable(url: &str, durability: Durability) -> Result<PgStore> {
        let options = parse_url(url)?;
        let options = match durability {
            Durability::Strict => options,
            Durability::Relaxed => options.options([("synchronous_commit", "off")]),
        };
        Self::open_with(options).await
    }

    /// Like [`PgStore::open`], but everything lives in `schema`, which is created if
    /// missing: every pooled connection gets it as its only `search_path`. Lets tests share
    /// one database without seeing each other.
    pub async fn open_in_schema(url: &str, schema: &str) -> Result<PgStore> {
        let schema = checked_schema(schema)?;
        let options = parse_url(url)?;
        let mut conn = PgConnection::connect_with(&options)
            .await
            .map_err(|e| db_err_in("connect to postgres", e))?;
        sqlx::query(AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS \"{schema}\""
        )))
        .execute(&mut conn)
        .await
        .map_err(|e| db_err_in("create schema", e))?;
        conn.close().await.map_err(|e| db_err_in("close", e))?;
        Self::open_with(options.options([("search_path", schema)])).await
    }

    /// Drops `schema` and everything in it (the cleanup for [`PgStore::open_in_schema`]).
    pub async fn drop_schema(url: &str, schema: &str) -> Result<()> {
        let schema = checked_schema(schema)?;
        let mut conn = PgConnection::connect_with(&parse_url(url)?)
            .await
            .map_err(|e| db_err_in("connect to postgres", e))?;
        sqlx::query(AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
        )))
        .execute(&mut conn)
        .await
        .map_err(|e| db_err_in("drop schema", e))?;
        conn.close().await.map_err(|e| db_err_in("close", e))
    }

    async fn open_with(options: PgConnectOptions) -> Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(|e| db_err_in("connect to postgres", e))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(migrate_err)?;
        tracing::debug!("postgres metadata store open");
        Ok(PgStore { pool })
    }

    /// Waits for the connections to finish and closes them.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl MetaStore for PgStore {
    async fn read(&self) -> Result<Box<dyn MetaTx>> {
        let tx = self
            .pool
            .begin()
            .await
            .map_err(|e| db_err_in("begin read", e))?;
        Ok(Box::new(PgTx(tx)))
    }

    /// READ COMMITTED, as PostgreSQL begins by default. Unique indexes settle races on
    /// names, and the `counters` row lock orders file ids; nothing here needs SERIALIZABLE,
    /// whose retries every caller would have to handle.
    async fn write(&self) -> Result<Box<dyn MetaTx>> {
        let tx = self
            .pool
            .begin()
            .await
            .map_err(|e| db_err_in("begin write", e))?;
        Ok(Box::new(PgTx(tx)))
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_schema_names_pass() {
        assert!(checked_schema("story_0190a1b2c3").is_ok());
        assert!(checked_schema("_x").is_ok());
        for bad in [
            "",
            "1abc",
            "Story",
            "a\"; DROP TABLE users; --",
            "a-b",
            &"a".repeat(64),
        ] {
            assert!(checked_schema(bad).is_err(), "{bad:?}");
        }
    }
}
