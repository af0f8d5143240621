//! The system random generator, for key generation, hedged signing and `jti` values.

use zeroize::Zeroizing;

use crate::error::Error;

/// The operating system's CSPRNG (fallible form, for APIs that accept `TryCryptoRng`).
pub(crate) type SysRng = getrandom::SysRng;

/// The operating system's CSPRNG for APIs that need an infallible `CryptoRng`. A failing system
/// generator is unrecoverable for key generation; this panics only in that case.
pub(crate) fn infallible() -> rand_core::UnwrapErr<SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// Fill `buf` from the system generator.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf).map_err(|_| Error::Crypto)
}

/// `N` random bytes in a zeroizing array.
pub(crate) fn secret_array<const N: usize>() -> Result<Zeroizing<[u8; N]>, Error> {
    let mut out = Zeroizing::new([0u8; N]);
    fill(out.as_mut_slice())?;
    Ok(out)
}
