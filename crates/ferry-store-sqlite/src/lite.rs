//! The SQLite store's driver: sqlx's query calls (`query`, `query_as`, `query_scalar`,
//! `bind`, `execute`, `fetch_one`/`fetch_optional`/`fetch_all`) over rusqlite, so the SQL and
//! the `MetaTx` implementation in `ferry_store_sql` serve this backend unchanged.
//!
//! Why not sqlx-sqlite: it runs every statement on a thread of its own per connection,
//! reached through a channel, so each statement costs two thread hand-offs. A WebDAV PUT is
//! about thirty statements; the hand-offs, not SQLite, were most of its time. Here a
//! statement runs on the calling thread: an indexed read or write on a local file takes
//! microseconds, less than one hand-off. What may take long runs elsewhere: a strict
//! commit (an fsync) goes to the blocking pool (see [`crate::pool`]), and a writer never
//! waits on SQLite's lock in-process (the store's write gate queues writers first).
//!
//! Parameters are written `$1`, `$2`, … as PostgreSQL spells them; SQLite takes `$1` as a
//! parameter *named* "$1", so each is bound by the number in its name.

use std::future::{Ready, ready};
use std::marker::PhantomData;

use rusqlite::types::FromSql;
use rusqlite::{Connection, Row, Statement, ToSql};

/// The database marker the query types are tagged with, as sqlx's `Sqlite` is.
pub struct Lite;

/// A failure of the driver.
#[derive(Debug)]
pub enum LiteError {
    /// SQLite's own error.
    Sqlite(rusqlite::Error),
    /// `fetch_one` found no row.
    RowNotFound,
    /// The store was closed.
    Closed,
    /// A commit on the blocking pool did not come back (the runtime is shutting down).
    Lost(String),
}

impl std::fmt::Display for LiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LiteError::Sqlite(e) => write!(f, "{e}"),
            LiteError::RowNotFound => f.write_str("no row where one was expected"),
            LiteError::Closed => f.write_str("the store is closed"),
            LiteError::Lost(why) => write!(f, "the commit did not come back: {why}"),
        }
    }
}

impl std::error::Error for LiteError {}

impl From<rusqlite::Error> for LiteError {
    fn from(e: rusqlite::Error) -> Self {
        LiteError::Sqlite(e)
    }
}

impl ferry_store_sql::DriverError for LiteError {
    fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            LiteError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        )
    }
}

type LiteResult<T> = Result<T, LiteError>;

/// One connection, as the queries see it.
pub struct LiteConn(pub(crate) Connection);

/// Where a query runs: a connection borrowed for the call (sqlx's `Executor`, reduced to
/// what the store uses). The associated database lets `query_as::<_, Row>` infer its
/// marker from the connection, as sqlx's does.
pub trait Executor<'c> {
    type Database;
    fn connection(self) -> &'c Connection;
}

impl<'c> Executor<'c> for &'c mut LiteConn {
    type Database = Lite;
    fn connection(self) -> &'c Connection {
        &self.0
    }
}

/// How many rows a statement changed.
pub struct Done(u64);

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.0
    }
}

/// A value decoded from a whole row (sqlx's `FromRow`), column by column by name.
pub trait FromLiteRow: Sized {
    /// Decodes the row from `cursor.at` on, the position its first column usually has,
    /// and leaves the cursor past the last column it read (so a row that embeds another,
    /// sqlx's `flatten`, continues where the inner one ended).
    fn from_row_at(row: &Row<'_>, cursor: &mut Cursor) -> rusqlite::Result<Self>;
}

/// Where decoding is in a row. The first row of a result compares each column's name with
/// the field it goes to; when every one was where the row type expects it, the rows after
/// (same statement, same columns) skip the comparisons: on a 10,000-entry listing they
/// were a tenth of the time.
#[derive(Default)]
pub struct Cursor {
    at: usize,
    /// The statement's columns are known to be in field order.
    trusted: bool,
    /// No column of this row had to be looked up by name.
    in_order: bool,
}

/// The column called `name`: at `cursor.at` when the query lists it there (the usual
/// case), else found by name.
pub fn column<T: FromSql>(row: &Row<'_>, cursor: &mut Cursor, name: &str) -> rusqlite::Result<T> {
    let index = if cursor.trusted {
        cursor.at
    } else {
        let statement: &Statement<'_> = row.as_ref();
        match statement.column_name(cursor.at) {
            Ok(here) if here == name => cursor.at,
            _ => {
                cursor.in_order = false;
                statement.column_index(name)?
            }
        }
    };
    cursor.at = index + 1;
    row.get(index)
}

impl<A: FromSql, B: FromSql> FromLiteRow for (A, B) {
    fn from_row_at(row: &Row<'_>, cursor: &mut Cursor) -> rusqlite::Result<Self> {
        let pair = (row.get(cursor.at)?, row.get(cursor.at + 1)?);
        cursor.at += 2;
        Ok(pair)
    }
}

/// A statement and its arguments, in the order of their `$N` numbers.
pub struct Query<'q> {
    sql: &'q str,
    args: Vec<Box<dyn ToSql + Send + 'q>>,
}

/// sqlx's `query`: a statement run for its effect.
pub fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
    }
}

impl<'q> Query<'q> {
    pub fn bind<T: ToSql + Send + 'q>(mut self, value: T) -> Self {
        self.args.push(Box::new(value));
        self
    }

    /// Runs the statement to its end and tells how many rows it changed (0 for one that
    /// only reads, which SQLite would otherwise answer with the last write's count).
    pub fn execute<'c, E: Executor<'c>>(self, executor: E) -> Ready<LiteResult<Done>> {
        let conn = executor.connection();
        ready(self.run(conn, |statement| {
            let mut rows = statement.raw_query();
            while rows.next()?.is_some() {}
            drop(rows);
            Ok(Done(if statement.readonly() {
                0
            } else {
                conn.changes()
            }))
        }))
    }

    /// Prepares (or takes from the connection's cache) the statement, binds the
    /// arguments by number and hands it to `step`.
    fn run<R>(
        &self,
        conn: &Connection,
        step: impl FnOnce(&mut Statement<'_>) -> LiteResult<R>,
    ) -> LiteResult<R> {
        let mut statement = conn.prepare_cached(self.sql)?;
        for index in 1..=statement.parameter_count() {
            let number = statement
                .parameter_name(index)
                .and_then(|name| name.strip_prefix('$'))
                .and_then(|digits| digits.parse::<usize>().ok())
                .unwrap_or(index);
            let Some(arg) = number.checked_sub(1).and_then(|i| self.args.get(i)) else {
                return Err(rusqlite::Error::InvalidParameterCount(
                    statement.parameter_count(),
                    self.args.len(),
                )
                .into());
            };
            statement.raw_bind_parameter(index, arg)?;
        }
        step(&mut statement)
    }

    fn rows<O>(
        &self,
        conn: &Connection,
        limit: usize,
        mut decode: impl FnMut(&Row<'_>) -> rusqlite::Result<O>,
    ) -> LiteResult<Vec<O>> {
        self.run(conn, |statement| {
            let mut rows = statement.raw_query();
            let mut found = Vec::new();
            while found.len() < limit {
                match rows.next()? {
                    Some(row) => found.push(decode(row)?),
                    None => break,
                }
            }
            Ok(found)
        })
    }
}

/// Decodes rows of one result, trusting the column order once the first row showed it.
fn row_decoder<O: FromLiteRow>() -> impl FnMut(&Row<'_>) -> rusqlite::Result<O> {
    let mut trusted = false;
    move |row| {
        let mut cursor = Cursor {
            at: 0,
            trusted,
            in_order: true,
        };
        let value = O::from_row_at(row, &mut cursor)?;
        trusted = cursor.in_order;
        Ok(value)
    }
}

/// How a fetch turns a row into its value: the whole row ([`WholeRow`], sqlx's
/// `query_as`) or its first column ([`FirstColumn`], sqlx's `query_scalar`).
pub trait Decode<O> {
    fn decoder() -> impl FnMut(&Row<'_>) -> rusqlite::Result<O>;
}

pub struct WholeRow;
pub struct FirstColumn;

impl<O: FromLiteRow> Decode<O> for WholeRow {
    fn decoder() -> impl FnMut(&Row<'_>) -> rusqlite::Result<O> {
        row_decoder()
    }
}

impl<O: FromSql> Decode<O> for FirstColumn {
    fn decoder() -> impl FnMut(&Row<'_>) -> rusqlite::Result<O> {
        first_column
    }
}

fn first_column<O: FromSql>(row: &Row<'_>) -> rusqlite::Result<O> {
    row.get(0)
}

/// A query whose rows are fetched as values of `O`, decoded the way `D` says.
pub struct Fetch<'q, DB, O, D> {
    query: Query<'q>,
    tag: PhantomData<Tag<DB, O, D>>,
}

/// The types a fetch is tagged with (none of them held, so `fn()` keeps it `Send`).
type Tag<DB, O, D> = fn() -> (DB, O, D);

/// sqlx's `query_as`: each row decoded into `O`.
pub type QueryAs<'q, DB, O> = Fetch<'q, DB, O, WholeRow>;
/// sqlx's `query_scalar`: the first column of each row.
pub type QueryScalar<'q, DB, O> = Fetch<'q, DB, O, FirstColumn>;

pub fn query_as<DB, O>(sql: &str) -> QueryAs<'_, DB, O> {
    Fetch {
        query: query(sql),
        tag: PhantomData,
    }
}

pub fn query_scalar<DB, O>(sql: &str) -> QueryScalar<'_, DB, O> {
    Fetch {
        query: query(sql),
        tag: PhantomData,
    }
}

impl<'q, DB, O, D: Decode<O>> Fetch<'q, DB, O, D> {
    pub fn bind<T: ToSql + Send + 'q>(self, value: T) -> Self {
        Fetch {
            query: self.query.bind(value),
            tag: PhantomData,
        }
    }

    pub fn fetch_all<'c, E: Executor<'c, Database = DB>>(self, e: E) -> Ready<LiteResult<Vec<O>>> {
        ready(self.query.rows(e.connection(), usize::MAX, D::decoder()))
    }

    pub fn fetch_optional<'c, E: Executor<'c, Database = DB>>(
        self,
        e: E,
    ) -> Ready<LiteResult<Option<O>>> {
        ready(first(self.query.rows(e.connection(), 1, D::decoder())))
    }

    pub fn fetch_one<'c, E: Executor<'c, Database = DB>>(self, e: E) -> Ready<LiteResult<O>> {
        ready(one(self.query.rows(e.connection(), 1, D::decoder())))
    }
}

fn first<O>(rows: LiteResult<Vec<O>>) -> LiteResult<Option<O>> {
    rows.map(|rows| rows.into_iter().next())
}

fn one<O>(rows: LiteResult<Vec<O>>) -> LiteResult<O> {
    first(rows)?.ok_or(LiteError::RowNotFound)
}

/// Implements [`FromLiteRow`] for a row type by its field names, which are its column
/// names; `[field: Type]` decodes an embedded row (sqlx's `flatten`).
macro_rules! lite_rows {
    ($($row:ident { $($field:tt)* })*) => {
        $(impl $crate::lite::FromLiteRow for $row {
            fn from_row_at(
                row: &rusqlite::Row<'_>,
                at: &mut $crate::lite::Cursor,
            ) -> rusqlite::Result<Self> {
                $crate::lite::lite_rows!(@build $row row at [] $($field)*)
            }
        })*
    };
    // Each field in turn becomes a `let` of its name; the last step names them all.
    (@build $row:ident $r:ident $at:ident [$($done:ident)*]) => {
        Ok($row { $($done),* })
    };
    (@build $row:ident $r:ident $at:ident [$($done:ident)*]
        [$field:ident: $ty:ty] $(, $($rest:tt)*)?) => {{
        let $field = <$ty as $crate::lite::FromLiteRow>::from_row_at($r, $at)?;
        $crate::lite::lite_rows!(@build $row $r $at [$($done)* $field] $($($rest)*)?)
    }};
    (@build $row:ident $r:ident $at:ident [$($done:ident)*]
        $field:ident $(, $($rest:tt)*)?) => {{
        let $field = $crate::lite::column($r, $at, stringify!($field))?;
        $crate::lite::lite_rows!(@build $row $r $at [$($done)* $field] $($($rest)*)?)
    }};
}
pub(crate) use lite_rows;

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> LiteConn {
        let conn = Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, on_ BOOL)")
            .expect("schema");
        LiteConn(conn)
    }

    #[test]
    fn binds_by_dollar_number_in_any_order() {
        let mut c = conn();
        let done = query("INSERT INTO t (name, id, on_) VALUES ($2, $1, $3)")
            .bind(7_i64)
            .bind("seven")
            .bind(true)
            .execute(&mut c)
            .into_inner()
            .expect("insert");
        assert_eq!(done.rows_affected(), 1);
        let row: (i64, String) = query_as("SELECT id, name FROM t WHERE name = $1")
            .bind("seven")
            .fetch_one(&mut c)
            .into_inner()
            .expect("select");
        assert_eq!(row, (7, "seven".to_owned()));
        let on: bool = query_scalar("SELECT on_ FROM t WHERE id = $1")
            .bind(7_i64)
            .fetch_one(&mut c)
            .into_inner()
            .expect("scalar");
        assert!(on);
    }

    #[test]
    fn a_read_changes_nothing_and_a_missing_row_is_an_error() {
        let mut c = conn();
        query("INSERT INTO t (id, name) VALUES ($1, $2)")
            .bind(1_i64)
            .bind("one")
            .execute(&mut c)
            .into_inner()
            .expect("insert");
        let read = query("SELECT 1")
            .execute(&mut c)
            .into_inner()
            .expect("select");
        assert_eq!(read.rows_affected(), 0);
        let missing = query_scalar::<Lite, i64>("SELECT id FROM t WHERE id = $1")
            .bind(2_i64)
            .fetch_one(&mut c)
            .into_inner();
        assert!(matches!(missing, Err(LiteError::RowNotFound)));
    }

    struct Pair {
        id: i64,
        name: String,
    }
    lite_rows! { Pair { id, name } }

    #[test]
    fn rows_decode_by_column_name_in_either_order() {
        let mut c = conn();
        for (id, name) in [(1_i64, "one"), (2, "two"), (3, "three")] {
            query("INSERT INTO t (id, name) VALUES ($1, $2)")
                .bind(id)
                .bind(name)
                .execute(&mut c)
                .into_inner()
                .expect("insert");
        }
        for sql in [
            "SELECT id, name FROM t ORDER BY id",
            "SELECT name, id FROM t ORDER BY id",
        ] {
            let rows: Vec<Pair> = query_as(sql)
                .fetch_all(&mut c)
                .into_inner()
                .expect("select");
            let got: Vec<(i64, &str)> = rows.iter().map(|p| (p.id, p.name.as_str())).collect();
            assert_eq!(got, [(1, "one"), (2, "two"), (3, "three")], "{sql}");
        }
    }

    #[test]
    fn a_unique_violation_is_recognised() {
        use ferry_store_sql::DriverError;
        let mut c = conn();
        let insert = |c: &mut LiteConn, id: i64| {
            query("INSERT INTO t (id, name) VALUES ($1, 'same')")
                .bind(id)
                .execute(c)
                .into_inner()
        };
        insert(&mut c, 1).expect("first");
        let err = insert(&mut c, 2).err().expect("second is refused");
        assert!(err.is_unique_violation(), "{err}");
    }
}
