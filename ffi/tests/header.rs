//! The committed `include/pqjose.h` must be exactly what the pinned cbindgen generates from
//! `ffi/src` (after rustls-ffi's `ensure-header-updated` CI job). To update it after changing
//! the API, run `scripts/gen-header.sh` (or this test with `PQJOSE_BLESS=1`).

// Test helpers outside `#[test]` functions: clippy.toml's test allowances do not reach them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::path::{Path, PathBuf};

fn paths() -> (PathBuf, PathBuf) {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let header = crate_dir.join("../include/pqjose.h");
    (crate_dir, header)
}

fn generate(crate_dir: &Path) -> String {
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen failed");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn header_is_up_to_date() {
    let (crate_dir, header) = paths();
    let fresh = generate(&crate_dir);
    if std::env::var_os("PQJOSE_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&header, &fresh).unwrap();
        eprintln!("wrote {}", header.display());
        return;
    }
    let committed = std::fs::read_to_string(&header).unwrap_or_default();
    if committed != fresh {
        let first = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(fresh.lines().count()));
        panic!(
            "include/pqjose.h is out of date (first difference at line {}).\n\
             Regenerate it with `scripts/gen-header.sh` \
             (or `PQJOSE_BLESS=1 cargo test -p pqjose-ffi --test header`) and commit it.",
            first + 1
        );
    }
    eprintln!(
        "include/pqjose.h: {} lines, up to date",
        fresh.lines().count()
    );
}

/// Every `PQJ_STATUS_*` constant in the header has the number the Rust enum gives it, and the
/// header names every status.
#[test]
fn header_status_numbers_match() {
    let (_, header) = paths();
    let text = std::fs::read_to_string(&header).unwrap();
    let mut found = 0;
    for line in text.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("PQJ_STATUS_") else {
            continue;
        };
        let (name, num) = rest.split_once(" = ").unwrap();
        let num: u32 = num.trim_end_matches(',').parse().unwrap();
        let status = pqjose_ffi::pqj_status::from_u32(num)
            .unwrap_or_else(|| panic!("PQJ_STATUS_{name} = {num} is not a known status"));
        let msg = pqjose_ffi::pqj_status_str(num);
        assert!(!msg.is_null());
        assert_eq!(status as u32, num);
        found += 1;
    }
    assert_eq!(found, pqjose_ffi::pqj_status::ALL.len());
    eprintln!("{found} status constants agree");
}

/// The build script wrote `pqjose.pc` into the build directory (`OUT_DIR/../../..`): the
/// crate's version, that directory as `libdir` (with an rpath), the repository's `include/`.
#[test]
fn pkg_config_file_describes_the_build_directory() {
    let out = std::path::Path::new(env!("OUT_DIR"));
    let dir = out.ancestors().nth(3).unwrap();
    let pc = std::fs::read_to_string(dir.join("pqjose.pc")).unwrap();
    let want = format!("Version: {}", env!("CARGO_PKG_VERSION"));
    assert!(pc.lines().any(|l| l == want), "pqjose.pc lacks `{want}`");
    assert!(
        pc.lines().any(|l| l == format!("libdir={}", dir.display())),
        "{pc}"
    );
    let include = pc
        .lines()
        .find_map(|l| l.strip_prefix("includedir="))
        .unwrap();
    assert!(
        std::path::Path::new(include).join("pqjose.h").is_file(),
        "{pc}"
    );
    assert!(pc.contains("-Wl,-rpath,${libdir} -lpqjose_ffi"), "{pc}");
}
