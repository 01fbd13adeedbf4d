//! How each of `ferry_store_sql`'s row types is read from a rusqlite row: by the field
//! names, which are the column names (as sqlx's `FromRow` derive reads them).

use ferry_store_sql::{
    ApiKeyRow, AppPasswordRow, DavLockRow, DeadPropRow, GroupMemberRow, GroupRow, GroupTagRow,
    GroupWithMembershipRow, LoginEventRow, LoginFlowRow, MembershipRow, NodeEntryRow, NodeRow,
    NodeStatsRow, OutgoingMailRow, SessionRow, TotpRow, UploadPartRow, UploadSessionRow,
    UploadTokenRow, UserDetailsRow, UserRow, VersionRow, WebDriveRow,
};

use crate::lite::lite_rows;

lite_rows! {
    UserRow { id, username, email, display_name, password_hash, is_admin, is_active, quota_bytes, created_ms, last_login_ms }
    ApiKeyRow { id, user_id, name, prefix, token_hash, scopes, status, created_ms, last_used_ms, expires_ms, revoked_ms }
    AppPasswordRow { id, user_id, name, token_hash, created_ms, last_used_ms }
    LoginFlowRow { id, poll_token_hash, login_token_hash, created_ms, expires_ms, sealed_app_password, app_password_hash, user_id, login_name }
    NodeRow { id, file_id, owner_kind, owner_id, parent_id, root_kind, name, kind, size, etag, revision, content_hash, created_ms, updated_ms, trashed_ms }
    NodeEntryRow { [node: NodeRow], child_count, starred }
    VersionRow { node_id, number, content_hash, size, author, created_ms }
    SessionRow { id, user_id, token_hash, file_key_hash, created_ms, expires_ms }
    UploadTokenRow { token_hash, user_id, node_id, expires_ms }
    DeadPropRow { node_id, namespace, name, value }
    NodeStatsRow { node_id, tree_size, files, folders, checksum }
    DavLockRow { token, node_id, user_id, exclusive, deep, owner_xml, timeout_secs, created_ms, expires_ms }
    WebDriveRow { endpoint, user_id, group_id, show_to_members, created_ms }
    GroupRow { id, slug, name, description, quota_bytes, default_permission, avatar, accept_incoming, private_shares_notify, created_ms }
    MembershipRow { m_group_id, m_user_id, m_is_admin, m_node_permissions, m_tag_permissions, m_share_permissions, m_created_ms }
    GroupMemberRow { [user: UserRow], [membership: MembershipRow] }
    GroupWithMembershipRow { [group: GroupRow], [membership: MembershipRow] }
    GroupTagRow { id, group_id, name, class, created_ms }
    OutgoingMailRow { id, user_id, address, subject, body, created_ms }
    UploadSessionRow { id, user_id, transfer_id, variant, dest_parent_id, dest_name, total_length, chunk_count, created_ms, touched_ms, assembling_ms }
    UploadPartRow { upload_id, name, content_hash, size, created_ms }
    UserDetailsRow { language, phone, address, website, twitter, avatar, admin_comment, email_alert_owned, email_alert_group_owned, email_alert_shared_with_me, email_alert_shared_with_my_groups, realtime_alert_owned, realtime_alert_group_owned, realtime_alert_shared_with_me, realtime_alert_shared_with_my_groups, twofa }
    TotpRow { totp_secret, totp_last_step }
    LoginEventRow { id, user_id, action, status, ip_address, details, at_ms }
}
