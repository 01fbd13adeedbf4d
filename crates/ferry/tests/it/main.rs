//! The one integration-test binary: a real server on 127.0.0.1:0 per test, driven over HTTP.
#![allow(clippy::unwrap_used)]

mod api_keys;
mod architecture;
mod auth_matrix;
mod chunked;
mod cli;
mod cli_groups;
mod clients;
mod crash;
mod dav;
mod dav_propfind;
mod dav_trash_versions;
mod dav_uploads;
mod devices;
mod fileago_admin_users;
mod fileago_auth;
mod fileago_content;
mod fileago_groups;
mod fileago_nodes;
mod fileago_user;
mod fileonion_teams;
mod fullio;
mod harness;
mod litmus;
mod ocs;
mod ocs_apps;
mod ocs_provisioning;
mod postgres;
mod rate_limit;
mod security;
mod webdrive;
