//! The `MetaTx` implementation, expanded once per backend.

/// Implements [`ferry_core::ports::MetaTx`] for a newtype around
/// `sqlx::Transaction<'static, DB>` (the transaction is field `.0`).
///
/// A macro rather than a generic impl: the SQL in [`crate::sql`] is the same for both
/// backends, but spelling out sqlx's executor, encode and decode bounds for a generic
/// database is longer and more fragile than the implementation itself. Each expansion is
/// checked against one concrete database.
#[macro_export]
macro_rules! impl_meta_tx {
    ($tx:ty) => {
        // An anonymous const gives the `use`s a scope of their own.
        const _: () = {
            use $crate::__private::ferry_core::clock::EpochMillis;
            use $crate::__private::ferry_core::ids::{NodeId, SessionId, UserId};
            use $crate::__private::ferry_core::model::{
                Node, NodeEntry, Owner, RootKind, Session, UploadToken, User, Version,
            };
            use $crate::__private::ferry_core::ports::MetaTx;
            use $crate::__private::ferry_core::{Error, Result};
            use $crate::__private::sqlx;
            use $crate::sql;
            use $crate::{
                NodeEntryRow, NodeRow, SessionRow, UploadTokenRow, UserRow, VersionRow,
                convert_all, db_err_in, email_key,
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
                    Ok(sessions.rows_affected() + tokens.rows_affected())
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
            }
        };
    };
}
