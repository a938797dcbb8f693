#![doc = include_str!("../README.md")]

mod cache;
mod client;
mod error;
mod http;
mod jwks;

pub use cache::{DEFAULT_CACHE_CAPACITY, DEFAULT_REFRESH_MARGIN, ExchangeCache};
pub use client::{
    ASSERTION_LIFETIME, AccessTokenResponse, ClientAuth, TokenClient, client_assertion,
};
pub use error::ClientError;
pub use http::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, Http, HttpSettings,
    check_url,
};
pub use jwks::{JwksCache, JwksSettings};
