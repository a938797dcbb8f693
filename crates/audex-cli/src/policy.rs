//! `audex policy check`.

use std::path::PathBuf;

use audex_policy::Realm;

use crate::{CmdResult, Failure};

/// `audex policy …`.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum Command {
    /// Load a realm file: exit 0 and a summary, or `file:line:col: message` and exit 1.
    #[command(after_help = "Example:\n  audex policy check realm.toml")]
    Check {
        /// The realm file.
        file: PathBuf,
    },
}

pub(crate) fn run(cmd: Command) -> CmdResult {
    let Command::Check { file } = cmd;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?;
    let realm = Realm::from_toml(&file.display().to_string(), &text)
        .map_err(|e| Failure::verdict(e.to_string()))?;
    println!(
        "ok: {} — issuer {}, {} clients, {} targets, {} trusted issuers",
        file.display(),
        realm.issuer,
        realm.client_count(),
        realm.target_count(),
        realm.trusted_issuers().count()
    );
    Ok(())
}
