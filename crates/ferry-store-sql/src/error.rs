//! The one place where driver errors become domain errors.

use ferry_core::Error;
use sqlx::error::ErrorKind;

/// What the mapping needs to know of a driver's error: whether it is a unique violation.
/// Implemented for sqlx's error (PostgreSQL) and for the SQLite store's own driver error.
pub trait DriverError: std::fmt::Display {
    fn is_unique_violation(&self) -> bool;
}

impl DriverError for sqlx::Error {
    fn is_unique_violation(&self) -> bool {
        matches!(self, sqlx::Error::Database(db) if db.kind() == ErrorKind::UniqueViolation)
    }
}

/// Maps a driver error to the domain error.
///
/// A unique violation is the only database error with a domain meaning: someone already
/// holds the name, email, token or key. Everything else (constraint bugs, I/O, pool time-outs,
/// decoding) is an internal error; in particular it is never `NotFound`, because a failing
/// database must not look like a missing row to the caller.
pub fn db_err(e: impl DriverError) -> Error {
    if e.is_unique_violation() {
        // The constraint name is schema detail, and this message can reach a client.
        return Error::AlreadyExists("a record with the same unique value".to_owned());
    }
    Error::internal(format_args!("database: {e}"))
}

/// [`db_err`] with the store operation named in the internal message, for the log.
pub fn db_err_in(op: &'static str, e: impl DriverError) -> Error {
    match db_err(e) {
        Error::Internal(message) => Error::Internal(format!("{op}: {message}")),
        other => other,
    }
}

/// Maps a migration failure; errors from the SQL itself go through [`db_err`].
pub fn migrate_err(e: sqlx::migrate::MigrateError) -> Error {
    match e {
        sqlx::migrate::MigrateError::Execute(e) => db_err_in("migrate", e),
        other => Error::internal(format_args!("migrate: {other}")),
    }
}
