//! The `MetaTx` implementation, expanded once per backend.

/// Implements [`ferry_core::ports::MetaTx`] for a newtype whose field `.0` derefs to the
/// connection a transaction runs on, with `driver` the module that provides sqlx's query
/// API (`query`, `query_as`, `query_scalar`, `bind`, `execute`, `fetch_*`).
///
/// PostgreSQL passes sqlx itself and a `sqlx::Transaction`. SQLite passes its own driver
/// (`ferry_store_sqlite::lite`), which offers the same calls over rusqlite and runs each
/// statement on the calling thread instead of through sqlx-sqlite's per-connection worker.
///
/// A macro rather than a generic impl: the SQL in [`crate::sql`] is the same for both
/// backends, but spelling out sqlx's executor, encode and decode bounds for a generic
/// database is longer and more fragile than the implementation itself. Each expansion is
/// checked against one concrete database.
#[macro_export]
macro_rules! impl_meta_tx {
    ($tx:ty, driver = $($driver:ident)::+) => {
        // An anonymous const gives the `use`s a scope of their own.
        const _: () = {
            use $crate::__private::ferry_core::clock::EpochMillis;
            use $crate::__private::ferry_core::ids::{NodeId, SessionId, UserId};
            use $crate::__private::ferry_core::model::{
                DavLock, DeadProp, Node, NodeEntry, NodeStats, Owner, RootKind, Session,
                UploadToken, User, Version,
            };
            use $crate::__private::ferry_core::ports::MetaTx;
            use $crate::__private::ferry_core::{Error, Result};
            use $($driver)::+ as sqlx;
            use $crate::sql;
            use $crate::{
                DavLockRow, DeadPropRow, NodeEntryRow, NodeRow, NodeStatsRow, SessionRow,
                UploadTokenRow, UserRow, VersionRow, convert_all, db_err_in, email_key,
            };

            #[$crate::__private::async_trait]
            impl MetaTx for $tx {
                async fn commit(mut self: Box<Self>) -> Result<()> {
                    // See `sql::COMMIT_GUARD`: fails here if the transaction already failed.
                    sqlx::query(sql::COMMIT_GUARD)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("commit", e))?;
                    self.0.commit().await.map_err(|e| db_err_in("commit", e))
                }

                // --- users ---

                async fn insert_user(&mut self, user: &User) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_USER)
                        .bind(user.id.as_uuid())
                        .bind(&user.username)
                        .bind(&user.email)
                        .bind(email_key(user.email.as_deref()))
                        .bind(&user.display_name)
                        .bind(&user.password_hash)
                        .bind(user.is_admin)
                        .bind(user.is_active)
                        .bind(user.quota_bytes)
                        .bind(user.created_ms)
                        .bind(user.last_login_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_user", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists(format!(
                            "user '{}' (the id, username or email is taken)",
                            user.username
                        )));
                    }
                    Ok(())
                }

                async fn user_by_id(&mut self, id: UserId) -> Result<Option<User>> {
                    let row = sqlx::query_as::<_, UserRow>(sql::USER_BY_ID)
                        .bind(id.as_uuid())
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("user_by_id", e))?;
                    Ok(row.map(User::from))
                }

                async fn user_by_login(&mut self, login: &str) -> Result<Option<User>> {
                    let row = sqlx::query_as::<_, UserRow>(sql::USER_BY_LOGIN)
                        .bind(login)
                        .bind(email_key(Some(login)))
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("user_by_login", e))?;
                    Ok(row.map(User::from))
                }

                async fn list_users(&mut self) -> Result<Vec<User>> {
                    let rows = sqlx::query_as::<_, UserRow>(sql::LIST_USERS)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_users", e))?;
                    Ok(rows.into_iter().map(User::from).collect())
                }

                async fn update_user(&mut self, user: &User) -> Result<()> {
                    let done = sqlx::query(sql::UPDATE_USER)
                        .bind(user.id.as_uuid())
                        .bind(&user.username)
                        .bind(&user.email)
                        .bind(email_key(user.email.as_deref()))
                        .bind(&user.display_name)
                        .bind(&user.password_hash)
                        .bind(user.is_admin)
                        .bind(user.is_active)
                        .bind(user.quota_bytes)
                        .bind(user.last_login_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("update_user", e))?;
                    if done.rows_affected() > 0 {
                        return Ok(());
                    }
                    // Nothing changed: either there is no such user or the name is taken.
                    let exists: bool = sqlx::query_scalar(sql::USER_EXISTS)
                        .bind(user.id.as_uuid())
                        .fetch_one(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("update_user", e))?;
                    if exists {
                        Err(Error::AlreadyExists(format!(
                            "user '{}' (the username or email is taken)",
                            user.username
                        )))
                    } else {
                        Err(Error::NotFound)
                    }
                }

                async fn delete_user(&mut self, id: UserId) -> Result<bool> {
                    sqlx::query(sql::DELETE_USER_NODES)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_user", e))?;
                    let done = sqlx::query(sql::DELETE_USER)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_user", e))?;
                    Ok(done.rows_affected() > 0)
                }

                // --- sessions and upload tokens ---

                async fn insert_session(&mut self, session: &Session) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_SESSION)
                        .bind(session.id.as_uuid())
                        .bind(session.user_id.as_uuid())
                        .bind(&session.token_hash)
                        .bind(&session.file_key_hash)
                        .bind(session.created_ms)
                        .bind(session.expires_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_session", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists("session".to_owned()));
                    }
                    Ok(())
                }

                async fn session_by_token_hash(
                    &mut self,
                    token_hash: &str,
                ) -> Result<Option<Session>> {
                    let row = sqlx::query_as::<_, SessionRow>(sql::SESSION_BY_TOKEN_HASH)
                        .bind(token_hash)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("session_by_token_hash", e))?;
                    Ok(row.map(Session::from))
                }

                async fn session_by_file_key_hash(
                    &mut self,
                    file_key_hash: &str,
                ) -> Result<Option<Session>> {
                    let row = sqlx::query_as::<_, SessionRow>(sql::SESSION_BY_FILE_KEY_HASH)
                        .bind(file_key_hash)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("session_by_file_key_hash", e))?;
                    Ok(row.map(Session::from))
                }

                async fn delete_session(&mut self, id: SessionId) -> Result<()> {
                    sqlx::query(sql::DELETE_SESSION)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_session", e))?;
                    Ok(())
                }

                async fn delete_sessions_of(&mut self, user: UserId) -> Result<u64> {
                    let done = sqlx::query(sql::DELETE_SESSIONS_OF)
                        .bind(user.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_sessions_of", e))?;
                    Ok(done.rows_affected())
                }

                async fn delete_expired(&mut self, now: EpochMillis) -> Result<u64> {
                    let sessions = sqlx::query(sql::DELETE_EXPIRED_SESSIONS)
                        .bind(now)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_expired", e))?;
                    let tokens = sqlx::query(sql::DELETE_EXPIRED_UPLOAD_TOKENS)
                        .bind(now)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_expired", e))?;
                    let flows = sqlx::query(sql::DELETE_EXPIRED_LOGIN_FLOWS)
                        .bind(now)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_expired", e))?;
                    Ok(sessions.rows_affected() + tokens.rows_affected() + flows.rows_affected())
                }

                // --- api keys ---

                async fn insert_api_key(
                    &mut self,
                    key: &$crate::__private::ferry_core::model::ApiKey,
                ) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_API_KEY)
                        .bind(key.id.as_uuid())
                        .bind(key.user_id.as_uuid())
                        .bind(&key.name)
                        .bind(&key.prefix)
                        .bind(&key.token_hash)
                        .bind($crate::scopes_text(&key.scopes))
                        .bind(key.status.as_str())
                        .bind(key.created_ms)
                        .bind(key.last_used_ms)
                        .bind(key.expires_ms)
                        .bind(key.revoked_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_api_key", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists("api key".to_owned()));
                    }
                    Ok(())
                }

                async fn api_key_by_id(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::ApiKeyId,
                ) -> Result<Option<$crate::__private::ferry_core::model::ApiKey>> {
                    let row = sqlx::query_as::<_, $crate::ApiKeyRow>(sql::API_KEY_BY_ID)
                        .bind(id.as_uuid())
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("api_key_by_id", e))?;
                    row.map(TryInto::try_into).transpose()
                }

                async fn api_key_by_hash(
                    &mut self,
                    token_hash: &str,
                ) -> Result<Option<$crate::__private::ferry_core::model::ApiKey>> {
                    let row = sqlx::query_as::<_, $crate::ApiKeyRow>(sql::API_KEY_BY_HASH)
                        .bind(token_hash)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("api_key_by_hash", e))?;
                    row.map(TryInto::try_into).transpose()
                }

                async fn list_api_keys(
                    &mut self,
                ) -> Result<Vec<$crate::__private::ferry_core::model::ApiKey>> {
                    let rows = sqlx::query_as::<_, $crate::ApiKeyRow>(sql::LIST_API_KEYS)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_api_keys", e))?;
                    rows.into_iter().map(TryInto::try_into).collect()
                }

                async fn update_api_key(
                    &mut self,
                    key: &$crate::__private::ferry_core::model::ApiKey,
                ) -> Result<()> {
                    let done = sqlx::query(sql::UPDATE_API_KEY)
                        .bind(key.id.as_uuid())
                        .bind(&key.name)
                        .bind($crate::scopes_text(&key.scopes))
                        .bind(key.status.as_str())
                        .bind(key.expires_ms)
                        .bind(key.revoked_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("update_api_key", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::NotFound);
                    }
                    Ok(())
                }

                async fn delete_api_key(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::ApiKeyId,
                ) -> Result<bool> {
                    let done = sqlx::query(sql::DELETE_API_KEY)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_api_key", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn touch_api_key(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::ApiKeyId,
                    now: EpochMillis,
                ) -> Result<()> {
                    sqlx::query(sql::TOUCH_API_KEY)
                        .bind(id.as_uuid())
                        .bind(now)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("touch_api_key", e))?;
                    Ok(())
                }

                // --- webdrive endpoints ---

                async fn put_webdrive(
                    &mut self,
                    drive: &$crate::__private::ferry_core::webdrive::WebDrive,
                ) -> Result<()> {
                    let (user, group) = $crate::owner_columns(drive.owner);
                    sqlx::query(sql::DELETE_WEBDRIVE_OF)
                        .bind(user)
                        .bind(group)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("put_webdrive", e))?;
                    sqlx::query(sql::INSERT_WEBDRIVE)
                        .bind(&drive.endpoint)
                        .bind(user)
                        .bind(group)
                        .bind(drive.show_to_members)
                        .bind(drive.created_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("put_webdrive", e))?;
                    Ok(())
                }

                async fn webdrive_by_endpoint(
                    &mut self,
                    endpoint: &str,
                ) -> Result<Option<$crate::__private::ferry_core::webdrive::WebDrive>> {
                    let row = sqlx::query_as::<_, $crate::WebDriveRow>(sql::WEBDRIVE_BY_ENDPOINT)
                        .bind(endpoint)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("webdrive_by_endpoint", e))?;
                    row.map(TryInto::try_into).transpose()
                }

                async fn webdrive_of(
                    &mut self,
                    owner: Owner,
                ) -> Result<Option<$crate::__private::ferry_core::webdrive::WebDrive>> {
                    let (user, group) = $crate::owner_columns(owner);
                    let row = sqlx::query_as::<_, $crate::WebDriveRow>(sql::WEBDRIVE_OF)
                        .bind(user)
                        .bind(group)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("webdrive_of", e))?;
                    row.map(TryInto::try_into).transpose()
                }

                async fn delete_webdrive_of(&mut self, owner: Owner) -> Result<bool> {
                    let (user, group) = $crate::owner_columns(owner);
                    let done = sqlx::query(sql::DELETE_WEBDRIVE_OF)
                        .bind(user)
                        .bind(group)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_webdrive_of", e))?;
                    Ok(done.rows_affected() > 0)
                }

                // --- features ---

                async fn feature_states(&mut self) -> Result<Vec<(String, bool)>> {
                    sqlx::query_as::<_, (String, bool)>(sql::FEATURE_STATES)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("feature_states", e))
                }

                async fn set_feature_state(
                    &mut self,
                    id: &str,
                    enabled: bool,
                    now: EpochMillis,
                ) -> Result<()> {
                    sqlx::query(sql::SET_FEATURE_STATE)
                        .bind(id)
                        .bind(enabled)
                        .bind(now)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("set_feature_state", e))?;
                    Ok(())
                }

                // --- group member defaults ---

                async fn member_defaults(
                    &mut self,
                    group: $crate::__private::ferry_core::ids::GroupId,
                ) -> Result<Option<$crate::__private::ferry_core::model::MemberPermissions>>
                {
                    // Read through the membership row shape, so the permission lists are
                    // parsed in one place.
                    let row = sqlx::query_as::<_, $crate::MembershipRow>(sql::MEMBER_DEFAULTS)
                        .bind(group.as_uuid())
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("member_defaults", e))?;
                    row.map(|r| {
                        $crate::__private::ferry_core::model::Membership::try_from(r)
                            .map(|m| m.permissions)
                    })
                    .transpose()
                }

                async fn set_member_defaults(
                    &mut self,
                    group: $crate::__private::ferry_core::ids::GroupId,
                    defaults: Option<&$crate::__private::ferry_core::model::MemberPermissions>,
                ) -> Result<()> {
                    let done = match defaults {
                        Some(p) => {
                            sqlx::query(sql::SET_MEMBER_DEFAULTS)
                                .bind(group.as_uuid())
                                .bind(p.is_admin)
                                .bind($crate::permissions_text(&p.node, |x| x.as_str()))
                                .bind($crate::permissions_text(&p.tag, |x| x.as_str()))
                                .bind($crate::permissions_text(&p.share, |x| x.as_str()))
                                .execute(&mut *self.0)
                                .await
                        }
                        None => {
                            sqlx::query(sql::CLEAR_MEMBER_DEFAULTS)
                                .bind(group.as_uuid())
                                .execute(&mut *self.0)
                                .await
                        }
                    };
                    done.map_err(|e| db_err_in("set_member_defaults", e))?;
                    Ok(())
                }

                // --- rate limits ---

                async fn hit_rate_window(
                    &mut self,
                    key: &str,
                    window_start: EpochMillis,
                ) -> Result<i64> {
                    sqlx::query_scalar(sql::HIT_RATE_WINDOW)
                        .bind(key)
                        .bind(window_start)
                        .fetch_one(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("hit_rate_window", e))
                }

                async fn forget_rate_windows(
                    &mut self,
                    key: &str,
                    before: EpochMillis,
                ) -> Result<()> {
                    sqlx::query(sql::FORGET_RATE_WINDOWS)
                        .bind(key)
                        .bind(before)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("forget_rate_windows", e))?;
                    Ok(())
                }

                async fn forget_ended_rate_windows(&mut self, before: EpochMillis) -> Result<u64> {
                    let done = sqlx::query(sql::FORGET_ENDED_RATE_WINDOWS)
                        .bind(before)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("forget_ended_rate_windows", e))?;
                    Ok(done.rows_affected())
                }

                // --- app passwords and login flows ---

                async fn insert_app_password(
                    &mut self,
                    password: &$crate::__private::ferry_core::model::AppPassword,
                ) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_APP_PASSWORD)
                        .bind(password.id.as_uuid())
                        .bind(password.user_id.as_uuid())
                        .bind(&password.name)
                        .bind(&password.token_hash)
                        .bind(password.created_ms)
                        .bind(password.last_used_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_app_password", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists("app password".to_owned()));
                    }
                    Ok(())
                }

                async fn app_password_by_hash(
                    &mut self,
                    token_hash: &str,
                ) -> Result<Option<$crate::__private::ferry_core::model::AppPassword>> {
                    let row =
                        sqlx::query_as::<_, $crate::AppPasswordRow>(sql::APP_PASSWORD_BY_HASH)
                            .bind(token_hash)
                            .fetch_optional(&mut *self.0)
                            .await
                            .map_err(|e| db_err_in("app_password_by_hash", e))?;
                    Ok(row.map(Into::into))
                }

                async fn list_app_passwords(
                    &mut self,
                    user: UserId,
                ) -> Result<Vec<$crate::__private::ferry_core::model::AppPassword>> {
                    let rows = sqlx::query_as::<_, $crate::AppPasswordRow>(sql::LIST_APP_PASSWORDS)
                        .bind(user.as_uuid())
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_app_passwords", e))?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                async fn delete_app_password(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::AppPasswordId,
                ) -> Result<bool> {
                    let done = sqlx::query(sql::DELETE_APP_PASSWORD)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_app_password", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn touch_app_password(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::AppPasswordId,
                    now: EpochMillis,
                ) -> Result<()> {
                    sqlx::query(sql::TOUCH_APP_PASSWORD)
                        .bind(id.as_uuid())
                        .bind(now)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("touch_app_password", e))?;
                    Ok(())
                }

                async fn insert_login_flow(
                    &mut self,
                    flow: &$crate::__private::ferry_core::model::LoginFlow,
                ) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_LOGIN_FLOW)
                        .bind(flow.id.as_uuid())
                        .bind(&flow.poll_token_hash)
                        .bind(&flow.login_token_hash)
                        .bind(flow.created_ms)
                        .bind(flow.expires_ms)
                        .bind(&flow.sealed_app_password)
                        .bind(&flow.app_password_hash)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_login_flow", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists("login flow".to_owned()));
                    }
                    Ok(())
                }

                async fn login_flow_by_poll_hash(
                    &mut self,
                    poll_token_hash: &str,
                ) -> Result<Option<$crate::__private::ferry_core::model::LoginFlow>> {
                    let row =
                        sqlx::query_as::<_, $crate::LoginFlowRow>(sql::LOGIN_FLOW_BY_POLL_HASH)
                            .bind(poll_token_hash)
                            .fetch_optional(&mut *self.0)
                            .await
                            .map_err(|e| db_err_in("login_flow_by_poll_hash", e))?;
                    Ok(row.map(Into::into))
                }

                async fn login_flow_by_login_hash(
                    &mut self,
                    login_token_hash: &str,
                ) -> Result<Option<$crate::__private::ferry_core::model::LoginFlow>> {
                    let row =
                        sqlx::query_as::<_, $crate::LoginFlowRow>(sql::LOGIN_FLOW_BY_LOGIN_HASH)
                            .bind(login_token_hash)
                            .fetch_optional(&mut *self.0)
                            .await
                            .map_err(|e| db_err_in("login_flow_by_login_hash", e))?;
                    Ok(row.map(Into::into))
                }

                async fn grant_login_flow(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::LoginFlowId,
                    grant: &$crate::__private::ferry_core::model::LoginGrant,
                ) -> Result<bool> {
                    let done = sqlx::query(sql::GRANT_LOGIN_FLOW)
                        .bind(id.as_uuid())
                        .bind(grant.user_id.as_uuid())
                        .bind(&grant.login_name)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("grant_login_flow", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_login_flow(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::LoginFlowId,
                ) -> Result<()> {
                    sqlx::query(sql::DELETE_LOGIN_FLOW)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_login_flow", e))?;
                    Ok(())
                }

                async fn insert_upload_token(&mut self, token: &UploadToken) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_UPLOAD_TOKEN)
                        .bind(&token.token_hash)
                        .bind(token.user_id.as_uuid())
                        .bind(token.node_id.as_uuid())
                        .bind(token.expires_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_upload_token", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists("upload token".to_owned()));
                    }
                    Ok(())
                }

                async fn take_upload_token(
                    &mut self,
                    token_hash: &str,
                ) -> Result<Option<UploadToken>> {
                    let row = sqlx::query_as::<_, UploadTokenRow>(sql::TAKE_UPLOAD_TOKEN)
                        .bind(token_hash)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("take_upload_token", e))?;
                    Ok(row.map(UploadToken::from))
                }

                // --- groups ---

                async fn insert_group(
                    &mut self,
                    group: &$crate::__private::ferry_core::model::Group,
                ) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_GROUP)
                        .bind(group.id.as_uuid())
                        .bind(&group.slug)
                        .bind(&group.name)
                        .bind(&group.description)
                        .bind(group.quota_bytes)
                        .bind(group.default_permission.as_str())
                        .bind(&group.avatar)
                        .bind(group.accept_incoming.as_str())
                        .bind(group.private_shares_notify.as_str())
                        .bind(group.created_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_group", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists(format!(
                            "group '{}' (the id or name is taken)",
                            group.name
                        )));
                    }
                    Ok(())
                }

                async fn group_by_id(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::GroupId,
                ) -> Result<Option<$crate::__private::ferry_core::model::Group>> {
                    let row = sqlx::query_as::<_, $crate::GroupRow>(sql::GROUP_BY_ID)
                        .bind(id.as_uuid())
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("group_by_id", e))?;
                    row.map(TryInto::try_into).transpose()
                }

                async fn group_by_slug(
                    &mut self,
                    slug: &str,
                ) -> Result<Option<$crate::__private::ferry_core::model::Group>> {
                    let row = sqlx::query_as::<_, $crate::GroupRow>(sql::GROUP_BY_SLUG)
                        .bind(slug)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("group_by_slug", e))?;
                    row.map(TryInto::try_into).transpose()
                }

                async fn list_groups(
                    &mut self,
                ) -> Result<Vec<$crate::__private::ferry_core::model::Group>> {
                    let rows = sqlx::query_as::<_, $crate::GroupRow>(sql::LIST_GROUPS)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_groups", e))?;
                    rows.into_iter().map(TryInto::try_into).collect()
                }

                async fn update_group(
                    &mut self,
                    group: &$crate::__private::ferry_core::model::Group,
                ) -> Result<()> {
                    let done = sqlx::query(sql::UPDATE_GROUP)
                        .bind(group.id.as_uuid())
                        .bind(&group.slug)
                        .bind(&group.name)
                        .bind(&group.description)
                        .bind(group.quota_bytes)
                        .bind(group.default_permission.as_str())
                        .bind(&group.avatar)
                        .bind(group.accept_incoming.as_str())
                        .bind(group.private_shares_notify.as_str())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("update_group", e))?;
                    if done.rows_affected() > 0 {
                        return Ok(());
                    }
                    let exists: bool = sqlx::query_scalar(sql::GROUP_EXISTS)
                        .bind(group.id.as_uuid())
                        .fetch_one(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("update_group", e))?;
                    if exists {
                        Err(Error::AlreadyExists(format!(
                            "group '{}' (the name is taken)",
                            group.name
                        )))
                    } else {
                        Err(Error::NotFound)
                    }
                }

                async fn delete_group(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::GroupId,
                ) -> Result<bool> {
                    sqlx::query(sql::DELETE_GROUP_NODES)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_group", e))?;
                    let done = sqlx::query(sql::DELETE_GROUP)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_group", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn insert_membership(
                    &mut self,
                    membership: &$crate::__private::ferry_core::model::Membership,
                ) -> Result<()> {
                    let p = &membership.permissions;
                    let done = sqlx::query(sql::INSERT_MEMBERSHIP)
                        .bind(membership.group_id.as_uuid())
                        .bind(membership.user_id.as_uuid())
                        .bind(p.is_admin)
                        .bind($crate::permissions_text(&p.node, |x| x.as_str()))
                        .bind($crate::permissions_text(&p.tag, |x| x.as_str()))
                        .bind($crate::permissions_text(&p.share, |x| x.as_str()))
                        .bind(membership.created_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_membership", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists(
                            "membership (the user is already a member)".to_owned(),
                        ));
                    }
                    Ok(())
                }

                async fn update_membership(
                    &mut self,
                    membership: &$crate::__private::ferry_core::model::Membership,
                ) -> Result<()> {
                    let p = &membership.permissions;
                    let done = sqlx::query(sql::UPDATE_MEMBERSHIP)
                        .bind(membership.group_id.as_uuid())
                        .bind(membership.user_id.as_uuid())
                        .bind(p.is_admin)
                        .bind($crate::permissions_text(&p.node, |x| x.as_str()))
                        .bind($crate::permissions_text(&p.tag, |x| x.as_str()))
                        .bind($crate::permissions_text(&p.share, |x| x.as_str()))
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("update_membership", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::NotFound);
                    }
                    Ok(())
                }

                async fn membership(
                    &mut self,
                    group: $crate::__private::ferry_core::ids::GroupId,
                    user: UserId,
                ) -> Result<Option<$crate::__private::ferry_core::model::Membership>> {
                    let row = sqlx::query_as::<_, $crate::MembershipRow>(sql::MEMBERSHIP)
                        .bind(group.as_uuid())
                        .bind(user.as_uuid())
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("membership", e))?;
                    row.map(TryInto::try_into).transpose()
                }

                async fn delete_membership(
                    &mut self,
                    group: $crate::__private::ferry_core::ids::GroupId,
                    user: UserId,
                ) -> Result<bool> {
                    let done = sqlx::query(sql::DELETE_MEMBERSHIP)
                        .bind(group.as_uuid())
                        .bind(user.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_membership", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn group_members(
                    &mut self,
                    group: $crate::__private::ferry_core::ids::GroupId,
                ) -> Result<Vec<$crate::__private::ferry_core::model::GroupMember>> {
                    let rows = sqlx::query_as::<_, $crate::GroupMemberRow>(sql::GROUP_MEMBERS)
                        .bind(group.as_uuid())
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("group_members", e))?;
                    rows.into_iter().map(TryInto::try_into).collect()
                }

                async fn groups_of_user(
                    &mut self,
                    user: UserId,
                ) -> Result<Vec<$crate::__private::ferry_core::model::GroupWithMembership>>
                {
                    let rows =
                        sqlx::query_as::<_, $crate::GroupWithMembershipRow>(sql::GROUPS_OF_USER)
                            .bind(user.as_uuid())
                            .fetch_all(&mut *self.0)
                            .await
                            .map_err(|e| db_err_in("groups_of_user", e))?;
                    rows.into_iter().map(TryInto::try_into).collect()
                }

                async fn insert_group_tag(
                    &mut self,
                    tag: &$crate::__private::ferry_core::model::GroupTag,
                ) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_GROUP_TAG)
                        .bind(tag.id.as_uuid())
                        .bind(tag.group_id.as_uuid())
                        .bind(&tag.name)
                        .bind(&tag.class)
                        .bind(tag.created_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_group_tag", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists(format!("tag '{}'", tag.name)));
                    }
                    Ok(())
                }

                async fn list_group_tags(
                    &mut self,
                    group: $crate::__private::ferry_core::ids::GroupId,
                    limit: Option<i64>,
                ) -> Result<Vec<$crate::__private::ferry_core::model::GroupTag>> {
                    let rows = sqlx::query_as::<_, $crate::GroupTagRow>(sql::LIST_GROUP_TAGS)
                        .bind(group.as_uuid())
                        .bind(limit.unwrap_or(i64::MAX))
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_group_tags", e))?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                async fn insert_outgoing_mail(
                    &mut self,
                    mail: &$crate::__private::ferry_core::model::OutgoingMail,
                ) -> Result<()> {
                    sqlx::query(sql::INSERT_OUTGOING_MAIL)
                        .bind(mail.id.as_uuid())
                        .bind(mail.user_id.as_uuid())
                        .bind(&mail.address)
                        .bind(&mail.subject)
                        .bind(&mail.body)
                        .bind(mail.created_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_outgoing_mail", e))?;
                    Ok(())
                }

                async fn list_outgoing_mail(
                    &mut self,
                ) -> Result<Vec<$crate::__private::ferry_core::model::OutgoingMail>> {
                    let rows =
                        sqlx::query_as::<_, $crate::OutgoingMailRow>(sql::LIST_OUTGOING_MAIL)
                            .fetch_all(&mut *self.0)
                            .await
                            .map_err(|e| db_err_in("list_outgoing_mail", e))?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                // --- user profile and security ---

                async fn user_details(
                    &mut self,
                    id: UserId,
                ) -> Result<Option<$crate::__private::ferry_core::model::UserDetails>> {
                    let row = sqlx::query_as::<_, $crate::UserDetailsRow>(sql::USER_DETAILS)
                        .bind(id.as_uuid())
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("user_details", e))?;
                    Ok(row.map(Into::into))
                }

                async fn set_user_details(
                    &mut self,
                    id: UserId,
                    details: &$crate::__private::ferry_core::model::UserDetails,
                ) -> Result<()> {
                    let n = &details.notifications;
                    let done = sqlx::query(sql::SET_USER_DETAILS)
                        .bind(id.as_uuid())
                        .bind(&details.language)
                        .bind(&details.phone)
                        .bind(&details.address)
                        .bind(&details.website)
                        .bind(&details.twitter)
                        .bind(&details.avatar)
                        .bind(&details.admin_comment)
                        .bind(n.email_alert_owned)
                        .bind(n.email_alert_group_owned)
                        .bind(n.email_alert_shared_with_me)
                        .bind(n.email_alert_shared_with_my_groups)
                        .bind(n.realtime_alert_owned)
                        .bind(n.realtime_alert_group_owned)
                        .bind(n.realtime_alert_shared_with_me)
                        .bind(n.realtime_alert_shared_with_my_groups)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("set_user_details", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::NotFound);
                    }
                    Ok(())
                }

                async fn user_totp(
                    &mut self,
                    id: UserId,
                ) -> Result<Option<$crate::__private::ferry_core::model::TotpState>> {
                    let row = sqlx::query_as::<_, $crate::TotpRow>(sql::USER_TOTP)
                        .bind(id.as_uuid())
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("user_totp", e))?;
                    Ok(row.map(Into::into))
                }

                async fn set_user_totp(&mut self, id: UserId, secret: Option<&str>) -> Result<()> {
                    let done = sqlx::query(sql::SET_USER_TOTP)
                        .bind(id.as_uuid())
                        .bind(secret)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("set_user_totp", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::NotFound);
                    }
                    Ok(())
                }

                async fn accept_totp_step(&mut self, id: UserId, step: i64) -> Result<bool> {
                    let done = sqlx::query(sql::ACCEPT_TOTP_STEP)
                        .bind(id.as_uuid())
                        .bind(step)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("accept_totp_step", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn insert_login_event(
                    &mut self,
                    event: &$crate::__private::ferry_core::model::LoginEvent,
                ) -> Result<()> {
                    sqlx::query(sql::INSERT_LOGIN_EVENT)
                        .bind(event.id)
                        .bind(event.user_id.as_uuid())
                        .bind(event.action.as_str())
                        .bind(&event.status)
                        .bind(&event.ip_address)
                        .bind(&event.details)
                        .bind(event.at_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_login_event", e))?;
                    Ok(())
                }

                async fn list_login_events(
                    &mut self,
                    user: UserId,
                    limit: i64,
                ) -> Result<Vec<$crate::__private::ferry_core::model::LoginEvent>> {
                    let rows = sqlx::query_as::<_, $crate::LoginEventRow>(sql::LIST_LOGIN_EVENTS)
                        .bind(user.as_uuid())
                        .bind(limit)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_login_events", e))?;
                    convert_all(rows)
                }

                async fn forget_login_events(
                    &mut self,
                    user: UserId,
                    before: EpochMillis,
                ) -> Result<u64> {
                    let done = sqlx::query(sql::FORGET_LOGIN_EVENTS)
                        .bind(user.as_uuid())
                        .bind(before)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("forget_login_events", e))?;
                    Ok(done.rows_affected())
                }

                async fn add_login_failure(&mut self, key: &str, at: EpochMillis) -> Result<()> {
                    sqlx::query(sql::ADD_LOGIN_FAILURE)
                        .bind(key)
                        .bind(at)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("add_login_failure", e))?;
                    Ok(())
                }

                async fn recent_login_failures(
                    &mut self,
                    key: &str,
                    since: EpochMillis,
                    limit: i64,
                ) -> Result<Vec<EpochMillis>> {
                    sqlx::query_scalar::<_, i64>(sql::RECENT_LOGIN_FAILURES)
                        .bind(key)
                        .bind(since)
                        .bind(limit)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("recent_login_failures", e))
                }

                async fn clear_login_failures(&mut self, key: &str) -> Result<()> {
                    sqlx::query(sql::CLEAR_LOGIN_FAILURES)
                        .bind(key)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("clear_login_failures", e))?;
                    Ok(())
                }

                async fn forget_login_failures(&mut self, before: EpochMillis) -> Result<u64> {
                    let done = sqlx::query(sql::FORGET_LOGIN_FAILURES)
                        .bind(before)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("forget_login_failures", e))?;
                    Ok(done.rows_affected())
                }

                // --- nodes ---

                async fn insert_node(&mut self, node: &Node) -> Result<i64> {
                    let file_id: i64 = sqlx::query_scalar(sql::NEXT_FILE_ID)
                        .fetch_one(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_node", e))?;
                    let done = sqlx::query(sql::INSERT_NODE)
                        .bind(node.id.as_uuid())
                        .bind(file_id)
                        .bind(node.owner.kind_str())
                        .bind(node.owner.uuid())
                        .bind(node.parent.map(|p| p.as_uuid()))
                        .bind(node.root.map(|r| r.as_str()))
                        .bind(&node.name)
                        .bind(node.kind.as_str())
                        .bind(node.size)
                        .bind(&node.etag)
                        .bind(node.revision)
                        .bind(&node.content_hash)
                        .bind(node.created_ms)
                        .bind(node.updated_ms)
                        .bind(node.trashed_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_node", e))?;
                    if done.rows_affected() == 0 {
                        // The file id stays spent: ids are unique, not dense.
                        return Err(Error::AlreadyExists(match node.root {
                            Some(root) => format!("{} folder of this owner", root.as_str()),
                            None => node.name.clone(),
                        }));
                    }
                    Ok(file_id)
                }

                async fn node_by_id(&mut self, id: NodeId) -> Result<Option<Node>> {
                    let row = sqlx::query_as::<_, NodeRow>(sql::NODE_BY_ID)
                        .bind(id.as_uuid())
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("node_by_id", e))?;
                    row.map(Node::try_from).transpose()
                }

                async fn node_by_file_id(&mut self, file_id: i64) -> Result<Option<Node>> {
                    let row = sqlx::query_as::<_, NodeRow>(sql::NODE_BY_FILE_ID)
                        .bind(file_id)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("node_by_file_id", e))?;
                    row.map(Node::try_from).transpose()
                }

                async fn root_node(
                    &mut self,
                    owner: Owner,
                    root: RootKind,
                ) -> Result<Option<Node>> {
                    let row = sqlx::query_as::<_, NodeRow>(sql::ROOT_NODE)
                        .bind(owner.kind_str())
                        .bind(owner.uuid())
                        .bind(root.as_str())
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("root_node", e))?;
                    row.map(Node::try_from).transpose()
                }

                async fn child_by_name(
                    &mut self,
                    parent: NodeId,
                    name: &str,
                ) -> Result<Option<Node>> {
                    let row = sqlx::query_as::<_, NodeRow>(sql::CHILD_BY_NAME)
                        .bind(parent.as_uuid())
                        .bind(name)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("child_by_name", e))?;
                    row.map(Node::try_from).transpose()
                }

                async fn list_children(
                    &mut self,
                    parent: NodeId,
                    viewer: UserId,
                ) -> Result<Vec<NodeEntry>> {
                    let rows = sqlx::query_as::<_, NodeEntryRow>(sql::LIST_CHILDREN)
                        .bind(viewer.as_uuid())
                        .bind(parent.as_uuid())
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_children", e))?;
                    convert_all(rows)
                }

                async fn list_trash(
                    &mut self,
                    owner: Owner,
                    viewer: UserId,
                ) -> Result<Vec<NodeEntry>> {
                    let rows = sqlx::query_as::<_, NodeEntryRow>(sql::LIST_TRASH)
                        .bind(viewer.as_uuid())
                        .bind(owner.kind_str())
                        .bind(owner.uuid())
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_trash", e))?;
                    convert_all(rows)
                }

                async fn list_starred(
                    &mut self,
                    owner: Owner,
                    viewer: UserId,
                ) -> Result<Vec<NodeEntry>> {
                    let rows = sqlx::query_as::<_, NodeEntryRow>(sql::LIST_STARRED)
                        .bind(viewer.as_uuid())
                        .bind(owner.kind_str())
                        .bind(owner.uuid())
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_starred", e))?;
                    convert_all(rows)
                }

                async fn ancestors(&mut self, id: NodeId) -> Result<Vec<Node>> {
                    let rows = sqlx::query_as::<_, NodeRow>(sql::ANCESTORS)
                        .bind(id.as_uuid())
                        .bind(sql::MAX_DEPTH)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("ancestors", e))?;
                    convert_all(rows)
                }

                async fn descendants(&mut self, id: NodeId) -> Result<Vec<Node>> {
                    let rows = sqlx::query_as::<_, NodeRow>(sql::DESCENDANTS)
                        .bind(id.as_uuid())
                        .bind(sql::MAX_DEPTH)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("descendants", e))?;
                    convert_all(rows)
                }

                async fn update_node(&mut self, node: &Node) -> Result<()> {
                    let done = sqlx::query(sql::UPDATE_NODE)
                        .bind(node.id.as_uuid())
                        .bind(node.parent.map(|p| p.as_uuid()))
                        .bind(&node.name)
                        .bind(node.size)
                        .bind(&node.etag)
                        .bind(node.revision)
                        .bind(&node.content_hash)
                        .bind(node.created_ms)
                        .bind(node.updated_ms)
                        .bind(node.trashed_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("update_node", e))?;
                    if done.rows_affected() > 0 {
                        return Ok(());
                    }
                    // Nothing changed: either there is no such node or a live sibling has the name.
                    let exists: bool = sqlx::query_scalar(sql::NODE_EXISTS)
                        .bind(node.id.as_uuid())
                        .fetch_one(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("update_node", e))?;
                    if exists {
                        Err(Error::AlreadyExists(node.name.clone()))
                    } else {
                        Err(Error::NotFound)
                    }
                }

                async fn set_subtree_owner(&mut self, id: NodeId, owner: Owner) -> Result<()> {
                    sqlx::query(sql::SET_SUBTREE_OWNER)
                        .bind(id.as_uuid())
                        .bind(owner.kind_str())
                        .bind(owner.uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("set_subtree_owner", e))?;
                    Ok(())
                }

                async fn propagate_etag(&mut self, id: NodeId, etag: &str) -> Result<()> {
                    sqlx::query(sql::PROPAGATE_ETAG)
                        .bind(id.as_uuid())
                        .bind(etag)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("propagate_etag", e))?;
                    Ok(())
                }

                async fn delete_subtree(&mut self, id: NodeId) -> Result<()> {
                    sqlx::query(sql::DELETE_SUBTREE)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_subtree", e))?;
                    Ok(())
                }

                async fn used_bytes(&mut self, owner: Owner) -> Result<i64> {
                    sqlx::query_scalar(sql::USED_BYTES)
                        .bind(owner.kind_str())
                        .bind(owner.uuid())
                        .fetch_one(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("used_bytes", e))
                }

                // --- stars ---

                async fn set_starred(
                    &mut self,
                    user: UserId,
                    node: NodeId,
                    starred: bool,
                ) -> Result<()> {
                    let statement = if starred { sql::STAR } else { sql::UNSTAR };
                    sqlx::query(statement)
                        .bind(user.as_uuid())
                        .bind(node.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("set_starred", e))?;
                    Ok(())
                }

                async fn is_starred(&mut self, user: UserId, node: NodeId) -> Result<bool> {
                    sqlx::query_scalar(sql::IS_STARRED)
                        .bind(user.as_uuid())
                        .bind(node.as_uuid())
                        .fetch_one(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("is_starred", e))
                }

                // --- versions ---

                async fn insert_version(&mut self, version: &Version) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_VERSION)
                        .bind(version.node_id.as_uuid())
                        .bind(version.number)
                        .bind(&version.content_hash)
                        .bind(version.size)
                        .bind(version.author.map(|a| a.as_uuid()))
                        .bind(version.created_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_version", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists(format!("version {}", version.number)));
                    }
                    Ok(())
                }

                async fn list_versions(&mut self, node: NodeId) -> Result<Vec<Version>> {
                    let rows = sqlx::query_as::<_, VersionRow>(sql::LIST_VERSIONS)
                        .bind(node.as_uuid())
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_versions", e))?;
                    Ok(rows.into_iter().map(Version::from).collect())
                }

                async fn version(&mut self, node: NodeId, number: i64) -> Result<Option<Version>> {
                    let row = sqlx::query_as::<_, VersionRow>(sql::VERSION)
                        .bind(node.as_uuid())
                        .bind(number)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("version", e))?;
                    Ok(row.map(Version::from))
                }

                async fn blob_is_referenced(&mut self, content_hash: &str) -> Result<bool> {
                    sqlx::query_scalar(sql::BLOB_IS_REFERENCED)
                        .bind(content_hash)
                        .fetch_one(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("blob_is_referenced", e))
                }

                // --- chunked uploads ---

                async fn insert_upload_session(
                    &mut self,
                    session: &$crate::__private::ferry_core::model::UploadSession,
                ) -> Result<()> {
                    let dest = session.destination.as_ref();
                    let done = sqlx::query(sql::INSERT_UPLOAD_SESSION)
                        .bind(session.id.as_uuid())
                        .bind(session.user_id.as_uuid())
                        .bind(&session.transfer_id)
                        .bind(session.variant.as_str())
                        .bind(dest.map(|d| d.parent.as_uuid()))
                        .bind(dest.map(|d| d.name.as_str()))
                        .bind(session.total_length)
                        .bind(session.chunk_count)
                        .bind(session.created_ms)
                        .bind(session.touched_ms)
                        .bind(session.assembling_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_upload_session", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists(format!(
                            "upload '{}'",
                            session.transfer_id
                        )));
                    }
                    Ok(())
                }

                async fn upload_session(
                    &mut self,
                    user: UserId,
                    transfer_id: &str,
                    idle_before: EpochMillis,
                ) -> Result<Option<$crate::__private::ferry_core::model::UploadSession>> {
                    let row = sqlx::query_as::<_, $crate::UploadSessionRow>(sql::UPLOAD_SESSION)
                        .bind(user.as_uuid())
                        .bind(transfer_id)
                        .bind(idle_before)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("upload_session", e))?;
                    row.map(TryFrom::try_from).transpose()
                }

                async fn touch_upload_session(
                    &mut self,
                    user: UserId,
                    transfer_id: &str,
                    idle_before: EpochMillis,
                    now: EpochMillis,
                ) -> Result<Option<$crate::__private::ferry_core::model::UploadSession>> {
                    let row =
                        sqlx::query_as::<_, $crate::UploadSessionRow>(sql::TOUCH_UPLOAD_SESSION)
                            .bind(user.as_uuid())
                            .bind(transfer_id)
                            .bind(idle_before)
                            .bind(now)
                            .fetch_optional(&mut *self.0)
                            .await
                            .map_err(|e| db_err_in("touch_upload_session", e))?;
                    row.map(TryFrom::try_from).transpose()
                }

                async fn set_upload_assembling(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::UploadId,
                    assembling_ms: Option<EpochMillis>,
                ) -> Result<()> {
                    sqlx::query(sql::SET_UPLOAD_ASSEMBLING)
                        .bind(id.as_uuid())
                        .bind(assembling_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("set_upload_assembling", e))?;
                    Ok(())
                }

                async fn delete_upload_session(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::UploadId,
                ) -> Result<bool> {
                    let done = sqlx::query(sql::DELETE_UPLOAD_SESSION)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_upload_session", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_idle_upload_sessions(
                    &mut self,
                    idle_before: EpochMillis,
                ) -> Result<u64> {
                    let done = sqlx::query(sql::DELETE_IDLE_UPLOAD_SESSIONS)
                        .bind(idle_before)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_idle_upload_sessions", e))?;
                    Ok(done.rows_affected())
                }

                async fn put_upload_part(
                    &mut self,
                    part: &$crate::__private::ferry_core::model::UploadPart,
                ) -> Result<Option<$crate::__private::ferry_core::model::UploadPart>> {
                    let replaced =
                        sqlx::query_as::<_, $crate::UploadPartRow>(sql::TAKE_UPLOAD_PART)
                            .bind(part.upload_id.as_uuid())
                            .bind(&part.name)
                            .fetch_optional(&mut *self.0)
                            .await
                            .map_err(|e| db_err_in("put_upload_part", e))?;
                    let done = sqlx::query(sql::INSERT_UPLOAD_PART)
                        .bind(part.upload_id.as_uuid())
                        .bind(&part.name)
                        .bind(&part.content_hash)
                        .bind(part.size)
                        .bind(part.created_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("put_upload_part", e))?;
                    if done.rows_affected() == 0 {
                        // The same name was just taken away; only a concurrent writer that
                        // did not lock the session first could have put it back.
                        return Err(Error::AlreadyExists(format!("part '{}'", part.name)));
                    }
                    Ok(replaced.map(Into::into))
                }

                async fn list_upload_parts(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::UploadId,
                ) -> Result<Vec<$crate::__private::ferry_core::model::UploadPart>> {
                    let rows = sqlx::query_as::<_, $crate::UploadPartRow>(sql::LIST_UPLOAD_PARTS)
                        .bind(id.as_uuid())
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("list_upload_parts", e))?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                async fn delete_upload_part(
                    &mut self,
                    id: $crate::__private::ferry_core::ids::UploadId,
                    name: &str,
                ) -> Result<bool> {
                    let done = sqlx::query(sql::DELETE_UPLOAD_PART)
                        .bind(id.as_uuid())
                        .bind(name)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_upload_part", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn upload_part_bytes(&mut self, user: UserId) -> Result<i64> {
                    sqlx::query_scalar(sql::UPLOAD_PART_BYTES)
                        .bind(user.as_uuid())
                        .fetch_one(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("upload_part_bytes", e))
                }

                // --- dav: dead properties, statistics, checksums, locks ---

                async fn dead_props_in(&mut self, id: NodeId) -> Result<Vec<DeadProp>> {
                    let rows = sqlx::query_as::<_, DeadPropRow>(sql::DEAD_PROPS_IN)
                        .bind(id.as_uuid())
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("dead_props_in", e))?;
                    Ok(rows.into_iter().map(DeadProp::from).collect())
                }

                async fn set_dead_prop(&mut self, prop: &DeadProp) -> Result<()> {
                    sqlx::query(sql::SET_DEAD_PROP)
                        .bind(prop.node_id.as_uuid())
                        .bind(&prop.namespace)
                        .bind(&prop.name)
                        .bind(&prop.value)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("set_dead_prop", e))?;
                    Ok(())
                }

                async fn remove_dead_prop(
                    &mut self,
                    node: NodeId,
                    namespace: &str,
                    name: &str,
                ) -> Result<()> {
                    sqlx::query(sql::REMOVE_DEAD_PROP)
                        .bind(node.as_uuid())
                        .bind(namespace)
                        .bind(name)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("remove_dead_prop", e))?;
                    Ok(())
                }

                async fn copy_dead_props(&mut self, from: NodeId, to: NodeId) -> Result<()> {
                    sqlx::query(sql::COPY_DEAD_PROPS)
                        .bind(from.as_uuid())
                        .bind(to.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("copy_dead_props", e))?;
                    Ok(())
                }

                async fn node_stats_in(&mut self, id: NodeId) -> Result<Vec<NodeStats>> {
                    let rows = sqlx::query_as::<_, NodeStatsRow>(sql::NODE_STATS_IN)
                        .bind(id.as_uuid())
                        .bind(sql::MAX_DEPTH)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("node_stats_in", e))?;
                    Ok(rows.into_iter().map(NodeStats::from).collect())
                }

                async fn node_stats_of(&mut self, id: NodeId) -> Result<Option<NodeStats>> {
                    let row = sqlx::query_as::<_, NodeStatsRow>(sql::NODE_STATS_OF)
                        .bind(id.as_uuid())
                        .bind(sql::MAX_DEPTH)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("node_stats_of", e))?;
                    Ok(row.map(NodeStats::from))
                }

                async fn set_version_checksum(
                    &mut self,
                    node: NodeId,
                    number: i64,
                    checksum: Option<&str>,
                ) -> Result<()> {
                    let done = sqlx::query(sql::SET_VERSION_CHECKSUM)
                        .bind(node.as_uuid())
                        .bind(number)
                        .bind(checksum)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("set_version_checksum", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::NotFound);
                    }
                    Ok(())
                }

                async fn insert_lock(&mut self, lock: &DavLock) -> Result<()> {
                    let done = sqlx::query(sql::INSERT_LOCK)
                        .bind(&lock.token)
                        .bind(lock.node_id.as_uuid())
                        .bind(lock.user_id.as_uuid())
                        .bind(lock.exclusive)
                        .bind(lock.deep)
                        .bind(&lock.owner_xml)
                        .bind(lock.timeout_secs)
                        .bind(lock.created_ms)
                        .bind(lock.expires_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("insert_lock", e))?;
                    if done.rows_affected() == 0 {
                        return Err(Error::AlreadyExists("lock token".to_owned()));
                    }
                    Ok(())
                }

                async fn lock_by_token(&mut self, token: &str) -> Result<Option<DavLock>> {
                    let row = sqlx::query_as::<_, DavLockRow>(sql::LOCK_BY_TOKEN)
                        .bind(token)
                        .fetch_optional(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("lock_by_token", e))?;
                    Ok(row.map(DavLock::from))
                }

                async fn locks_covering(
                    &mut self,
                    id: NodeId,
                    now: EpochMillis,
                ) -> Result<Vec<DavLock>> {
                    let rows = sqlx::query_as::<_, DavLockRow>(sql::LOCKS_COVERING)
                        .bind(id.as_uuid())
                        .bind(now)
                        .bind(sql::MAX_DEPTH)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("locks_covering", e))?;
                    Ok(rows.into_iter().map(DavLock::from).collect())
                }

                async fn locks_below(
                    &mut self,
                    id: NodeId,
                    now: EpochMillis,
                ) -> Result<Vec<DavLock>> {
                    let rows = sqlx::query_as::<_, DavLockRow>(sql::LOCKS_BELOW)
                        .bind(id.as_uuid())
                        .bind(now)
                        .bind(sql::MAX_DEPTH)
                        .fetch_all(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("locks_below", e))?;
                    Ok(rows.into_iter().map(DavLock::from).collect())
                }

                async fn refresh_lock(
                    &mut self,
                    token: &str,
                    timeout_secs: i64,
                    expires_ms: EpochMillis,
                ) -> Result<bool> {
                    let done = sqlx::query(sql::REFRESH_LOCK)
                        .bind(token)
                        .bind(timeout_secs)
                        .bind(expires_ms)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("refresh_lock", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_lock(&mut self, token: &str) -> Result<bool> {
                    let done = sqlx::query(sql::DELETE_LOCK)
                        .bind(token)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_lock", e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_locks_in(&mut self, id: NodeId) -> Result<u64> {
                    let done = sqlx::query(sql::DELETE_LOCKS_IN)
                        .bind(id.as_uuid())
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_locks_in", e))?;
                    Ok(done.rows_affected())
                }

                async fn delete_expired_locks(&mut self, now: EpochMillis) -> Result<u64> {
                    let done = sqlx::query(sql::DELETE_EXPIRED_LOCKS)
                        .bind(now)
                        .execute(&mut *self.0)
                        .await
                        .map_err(|e| db_err_in("delete_expired_locks", e))?;
                    Ok(done.rows_affected())
                }
            }
        };
    };
}
