//! The one domain error every use case returns. Faces map it to their own envelopes;
//! stores map driver errors into it at their boundary (never a database error into `NotFound`).

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or the caller may not know that it exists.
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    AlreadyExists(String),
    #[error("permission denied")]
    PermissionDenied,
    /// No credentials, or credentials that are wrong, expired or revoked.
    #[error("authentication required")]
    Unauthenticated,
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("locked")]
    Locked,
    #[error("quota exceeded")]
    QuotaExceeded,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// Something broke inside: the message is for the log, never for the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn internal(context: impl fmt::Display) -> Self {
        Error::Internal(context.to_string())
    }

    /// A stable kebab-case code, for logs and for faces that expose one.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound => "not-found",
            Error::AlreadyExists(_) => "already-exists",
            Error::PermissionDenied => "permission-denied",
            Error::Unauthenticated => "unauthenticated",
            Error::InvalidInput { .. } => "invalid-input",
            Error::PreconditionFailed(_) => "precondition-failed",
            Error::Conflict(_) => "conflict",
            Error::Locked => "locked",
            Error::QuotaExceeded => "quota-exceeded",
            Error::PayloadTooLarge => "payload-too-large",
            Error::RateLimited { .. } => "rate-limited",
            Error::Internal(_) => "internal",
        }
    }

    /// The message a client may see: everything but internal details.
    pub fn public_message(&self) -> String {
        match self {
            Error::Internal(_) => "Internal server error.".to_owned(),
            Error::NotFound => "Not found.".to_owned(),
            Error::PermissionDenied => "Permission denied.".to_owned(),
            Error::Unauthenticated => "Authentication required.".to_owned(),
            Error::QuotaExceeded => "Disk quota exceeded.".to_owned(),
            Error::PayloadTooLarge => "Request too large.".to_owned(),
            Error::Locked => "The resource is locked.".to_owned(),
            Error::RateLimited { .. } => "Too many requests.".to_owned(),
            other => {
                let text = other.to_string();
                let mut chars = text.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
                    None => text,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_never_reach_the_client() {
        let err = Error::internal("database is on fire at /var/lib/x");
        assert_eq!(err.public_message(), "Internal server error.");
        assert_eq!(err.code(), "internal");
    }

    #[test]
    fn invalid_input_names_the_field() {
        let err = Error::invalid("name", "must not contain '/'");
        assert_eq!(err.public_message(), "Invalid name: must not contain '/'.");
    }
}
