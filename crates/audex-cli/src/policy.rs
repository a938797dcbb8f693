//! `audex policy check | explain | graph`.

use std::path::PathBuf;

use audex_claims::{NumericDate, StringOrUri};
use audex_exchange::{TokenExchangeRequest, TokenType};
use audex_jose::{KeySet, Validation};
use audex_policy::{ClientKind, ExchangeInput, GrantKind, Realm, Requester};

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
    /// The rule trace of a hypothetical exchange, no server needed: exit 0 when it
    /// would be granted, 1 when denied.
    #[command(
        after_help = "Example:\n  audex policy explain --policy realm.toml --jwks sts-jwks.json --client service-b \\\n    --subject-token \"$TOKEN\" --audience service-c"
    )]
    Explain(ExplainArgs),
    /// Who may obtain tokens for whom, as a Mermaid or Graphviz graph.
    #[command(after_help = "Example:\n  audex policy graph realm.toml --format mermaid")]
    Graph {
        /// The realm file.
        file: PathBuf,
        /// `mermaid` or `dot`.
        #[arg(long, default_value = "mermaid")]
        format: String,
    },
}

#[derive(clap::Args, Debug)]
pub(crate) struct ExplainArgs {
    /// The realm file.
    #[arg(long)]
    policy: PathBuf,
    /// JWK Set of the subject token's issuer (the realm's own keys, or a trusted
    /// issuer's).
    #[arg(long)]
    jwks: PathBuf,
    /// The requesting client (assumed authenticated).
    #[arg(long)]
    client: String,
    /// The subject token, or `-` for standard input.
    #[arg(long)]
    subject_token: String,
    /// Where the new token would be for, and with which scope.
    #[command(flatten)]
    target: crate::exchange::TargetArgs,
    /// Decide as of this instant (Unix seconds) instead of now.
    #[arg(long)]
    now: Option<u64>,
    /// One JSON object instead of the text trace: `granted`, `deciding_rule`,
    /// `denial` (a stable reason name), `error`, `error_description`, `steps` and, when
    /// granted, `plan`.
    #[arg(long)]
    json: bool,
}

fn load(file: &PathBuf) -> Result<Realm, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?;
    Realm::from_toml(&file.display().to_string(), &text)
        .map_err(|e| Failure::verdict(e.to_string()))
}

pub(crate) fn run(cmd: Command) -> CmdResult {
    match cmd {
        Command::Check { file } => {
            let realm = load(&file)?;
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
        Command::Explain(a) => explain(&a),
        Command::Graph { file, format } => {
            let realm = load(&file)?;
            match format.as_str() {
                "mermaid" => print!("{}", graph(&realm, Style::Mermaid)),
                "dot" => print!("{}", graph(&realm, Style::Dot)),
                other => {
                    return Err(Failure::usage(format!(
                        "--format {other}: use mermaid or dot"
                    )));
                }
            }
            Ok(())
        }
    }
}

fn explain(a: &ExplainArgs) -> CmdResult {
    let realm = load(&a.policy)?;
    let token = crate::token::read_token(&a.subject_token)?;
    let jws = audex_jose::UnverifiedJws::parse(&token, &audex_jose::JwsOptions::default())
        .map_err(|e| Failure::verdict(format!("subject token: {e}")))?;
    let iss = jws
        .unverified_issuer()
        .ok_or_else(|| Failure::verdict("subject token has no iss"))?;
    let iss =
        StringOrUri::new(iss).map_err(|e| Failure::verdict(format!("subject token iss: {e}")))?;
    let jwks =
        std::fs::read(&a.jwks).map_err(|e| Failure::usage(format!("{}: {e}", a.jwks.display())))?;
    let keys = KeySet::from_jwks(&jwks)
        .map_err(|e| Failure::usage(format!("{}: {e}", a.jwks.display())))?
        .for_issuer(iss.clone());
    let now = NumericDate::from_secs(a.now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }))
    .map_err(|e| Failure::usage(format!("--now: {e}")))?;
    let subject = Validation::subject_token(iss)
        .verify_parsed(jws, &keys, now)
        .map_err(|e| Failure::verdict(format!("subject_token rejected: {e}")))?;
    let req = a.target.apply(TokenExchangeRequest::new(
        token.clone(),
        TokenType::AccessToken,
    ))?;
    let d = realm.decide_exchange(&ExchangeInput {
        requester: Requester {
            client_id: &a.client,
            authenticated: true,
        },
        subject: &subject,
        actor: None,
        request: &req,
        now,
    });
    if a.json {
        println!("{}", explain_json(&d));
    } else {
        print!(
            "{}",
            audex_claims::json::Escaped(&d.to_string())
                .to_string()
                .replace("\\u{a}", "\n")
        );
    }
    if d.is_granted() {
        Ok(())
    } else {
        Err(Failure::verdict("denied"))
    }
}

/// The decision as one JSON object (stable names: rule names, denial kinds, RFC codes).
fn explain_json(d: &audex_policy::Decision) -> serde_json::Value {
    let steps: Vec<serde_json::Value> = d
        .steps()
        .iter()
        .map(|s| serde_json::json!({"rule": s.rule.name(), "passed": s.passed, "detail": s.detail.to_string()}))
        .collect();
    let mut out = serde_json::Map::new();
    out.insert("granted".into(), d.is_granted().into());
    out.insert(
        "deciding_rule".into(),
        d.deciding_rule().map(audex_policy::Rule::name).into(),
    );
    out.insert(
        "denial".into(),
        d.denial().map(audex_policy::Denial::kind).into(),
    );
    out.insert("steps".into(), steps.into());
    match d.outcome() {
        Ok(plan) => {
            out.insert(
                "plan".into(),
                serde_json::json!({
                    "sub": plan.sub.as_str(),
                    "aud": plan.aud.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
                    "scope": plan.scope.to_string(),
                    "iat": plan.iat.secs(),
                    "exp": plan.exp.secs(),
                    "act": plan.act.as_ref().map(audex_claims::Actor::to_json),
                    "refresh_token": plan.refresh_token,
                }),
            );
        }
        Err(r) => {
            out.insert("error".into(), r.error_code().as_str().into());
            out.insert("error_description".into(), r.to_string().into());
        }
    }
    serde_json::Value::Object(out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Mermaid,
    Dot,
}

/// A node id: the prefix and the name's bytes in hex (unique and safe in both syntaxes).
fn id(prefix: &str, name: &str) -> String {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}_{hex}")
}

fn label(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect()
}

/// The realm as a graph: clients, targets and trusted issuers; edges for
/// `client_credentials`, token exchange (with its modes) and who presents foreign tokens.
pub(crate) fn graph(realm: &Realm, style: Style) -> String {
    let mut clients: Vec<_> = realm.clients().collect();
    clients.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = String::new();
    let mut edge = |from: &str, to: &str, text: &str, dashed: bool| match style {
        Style::Mermaid if dashed => out.push_str(&format!("  {from} -. \"{text}\" .-> {to}\n")),
        Style::Mermaid => out.push_str(&format!("  {from} -- \"{text}\" --> {to}\n")),
        Style::Dot => out.push_str(&format!(
            "  {from} -> {to} [label=\"{text}\"{}];\n",
            if dashed { ", style=dashed" } else { "" }
        )),
    };
    let mut nodes = String::new();
    let mut node = |nid: &str, text: &str, shape: &str| match style {
        Style::Mermaid => {
            let (l, r) = match shape {
                "target" => ("([", "])"),
                "issuer" => ("{{", "}}"),
                _ => ("[", "]"),
            };
            nodes.push_str(&format!("  {nid}{l}\"{}\"{r}\n", label(text)));
        }
        Style::Dot => {
            let s = match shape {
                "target" => "ellipse",
                "issuer" => "hexagon",
                _ => "box",
            };
            nodes.push_str(&format!(
                "  {nid} [label=\"{}\", shape={s}];\n",
                label(text)
            ));
        }
    };
    for c in &clients {
        let kind = if c.kind == ClientKind::Public {
            "public"
        } else {
            "confidential"
        };
        node(&id("c", &c.id), &format!("{} ({kind})", c.id), "client");
    }
    for t in realm.targets() {
        node(&id("t", &t.audience), &t.audience, "target");
    }
    let mut issuers: Vec<_> = realm.trusted_issuers().collect();
    issuers.sort_by(|a, b| a.issuer.cmp(&b.issuer));
    for i in &issuers {
        node(&id("i", &i.issuer), &i.issuer, "issuer");
    }
    for c in &clients {
        if c.grants.contains(&GrantKind::ClientCredentials) {
            for t in realm.client_credentials_targets(&c.id) {
                edge(
                    &id("c", &c.id),
                    &id("t", &t.audience),
                    "client_credentials",
                    true,
                );
            }
        }
        if let Some(p) = realm.exchange_permission(&c.id) {
            let mut modes = Vec::new();
            if p.impersonation {
                modes.push("impersonation");
            }
            if p.delegation {
                modes.push("delegation");
            }
            let text = format!("exchange: {}", modes.join(", "));
            for t in realm.exchange_targets(&c.id) {
                edge(&id("c", &c.id), &id("t", &t.audience), &text, false);
            }
        }
    }
    for i in &issuers {
        for c in &i.clients {
            edge(
                &id("i", &i.issuer),
                &id("c", c),
                "tokens presented by",
                false,
            );
        }
    }
    match style {
        Style::Mermaid => format!("flowchart LR\n{nodes}{out}"),
        Style::Dot => format!("digraph realm {{\n  rankdir=LR;\n{nodes}{out}}}\n"),
    }
}
