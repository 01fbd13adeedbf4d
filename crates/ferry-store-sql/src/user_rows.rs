//! Rows of the account profile, 2FA and login history, and their conversion into domain
//! records.

use ferry_core::clock::EpochMillis;
use ferry_core::ids::UserId;
use ferry_core::model::{LoginAction, LoginEvent, NotificationSettings, TotpState, UserDetails};
use ferry_core::{Error, Result};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserDetailsRow {
    pub language: String,
    pub phone: String,
    pub address: String,
    pub website: String,
    pub twitter: String,
    pub avatar: Option<String>,
    pub admin_comment: String,
    pub email_alert_owned: bool,
    pub email_alert_group_owned: bool,
    pub email_alert_shared_with_me: bool,
    pub email_alert_shared_with_my_groups: bool,
    pub realtime_alert_owned: bool,
    pub realtime_alert_group_owned: bool,
    pub realtime_alert_shared_with_me: bool,
    pub realtime_alert_shared_with_my_groups: bool,
    pub twofa: bool,
}

impl From<UserDetailsRow> for UserDetails {
    fn from(row: UserDetailsRow) -> Self {
        UserDetails {
            language: row.language,
            phone: row.phone,
            address: row.address,
            website: row.website,
            twitter: row.twitter,
            avatar: row.avatar,
            admin_comment: row.admin_comment,
            notifications: NotificationSettings {
                email_alert_owned: row.email_alert_owned,
                email_alert_group_owned: row.email_alert_group_owned,
                email_alert_shared_with_me: row.email_alert_shared_with_me,
                email_alert_shared_with_my_groups: row.email_alert_shared_with_my_groups,
                realtime_alert_owned: row.realtime_alert_owned,
                realtime_alert_group_owned: row.realtime_alert_group_owned,
                realtime_alert_shared_with_me: row.realtime_alert_shared_with_me,
                realtime_alert_shared_with_my_groups: row.realtime_alert_shared_with_my_groups,
            },
            twofa: row.twofa,
        }
    }
}

#[derive(Clone, sqlx::FromRow)]
pub struct TotpRow {
    pub totp_secret: String,
    pub totp_last_step: Option<i64>,
}

impl From<TotpRow> for TotpState {
    fn from(row: TotpRow) -> Self {
        TotpState {
            secret: row.totp_secret,
            last_step: row.totp_last_step,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginEventRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub action: String,
    pub status: String,
    pub ip_address: String,
    pub details: String,
    pub at_ms: EpochMillis,
}

impl TryFrom<LoginEventRow> for LoginEvent {
    type Error = Error;

    fn try_from(row: LoginEventRow) -> Result<Self> {
        // An unknown action was written by something else: a fault, not a missing event.
        let action = LoginAction::parse(&row.action).ok_or_else(|| {
            Error::internal(format_args!(
                "login event {}: unknown action {:?} in the database",
                row.id, row.action
            ))
        })?;
        Ok(LoginEvent {
            id: row.id,
            user_id: UserId::from_uuid(row.user_id),
            action,
            status: row.status,
            ip_address: row.ip_address,
            details: row.details,
            at_ms: row.at_ms,
        })
    }
}
