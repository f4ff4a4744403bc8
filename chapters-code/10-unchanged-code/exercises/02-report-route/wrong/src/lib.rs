//! Chapter 10, exercise 2: a battle's report as JSON.

use ch07_core_war::battle::{Positions, Rules, Watch, battle};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::Warrior;
use ch09_stackless_io::blocking::unblock;
use ch10_unchanged_code::http::Response;
use serde_json::json;

/// Answers `GET /report?{query}`: plays a battle of the warriors of
/// `library` named in `warriors=` (ids, comma-separated, two to eight)
/// over `rounds=` rounds (1 to 1,000) under the default rules, warrior 2
/// starting at 4,000 in round 1, and answers `200` with each warrior's
/// score and each round's positions and survivors, as JSON. A query it
/// cannot use gets `400`, with a message saying why.
pub fn report(library: &[(String, Warrior)], query: &str) -> Response {
    match play(library, query) {
        Ok(json) => Response::new(200, "application/json", json),
        Err(message) => Response::text(400, message),
    }
}

fn play(library: &[(String, Warrior)], query: &str) -> Result<String, String> {
    let value = |name: &str| {
        (query.split('&'))
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .ok_or(format!("the query needs {name}="))
    };
    let rounds: u32 = (value("rounds")?.parse()).map_err(|_| {
        format!(
            "rounds={}: not a number",
            value("rounds").unwrap_or_default()
        )
    })?;
    if rounds > 1000 {
        return Err(format!("rounds={rounds}: ask for 1 to 1000"));
    }
    let warriors = (value("warriors")?.split(','))
        .map(|id| {
            let found = library.iter().find(|(known, _)| known == id);
            found
                .map(|(_, w)| w.clone())
                .ok_or(format!("no warrior has the id {id:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !(2..=8).contains(&warriors.len()) {
        return Err("a battle needs two to eight warriors".into());
    }
    // A thousand rounds take a while: on a helper thread, they hold up
    // no other request (chapter 9's `unblock`).
    let (tallies, reports) = unblock(move || {
        let rules = Rules::default();
        let mut positions = Positions::fixed(4000, rules);
        battle(
            &warriors,
            &rules,
            rounds,
            &mut positions,
            &mut Flat,
            Watch::default(),
        )
    })
    .map_err(|e| format!("the battle could not be played: {e}"))?;
    let rounds: Vec<_> = (reports.iter())
        .map(|r| json!({"round": r.round, "positions": r.positions, "survivors": r.end.survivors}))
        .collect();
    let scores: Vec<u64> = tallies.iter().map(|t| t.score).collect();
    Ok(json!({"scores": scores, "rounds": rounds}).to_string())
}
