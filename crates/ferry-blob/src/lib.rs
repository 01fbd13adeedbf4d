//! Ferry's content stores: implementations of [`ferry_core::ports::BlobStore`].
//!
//! Only the local disk for now ([`FsBlobStore`]); an object-store backend would sit next to it.

mod fs;

pub use fs::FsBlobStore;
