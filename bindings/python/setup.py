"""Build hooks of the pqjose Python package (metadata is in pyproject.toml).

The package is pure Python over ctypes; what makes it installable from source is that the
build compiles the C ABI library (the Rust crate pqjose-ffi) with cargo and puts it inside the
package, next to ``_lib.py``, which loads it from there. So ``pip install ./bindings/python``,
``python -m build`` and ``pip install pqjose-X.tar.gz`` need a Rust toolchain (cargo on PATH,
Rust 1.88+) and nothing else: no LD_LIBRARY_PATH, no copying.

- ``sdist``: the Rust workspace the library is built from (the root manifest and lockfile, the
  workspace members' manifests and sources, the header) is copied into ``rust/`` inside the
  source distribution, so it builds on a machine without the repository.
- ``build_py``: runs ``cargo build -p pqjose-ffi --release --locked`` in ``rust/`` (an sdist)
  or in the repository (``bindings/python/../..``), finds the library in cargo's JSON messages
  (so ``CARGO_TARGET_DIR`` and ``--target`` in cargo config are honoured) and copies it into the
  package. ``PQJOSE_CARGO_PROFILE`` picks another cargo profile than ``release``.
- ``bdist_wheel``: the wheel is platform-specific but not tied to a Python version or ABI
  (``py3-none-<platform>``), as ctypes needs no compiled extension.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = pathlib.Path(__file__).resolve().parent
VENDORED = HERE / "rust"
# The library file cargo makes for the cdylib target `pqjose_ffi`, by platform.
LIB_NAMES = ("libpqjose_ffi.so", "libpqjose_ffi.dylib", "pqjose_ffi.dll")


def workspace_root() -> pathlib.Path:
    """``rust/`` in an unpacked sdist, else the repository around bindings/python."""
    for root in (VENDORED, HERE.parent.parent):
        if (root / "Cargo.toml").is_file() and (root / "ffi" / "Cargo.toml").is_file():
            return root
    raise SystemExit(
        "pqjose: the Rust sources are missing (neither rust/ of an sdist nor the repository "
        "around bindings/python); build from the repository or from an sdist made by it"
    )


def workspace_files(root: pathlib.Path):
    """The files of the Rust workspace that cargo needs to build pqjose-ffi (relative paths):
    the root manifest, lockfile and library, the examples the manifest names, every workspace
    member's manifest, build script and sources (Cargo loads every member's manifest), and
    the header."""
    manifest = (root / "Cargo.toml").read_text()
    members = re.search(r"^members\s*=\s*\[(.*?)\]", manifest, re.S | re.M)
    if not members:
        raise SystemExit("pqjose: no [workspace] members in Cargo.toml")
    dirs = [m for m in re.findall(r'"([^"]+)"', members.group(1))]
    files = ["Cargo.lock", "include/pqjose.h"]
    for d in dirs:
        base = root / d
        for name in ("Cargo.toml", "build.rs", "cbindgen.toml", "README.md"):
            if (base / name).is_file():
                files.append(str((base / name).relative_to(root)))
        for sub in ("src", "examples"):
            if (base / sub).is_dir():
                for f in sorted((base / sub).rglob("*")):
                    if f.is_file() and "__pycache__" not in f.parts:
                        files.append(str(f.relative_to(root)))
    return sorted(set(files))


class SdistWithRust(sdist):
    """Also put the Rust workspace into the sdist, under rust/."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        root = workspace_root()
        for rel in workspace_files(root):
            dest = pathlib.Path(base_dir) / "rust" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / rel, dest)


def cargo_build(root: pathlib.Path) -> pathlib.Path:
    """Build pqjose-ffi and return the path of its shared library."""
    cargo = os.environ.get("CARGO", "cargo")
    if shutil.which(cargo) is None:
        raise SystemExit(
            "pqjose: building the package needs cargo (Rust 1.88+, https://rustup.rs)"
        )
    profile = os.environ.get("PQJOSE_CARGO_PROFILE", "release")
    cmd = [
        cargo,
        "build",
        "-p",
        "pqjose-ffi",
        "--profile",
        profile,
        "--locked",
        "--message-format=json-render-diagnostics",
    ]
    print("pqjose: " + " ".join(cmd) + f"  (in {root})", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, cwd=root, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"pqjose: cargo build failed (exit {proc.returncode})")
    found = None
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "pqjose_ffi":
            for f in msg.get("filenames", []):
                if pathlib.Path(f).name in LIB_NAMES:
                    found = pathlib.Path(f)
    if found is None or not found.is_file():
        raise SystemExit("pqjose: cargo built no pqjose_ffi shared library")
    return found


class BuildPyWithLibrary(build_py):
    """Build the C ABI library and put it into the package."""

    def run(self):
        super().run()
        lib = cargo_build(workspace_root())
        dest = pathlib.Path(self.build_lib) / "pqjose" / lib.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lib, dest)
        os.chmod(dest, 0o755)


class PlatformDistribution(Distribution):
    """The package carries a native library: it is installed as platform-specific (platlib),
    although it has no extension module."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    """A wheel for this platform, any Python 3 (ctypes, no extension module)."""

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


setup(
    distclass=PlatformDistribution,
    cmdclass={
        "sdist": SdistWithRust,
        "build_py": BuildPyWithLibrary,
        "bdist_wheel": PlatformWheel,
    }
)
