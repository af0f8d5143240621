//! The token layer over JWS: claims, the issuing builder, validation, verification, replay
//! stores, and the named escape hatch for reading tokens unverified.
//!
//! The verify path reads top to bottom in `verify` (limits → header → key → signature →
//! claims). May import `keys`, `jws`, `format`, `backend`, `alg`, `error` and `time`; the
//! profiles (DPoP, delegation, WIMSE) import this module, never the other way round.

pub(crate) mod builder;
pub(crate) mod claims;
pub mod dangerous;
pub(crate) mod replay;
pub(crate) mod validate;
pub(crate) mod verified;
pub(crate) mod verify;

pub use builder::{DEFAULT_TTL, TokenBuilder};
pub use claims::{Audience, Claims, CustomClaims};
pub use replay::{DEFAULT_REPLAY_CAPACITY, MemoryReplayStore, ReplayStore, TokenUse};
pub use validate::{AlgorithmPolicy, DEFAULT_LEEWAY, Validation};
pub use verify::Verified;
