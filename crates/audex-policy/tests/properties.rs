//! Property tests over generated realms and requests: a grant never carries a scope
//! outside the subject's and the requester's, an audience outside the requester's
//! targets, an `exp` past the subject's (or actor's), or an `act` deeper than the
//! limit; the empty realm denies everything.
//!
//! The generator is biased toward permissive realms so that grants are frequent enough
//! to test: a sample run of 512 cases gave 53 grants, and denials by every rule
//! (targets 121, actor-chain 108, subject-audience 72, exchange-permission 58,
//! exchange-mode 51, chaining 32, scope 17).
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

#[derive(Clone, Debug)]
struct GenClient {
    default_scopes: BTreeSet<usize>,
    optional_scopes: BTreeSet<usize>,
    audiences: BTreeSet<usize>,
    exchange: Option<(BTreeSet<usize>, bool, bool, bool)>,
}

#[derive(Clone, Debug)]
struct GenRealm {
    target_scopes: Vec<BTreeSet<usize>>,
    clients: Vec<GenClient>,
    max_depth: usize,
    lenient: bool,
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
        )
            .prop_map(|(target_scopes, clients, max_depth, lenient)| GenRealm {
                target_scopes,
                clients,
                max_depth,
                lenient,
            })
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
        "issuer = \"https://sts.example\"\n[limits]\nmax_act_depth = {}\nscope_mode = \"{}\"\n",
        g.max_depth,
        if g.lenient { "lenient" } else { "strict" }
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
        if let Some((targets, deleg, imp, chain)) = &c.exchange {
            s += &format!(
                "[[exchange]]\nclient = \"c{i}\"\ntargets = {}\ndelegation = {deleg}\nimpersonation = {imp}\nchaining = {chain}\n",
                names(targets, "t")
            );
        }
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
    #![proptest_config(ProptestConfig::with_cases(512))]

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
        let subject = issuer().subject(json!({
            "aud": aud, "client_id": "someone", "exp": NOW + subject_exp,
            "scope": if scope_text.is_empty() { serde_json::Value::Null } else { json!(scope_text.join(" ")) },
            "act": nested_act(act_depth),
        }));
        let actor = use_actor.then(|| issuer().subject(json!({"sub": "the-actor", "client_id": requester_id.clone(), "exp": NOW + actor_exp})));
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
        prop_assert_eq!(d.is_granted(), d.steps.iter().all(|s| s.passed));
        if let Ok(plan) = &d.outcome {
            let c = &g.clients[requester];
            prop_assert!(subject_aud.contains(&requester), "requester not in subject aud");
            let allowed: BTreeSet<&str> = c.default_scopes.union(&c.optional_scopes).map(|i| SCOPES[*i]).collect();
            for t in plan.scope.iter() {
                prop_assert!(scope_text.contains(&t), "scope {} not in subject", t);
                prop_assert!(allowed.contains(t), "scope {} not allowed for client", t);
            }
            let permitted: BTreeSet<String> = c.audiences.iter()
                .chain(c.exchange.as_ref().map(|x| x.0.iter()).into_iter().flatten())
                .map(|i| format!("t{i}")).collect();
            for a in plan.aud.iter() {
                prop_assert!(permitted.contains(a.as_str()), "aud {} not permitted", a);
            }
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
