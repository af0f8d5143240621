//! C ABI for pqjose (to be built by the C ABI issue).
