//! Writing the bundle safely: never over an input, never a half-written file in place of the
//! previous good one.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use linli_core::Bundle;

use crate::build::{build, BuildError, BuildOptions, BuildReport};

/// Builds the bundle and writes it to `out` (see [`write_atomically`]), after checking that
/// `out` is not one of the inputs.
pub fn build_to_file(
    options: &BuildOptions,
    out: &Path,
) -> Result<(Bundle, BuildReport), BuildError> {
    check_out(options, out)?;
    let (bundle, bytes, report) = build(options)?;
    write_atomically(out, &bytes)?;
    Ok((bundle, report))
}

/// Refuses an `out` that is the OSM or services file (the same file after following links
/// and `..`, or, on Unix, a hard link to it).
pub fn check_out(options: &BuildOptions, out: &Path) -> Result<(), BuildError> {
    for (input, path) in [("--osm", &options.osm), ("--services", &options.services)] {
        if same_file(out, path) {
            return Err(BuildError::OutIsInput {
                out: out.to_path_buf(),
                input,
            });
        }
    }
    Ok(())
}

/// Do `a` and `b` name the same file? A path that does not exist yet names no existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    if let (Ok(ca), Ok(cb)) = (a.canonicalize(), b.canonicalize()) {
        if ca == cb {
            return true;
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
    }
    false
}

/// Writes `bytes` to a temporary file beside `out`, flushes it to disk and renames it over
/// `out`. If anything fails (disk full, interrupted), `out` keeps its previous content and the
/// temporary file is removed when possible.
pub fn write_atomically(out: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    let err = |error: std::io::Error| BuildError::Write {
        file: out.to_path_buf(),
        error,
    };
    if out.is_dir() {
        return Err(err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder; give a file name such as area.linli",
        )));
    }
    let tmp = temporary_path(out);
    let written = write_new(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, out));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(err(e));
    }
    Ok(())
}

/// `.NAME.PID.tmp` in the folder of `out`, so the rename stays on one file system.
fn temporary_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "bundle".into(), |n| n.to_string_lossy().to_string());
    out.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file: File = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_previous_file() {
        let dir = tempfile::tempdir().expect("dir");
        let out = dir.path().join("area.linli");
        std::fs::write(&out, b"previous good bundle").expect("write");
        // Writing into a folder that does not exist fails before touching `out`.
        let missing = dir.path().join("no-such-folder").join("area.linli");
        assert!(write_atomically(&missing, b"new").is_err());
        // A successful write replaces the file whole and leaves no temporary file.
        write_atomically(&out, b"new bundle").expect("write");
        assert_eq!(std::fs::read(&out).expect("read"), b"new bundle");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("area.linli")]);
        // A folder as output is refused with a clear message.
        let e = write_atomically(dir.path(), b"x").expect_err("folder");
        assert!(e.to_string().contains("it is a folder"), "{e}");
    }

    #[test]
    fn the_same_file_is_recognised_through_other_paths() {
        let dir = tempfile::tempdir().expect("dir");
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "x").expect("write");
        let via_dots = dir.path().join("sub/../a.csv");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        assert!(same_file(&a, &via_dots));
        assert!(!same_file(&a, &dir.path().join("b.csv")));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&a, &link).expect("symlink");
            assert!(same_file(&link, &a));
            let hard = dir.path().join("hard.csv");
            std::fs::hard_link(&a, &hard).expect("hard link");
            assert!(same_file(&hard, &a));
        }
    }
}
