//! Property tests over generated realms and requests: a grant never carries a scope
//! outside subject ∩ client ∩ targets, an audience outside the exchange permission's
//! targets, an `exp` past the subject's (or actor's), an `act` deeper than the limit,
//! a refresh token with `act`, or a foreign subject unqualified; foreign tokens are
//! only presented by the clients their trusted issuer names, and actor tokens are the
//! requester's own unless third-party actors are allowed; the empty realm denies
//! everything.
//!
//! The generator is biased toward permissive realms so that grants are frequent enough
//! to test: a sample run of 1,024 cases gave 67 grants (13 of them for a foreign
//! subject, 18 with an actor) and denials by every rule (targets 185,
//! subject-audience 150, actor-chain 149, exchange-permission 102, exchange-mode 85,
//! subject-issuer 77, chaining 61, may-act 59, actor-token 49, actor-issuer 29,
//! scope 12).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a test failure"
)]

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use audex_claims::{Scope, StringOrUri};
use audex_policy::{ExchangeInput, Realm, Requester};
use common::*;
use proptest::prelude::*;
use serde_json::json;

const SCOPES: [&str; 5] = ["s0", "s1", "s2", "s3", "s4"];
const HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn issuer() -> &'static Issuer {
    static I: OnceLock<Issuer> = OnceLock::new();
    I.get_or_init(|| Issuer::new("https://sts.example"))
}

const PARTNER: &str = "https://idp.partner.example";

fn partner() -> &'static Issuer {
    static I: OnceLock<Issuer> = OnceLock::new();
    I.get_or_init(|| Issuer::new(PARTNER))
}

/// The partner, trusted by generated realms.
#[derive(Clone, Debug)]
struct GenTrust {
    /// Local clients that may present its tokens (never empty).
    clients: BTreeSet<usize>,
    keep_subject: bool,
}

#[derive(Clone, Debug)]
struct GenClient {
    default_scopes: BTreeSet<usize>,
    optional_scopes: BTreeSet<usize>,
    audiences: BTreeSet<usize>,
    exchange: Option<(BTreeSet<usize>, bool, bool, bool, bool)>,
}

#[derive(Clone, Debug)]
struct GenRealm {
    target_scopes: Vec<BTreeSet<usize>>,
    clients: Vec<GenClient>,
    max_depth: usize,
    lenient: bool,
    refresh: bool,
    trust: Option<GenTrust>,
}

fn subset(n: usize) -> impl Strategy<Value = BTreeSet<usize>> {
    prop::collection::btree_set(0..n, 0..=n)
}

fn gen_realm() -> impl Strategy<Value = GenRealm> {
    (1usize..5).prop_flat_map(|nt| {
        let client = (
            subset(SCOPES.len()),
            subset(SCOPES.len()),
            subset(nt),
            prop::option::weighted(
                0.9,
                (
                    subset(nt),
                    prop::bool::weighted(0.85),
                    prop::bool::weighted(0.85),
                    prop::bool::weighted(0.7),
                    prop::bool::weighted(0.3),
                ),
            ),
        )
            .prop_map(|(d, o, a, x)| GenClient {
                default_scopes: d,
                optional_scopes: o,
                audiences: a,
                exchange: x,
            });
        (
            prop::collection::vec(subset(SCOPES.len()), nt),
            prop::collection::vec(client, 1..4),
            0usize..7,
            any::<bool>(),
            any::<bool>(),
            prop::option::weighted(
                0.9,
                (prop::collection::btree_set(0usize..3, 1..=3), any::<bool>()),
            ),
        )
            .prop_map(
                |(target_scopes, clients, max_depth, lenient, refresh, trust)| {
                    let n = clients.len();
                    GenRealm {
                        target_scopes,
                        clients,
                        max_depth,
                        lenient,
                        refresh,
                        trust: trust
                            .map(|(c, keep)| GenTrust {
                                clients: c.into_iter().filter(|i| *i < n).collect(),
                                keep_subject: keep,
                            })
                            .filter(|t| !t.clients.is_empty()),
                    }
                },
            )
    })
}

fn names(set: &BTreeSet<usize>, prefix: &str) -> String {
    let v: Vec<String> = set.iter().map(|i| format!("\"{prefix}{i}\"")).collect();
    format!("[{}]", v.join(", "))
}

fn scope_names(set: &BTreeSet<usize>) -> String {
    let v: Vec<String> = set.iter().map(|i| format!("\"{}\"", SCOPES[*i])).collect();
    format!("[{}]", v.join(", "))
}

fn to_toml(g: &GenRealm) -> String {
    let mut s = format!(
        "issuer = \"https://sts.example\"\n[limits]\nmax_act_depth = {}\nscope_mode = \"{}\"\nrefresh_on_exchange = {}\n",
        g.max_depth,
        if g.lenient { "lenient" } else { "strict" },
        g.refresh,
    );
    for (i, sc) in g.target_scopes.iter().enumerate() {
        s += &format!(
            "[[target]]\naudience = \"t{i}\"\nscopes = {}\n",
            scope_names(sc)
        );
    }
    for (i, c) in g.clients.iter().enumerate() {
        s += &format!(
            "[[client]]\nid = \"c{i}\"\nkind = \"confidential\"\nauth = {{ method = \"client_secret\", secret_sha256 = \"{HASH}\" }}\ngrants = [\"token_exchange\", \"client_credentials\"]\ndefault_scopes = {}\noptional_scopes = {}\nallowed_audiences = {}\n",
            scope_names(&c.default_scopes),
            scope_names(&c.optional_scopes),
            names(&c.audiences, "t"),
        );
    }
    for (i, c) in g.clients.iter().enumerate() {
        if let Some((targets, deleg, imp, chain, third)) = &c.exchange {
            s += &format!(
                "[[exchange]]\nclient = \"c{i}\"\ntargets = {}\ndelegation = {deleg}\nimpersonation = {imp}\nchaining = {chain}\nthird_party_actors = {third}\n",
                names(targets, "t")
            );
        }
    }
    if let Some(t) = &g.trust {
        let jwks = partner().jwks_json();
        s += &format!(
            "[[trusted_issuer]]\nissuer = \"{PARTNER}\"\njwks = '{jwks}'\naccepted_audiences = [\"https://sts.example\"]\nclients = {}\n{}\n",
            names(&t.clients, "c"),
            if t.keep_subject {
                "keep_subject = true"
            } else {
                "subject_prefix = \"partner:\""
            },
        );
    }
    s
}

fn nested_act(depth: usize) -> serde_json::Value {
    if depth == 0 {
        return serde_json::Value::Null;
    }
    let mut v = json!({"sub": "a0"});
    for i in 1..depth {
        v = json!({"sub": format!("a{i}"), "act": v});
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn grants_never_exceed_what_subject_and_realm_allow(
        (g, requester) in gen_realm().prop_flat_map(|g| { let n = g.clients.len(); (Just(g), 0..n) }),
        other_aud in subset(4),
        requester_in_aud in prop::bool::weighted(0.85),
        subject_scope in subset(SCOPES.len()),
        subject_exp in 1u64..5000,
        act_depth in prop::sample::select(vec![0usize, 0, 0, 1, 2, 5, 6]),
        use_actor in any::<bool>(),
        actor_exp in 1u64..5000,
        foreign_subject in prop::bool::weighted(0.3),
        foreign_actor in prop::bool::weighted(0.2),
        actor_is_own in prop::bool::weighted(0.8),
        may_act in prop::sample::select(vec![None, None, None, Some("the-actor"), Some("someone-else")]),
        req_aud in prop::sample::select(vec![BTreeSet::new(), BTreeSet::from([0usize]), BTreeSet::from([1usize]), BTreeSet::from([0usize, 1]), BTreeSet::from([2usize]), BTreeSet::from([3usize])]),
        req_scope in prop::option::of(subset(SCOPES.len())),
    ) {
        let realm = Realm::from_toml("gen.toml", &to_toml(&g)).unwrap();
        let requester_id = format!("c{requester}");
        let mut subject_aud = other_aud.clone();
        if requester_in_aud {
            subject_aud.insert(requester);
        } else {
            subject_aud.remove(&requester);
        }
        let aud: Vec<String> = subject_aud.iter().map(|i| format!("c{i}")).collect();
        let scope_text: Vec<&str> = subject_scope.iter().map(|i| SCOPES[*i]).collect();
        // A foreign subject is addressed to the realm (its accepted audience) and
        // carries the requester's id in its own namespace, which must not help it.
        let (subject_issuer, aud) = if foreign_subject {
            (partner(), vec!["https://sts.example".to_owned()])
        } else {
            (issuer(), aud)
        };
        let foreign_client = if foreign_subject { requester_id.clone() } else { "someone".to_owned() };
        let subject = subject_issuer.subject(json!({
            "sub": "admin",
            "aud": aud, "client_id": foreign_client.clone(), "azp": foreign_client, "exp": NOW + subject_exp,
            "scope": if scope_text.is_empty() { serde_json::Value::Null } else { json!(scope_text.join(" ")) },
            "act": nested_act(act_depth),
            "may_act": may_act.map_or(serde_json::Value::Null, |m| json!({"sub": m})),
        }));
        let actor_issuer = if foreign_actor { partner() } else { issuer() };
        let actor_client = if actor_is_own { requester_id.clone() } else { "another-client".to_owned() };
        let actor = use_actor.then(|| actor_issuer.subject(json!({"sub": "the-actor", "aud": "https://sts.example", "client_id": actor_client, "exp": NOW + actor_exp})));
        let mut req = request();
        for i in &req_aud {
            req = req.audience(format!("t{i}"));
        }
        if let Some(s) = req_scope.as_ref().filter(|s| !s.is_empty()) {
            let text: Vec<&str> = s.iter().map(|i| SCOPES[*i]).collect();
            req = req.scope(Scope::parse(&text.join(" ")).unwrap());
        }
        let d = realm.decide_exchange(&ExchangeInput {
            requester: Requester { client_id: &requester_id, authenticated: true },
            subject: &subject,
            actor: actor.as_ref(),
            request: &req,
            now: now(),
        });
        // Every decision explains itself: a failing step iff denied.
        prop_assert_eq!(d.is_granted(), d.steps().iter().all(|s| s.passed));
        if let Ok(plan) = &d.outcome() {
            let c = &g.clients[requester];
            let x = c.exchange.as_ref().unwrap();
            if foreign_subject {
                let t = g.trust.as_ref().unwrap();
                prop_assert!(t.clients.contains(&requester), "foreign token presented by an unnamed client");
                let want = if t.keep_subject { "admin" } else { "partner:admin" };
                prop_assert_eq!(plan.sub.as_str(), want);
                for a in plan.act.iter().flat_map(|a| a.iter()) {
                    prop_assert!(a.iss.is_some(), "act entry from a foreign token without iss");
                }
            } else {
                prop_assert!(subject_aud.contains(&requester), "requester not in subject aud");
                prop_assert_eq!(plan.sub.as_str(), "admin");
            }
            if use_actor {
                prop_assert!(x.4 || (actor_is_own && !foreign_actor), "actor token not the requester's own");
                prop_assert!(may_act != Some("someone-else"), "may_act ignored");
            }
            let allowed: BTreeSet<&str> = c.default_scopes.union(&c.optional_scopes).map(|i| SCOPES[*i]).collect();
            let target_scopes: BTreeSet<&str> = plan.aud.iter()
                .map(|a| a.as_str()[1..].parse::<usize>().unwrap())
                .flat_map(|i| g.target_scopes[i].iter().map(|s| SCOPES[*s]))
                .collect();
            for t in plan.scope.iter() {
                prop_assert!(scope_text.contains(&t), "scope {} not in subject", t);
                prop_assert!(allowed.contains(t), "scope {} not allowed for client", t);
                prop_assert!(target_scopes.contains(t), "scope {} not understood by the targets", t);
            }
            // Only the exchange permission's targets, never the client_credentials list.
            let permitted: BTreeSet<String> = x.0.iter().map(|i| format!("t{i}")).collect();
            for a in plan.aud.iter() {
                prop_assert!(permitted.contains(a.as_str()), "aud {} not permitted", a);
            }
            prop_assert!(!(plan.refresh_token && plan.act.is_some()), "refresh token with act");
            prop_assert!(plan.exp.secs() <= NOW + subject_exp);
            if use_actor {
                prop_assert!(plan.exp.secs() <= NOW + actor_exp);
            }
            prop_assert!(plan.exp.secs() <= NOW + 3600);
            prop_assert!(plan.act.as_ref().map_or(0, |a| a.depth()) <= g.max_depth);
            prop_assert!(!(use_actor && plan.refresh_token));
        }
    }

    #[test]
    fn the_empty_realm_denies_everything(
        requester in "[a-z0-9-]{1,12}",
        authenticated in any::<bool>(),
        aud in "[a-z0-9-]{1,12}",
        target in prop::option::of("[a-z0-9-]{1,12}"),
    ) {
        let realm = Realm::empty(StringOrUri::new("https://sts.example").unwrap());
        let subject = issuer().subject(json!({"aud": aud.clone(), "client_id": requester.clone()}));
        let mut req = request();
        if let Some(t) = target.clone() {
            req = req.audience(t);
        }
        let d = realm.decide_exchange(&ExchangeInput {
            requester: Requester { client_id: &requester, authenticated },
            subject: &subject,
            actor: None,
            request: &req,
            now: now(),
        });
        prop_assert!(!d.is_granted());
        let cc = realm.decide_client_credentials(
            Requester { client_id: &requester, authenticated },
            &audex_exchange::ClientCredentialsRequest { audience: target.into_iter().collect(), ..Default::default() },
            now(),
        );
        prop_assert!(!cc.is_granted());
    }
}
