//! `cargo xtask conformance`: keeps docs/CONFORMANCE.md and the tests in agreement.
//!
//! The document holds one table row per requirement:
//! `| ID | requirement | status | tests |`, where status is `implemented` or
//! `planned`. A test proves a requirement with a `// conformance: ID` comment (or
//! `# conformance: ID` in Python) on a line above its `fn` / `def` / `test(`.
//!
//! The check fails when an implemented ID has no test, when a marker names an ID the
//! document does not define, when a planned ID already has tests (mark it
//! implemented), or when the tests column is stale (`--write` refreshes it).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{Result, project_root};

const DOC: &str = "docs/CONFORMANCE.md";
/// Where tests live; scanned recursively.
const SCAN_DIRS: [&str; 2] = ["crates", "xtask/interop"];

struct Row {
    line: usize,
    id: String,
    status: String,
}

pub(crate) fn run(write: bool) -> Result<()> {
    let root = project_root();
    let doc_path = root.join(DOC);
    let doc = fs::read_to_string(&doc_path).map_err(|e| format!("cannot read {DOC}: {e}"))?;
    let rows = parse_rows(&doc)?;
    let known: BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();

    let mut markers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for dir in SCAN_DIRS {
        let mut files = Vec::new();
        collect_files(&root.join(dir), &mut files);
        files.sort();
        for file in files {
            scan_file(&root, &file, &mut markers, &mut problems);
        }
    }
    for (id, tests) in &markers {
        if !known.contains(id.as_str()) {
            let list: Vec<_> = tests.iter().cloned().collect();
            problems.push(format!(
                "marker names unknown ID {id} (in {})",
                list.join(", ")
            ));
        }
    }

    let mut new_doc = String::with_capacity(doc.len());
    let mut row_iter = rows.iter().peekable();
    for (i, line) in doc.lines().enumerate() {
        let Some(row) = row_iter.next_if(|r| r.line == i) else {
            new_doc.push_str(line);
            new_doc.push('\n');
            continue;
        };
        let tests = markers.get(&row.id).cloned().unwrap_or_default();
        match (row.status.as_str(), tests.is_empty()) {
            ("implemented", true) => problems.push(format!(
                "{} is marked implemented but no test carries `// conformance: {}`",
                row.id, row.id
            )),
            ("planned", false) => problems.push(format!(
                "{} is marked planned but has tests; mark it implemented",
                row.id
            )),
            _ => {}
        }
        let cell = tests
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join("<br>");
        let mut cells: Vec<String> = split_cells(line);
        if let Some(last) = cells.get_mut(3) {
            if last.trim() != cell && !write {
                problems.push(format!(
                    "{DOC} line {}: the tests column of {} is stale; run `cargo xtask conformance --write`",
                    i + 1,
                    row.id
                ));
            }
            *last = cell;
        }
        new_doc.push_str(&format!("| {} |\n", cells.join(" | ")));
    }

    print_coverage(&rows, &markers);

    if write {
        fs::write(&doc_path, new_doc).map_err(|e| format!("cannot write {DOC}: {e}"))?;
        println!("wrote {DOC}");
        problems.retain(|p| !p.contains("is stale"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        for p in &problems {
            eprintln!("conformance: {p}");
        }
        Err(format!("{} conformance problem(s)", problems.len()))
    }
}

fn split_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

fn is_id(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_uppercase())
        && !rest.is_empty()
        && rest
            .last()
            .is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

fn parse_rows(doc: &str) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for (line_no, line) in doc.lines().enumerate() {
        if !line.trim_start().starts_with('|') {
            continue;
        }
        let cells = split_cells(line);
        let id = cells
            .first()
            .map(|c| c.trim_matches('`'))
            .unwrap_or_default();
        if !is_id(id) {
            continue;
        }
        if cells.len() != 4 {
            return Err(format!(
                "{DOC} line {}: expected 4 columns (ID | requirement | status | tests), found {}",
                line_no + 1,
                cells.len()
            ));
        }
        let status = cells.get(2).cloned().unwrap_or_default();
        if status != "implemented" && status != "planned" {
            return Err(format!(
                "{DOC} line {}: status of {id} must be `implemented` or `planned`, found `{status}`",
                line_no + 1
            ));
        }
        if !seen.insert(id.to_owned()) {
            return Err(format!("{DOC} line {}: {id} defined twice", line_no + 1));
        }
        rows.push(Row {
            line: line_no,
            id: id.to_owned(),
            status,
        });
    }
    if rows.is_empty() {
        return Err(format!("{DOC} defines no requirement IDs"));
    }
    Ok(rows)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(
                name.as_ref(),
                "target" | "node_modules" | ".venv" | "__pycache__"
            ) {
                collect_files(&path, out);
            }
        } else if [".rs", ".py", ".mjs", ".js", ".sh"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            out.push(path);
        }
    }
}

/// Finds `conformance:` markers and the name of the test each precedes.
fn scan_file(
    root: &Path,
    file: &Path,
    markers: &mut BTreeMap<String, BTreeSet<String>>,
    problems: &mut Vec<String>,
) {
    let Ok(text) = fs::read_to_string(file) else {
        return;
    };
    let rel = file
        .strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .into_owned();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let rest = t
            .strip_prefix("// conformance:")
            .or_else(|| t.strip_prefix("# conformance:"));
        let Some(rest) = rest else { continue };
        let ids: Vec<&str> = rest
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let name = lines.iter().skip(i + 1).take(12).find_map(|l| test_name(l));
        let Some(name) = name else {
            problems.push(format!(
                "{rel} line {}: conformance marker is not followed by a test function",
                i + 1
            ));
            continue;
        };
        for id in ids {
            if !is_id(id) {
                problems.push(format!("{rel} line {}: `{id}` is not an ID", i + 1));
                continue;
            }
            markers
                .entry(id.to_owned())
                .or_default()
                .insert(format!("{rel}::{name}"));
        }
    }
}

fn test_name(line: &str) -> Option<String> {
    let t = line.trim_start();
    let after = ["fn ", "async fn ", "def ", "async def "]
        .iter()
        .find_map(|kw| t.split_once(kw).map(|(_, r)| r))
        .filter(|_| !t.starts_with("//") && !t.starts_with('#'))?;
    let name: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

fn print_coverage(rows: &[Row], markers: &BTreeMap<String, BTreeSet<String>>) {
    let mut families: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for r in rows {
        let family = r.id.split('-').next().unwrap_or_default();
        let e = families.entry(family).or_default();
        e.0 += 1;
        if r.status == "implemented" {
            e.1 += 1;
        }
        if markers.get(&r.id).is_some_and(|t| !t.is_empty()) {
            e.2 += 1;
        }
    }
    println!(
        "{:<8} {:>5} {:>12} {:>11}",
        "family", "IDs", "implemented", "with tests"
    );
    let mut totals = (0, 0, 0);
    for (family, (n, imp, tested)) in &families {
        println!("{family:<8} {n:>5} {imp:>12} {tested:>11}");
        totals = (totals.0 + n, totals.1 + imp, totals.2 + tested);
    }
    println!(
        "{:<8} {:>5} {:>12} {:>11}",
        "total", totals.0, totals.1, totals.2
    );
    let planned: Vec<&str> = rows
        .iter()
        .filter(|r| r.status == "planned")
        .map(|r| r.id.as_str())
        .collect();
    if !planned.is_empty() {
        println!("planned (not yet claimed): {}", planned.join(" "));
    }
}

#[cfg(test)]
mod tests {
    /// The conformance check as an ordinary test, so `cargo test --workspace` fails when
    /// docs/CONFORMANCE.md and the `// conformance:` markers disagree.
    #[test]
    fn the_catalogue_and_the_test_markers_agree() {
        if let Err(e) = super::run(false) {
            panic!("{e}");
        }
    }
}
