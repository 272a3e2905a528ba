//! Compiled outputs read back from disk (`amxc diff`'s two trees): one server's folder, a
//! fleet's folder of server folders, or a folder of a fleet's shards. Every file is read with
//! `files::read_input_text` and refused unless shaped as amxc writes YAML.

use crate::emit::{FilterSet, Outputs, ServiceSet};
use std::path::{Path, PathBuf};

/// Whether a folder holds one server's compiled outputs, for either engine.
fn is_server(dir: &Path) -> bool {
    dir.join("filters.yaml").is_file() || dir.join("cluster.yaml").is_file()
}

/// Why an output folder cannot be compared.
#[derive(Debug)]
pub enum OutputsError {
    /// A file or folder that cannot be read.
    Unreadable(String),
    /// A file that is not what amxc writes (damaged, edited, or made to exhaust a reader).
    Damaged(String),
}

impl std::fmt::Display for OutputsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputsError::Unreadable(m) | OutputsError::Damaged(m) => f.write_str(m),
        }
    }
}

/// An output file read back, as `what` (`a filter set`): refused unless shaped as amxc writes
/// YAML — checked before any reader recurses into it — then read.
pub fn parse_output<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
    what: &str,
) -> Result<T, OutputsError> {
    crate::yaml::written_shape(text).map_err(|e| {
        OutputsError::Damaged(format!(
            "`{}` is not a file amxc wrote: {e}",
            path.display()
        ))
    })?;
    serde_yaml::from_str(text)
        .map_err(|e| OutputsError::Damaged(format!("`{}` is not {what}: {e}", path.display())))
}

fn read_server(dir: &Path) -> Result<Outputs, OutputsError> {
    let read = |name: &str| {
        let path = dir.join(name);
        super::files::read_input_text(&path, super::files::DEFAULT_LIMIT).map_err(|e| {
            OutputsError::Unreadable(format!(
                "cannot read `{}`: {}",
                path.display(),
                super::inputs::io_words(&e)
            ))
        })
    };
    if !dir.join("filters.yaml").is_file() {
        let path = dir.join("cluster.yaml");
        let cluster: crate::emit::cluster::ClusterFile =
            parse_output(&read("cluster.yaml")?, &path, "a cluster role")?;
        return Ok(Outputs {
            server: cluster.server.clone(),
            filters: FilterSet {
                server: cluster.server.clone(),
                release: cluster.release.clone(),
                ..FilterSet::default()
            },
            services: ServiceSet::default(),
            cluster: Some(cluster),
        });
    }
    let filters: FilterSet = parse_output(
        &read("filters.yaml")?,
        &dir.join("filters.yaml"),
        "a filter set",
    )?;
    let services: ServiceSet = match read("services.yaml") {
        Ok(t) => parse_output(&t, &dir.join("services.yaml"), "a service set")?,
        // a folder without services.yaml compares as one without services
        Err(_) => ServiceSet::default(),
    };
    let server = if filters.server.is_empty() {
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        filters.server.clone()
    };
    Ok(Outputs {
        server,
        filters,
        services,
        cluster: None,
    })
}

/// A server's folder, a fleet's folder of server folders, or a folder of a fleet's shards
/// (each a folder of server folders, as `compile --partition` jobs leave them).
pub fn read_tree(path: &Path) -> Result<Vec<Outputs>, OutputsError> {
    if is_server(path) {
        return Ok(vec![read_server(path)?]);
    }
    // real folders only: a linked folder is never followed out of the tree
    let subfolders = |dir: &Path| -> Result<Vec<PathBuf>, OutputsError> {
        super::files::subfolders(dir).map_err(|e| {
            OutputsError::Unreadable(format!(
                "cannot read `{}`: {}",
                dir.display(),
                super::inputs::io_words(&e)
            ))
        })
    };
    let mut dirs: Vec<PathBuf> = subfolders(path)?
        .into_iter()
        .filter(|p| is_server(p))
        .collect();
    if dirs.is_empty() {
        for shard in subfolders(path)? {
            dirs.extend(subfolders(&shard)?.into_iter().filter(|p| is_server(p)));
        }
        dirs.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    }
    dirs.iter().map(|d| read_server(d)).collect()
}
