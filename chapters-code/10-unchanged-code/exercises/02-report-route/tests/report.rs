//! The report route, asked over a socket, against chapter 7's battle.

#[path = "../../../../09-stackless-io/tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use ch02_scheduler::spawn;
use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::battle::{Positions, Rules, Watch, battle};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::Warrior;
use ch09_stackless_io::net::{TcpListener, TcpStream};
use ch10_ex_report_route::report;
use ch10_unchanged_code::http::{Limits, Reply, Response, serve};
use serde_json::Value;
use support::within;

fn library() -> Vec<(String, Warrior)> {
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../07-core-war/warriors/book");
    ["imp", "dwarf", "stone", "paper"]
        .map(|id| {
            let path = book.join(format!("{id}.red"));
            let warrior = read_warrior(&path.to_string_lossy(), &Environment::default());
            (id.to_owned(), warrior.expect("a book warrior"))
        })
        .to_vec()
}

/// Serves `report` on `/report`; returns the address.
fn start() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let library = library();
    spawn(move || {
        serve(
            &listener,
            Limits::default(),
            move |request, _| match request.path.as_str() {
                "/report" => Reply::Send(report(&library, request.query.as_deref().unwrap_or(""))),
                _ => Reply::Send(Response::text(404, "not here")),
            },
        );
    });
    addr
}

/// `GET /report?{query}`: the status code and the body.
fn get(addr: std::net::SocketAddr, query: &str) -> (u16, String) {
    let stream = TcpStream::connect(addr).unwrap();
    write!(
        &stream,
        "GET /report?{query} HTTP/1.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(&stream);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let body = rest.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status[9..12].parse().unwrap(), body)
}

#[test]
fn the_report_is_the_battle_of_chapter_7() {
    within(|| {
        let addr = start();
        let (status, body) = get(addr, "warriors=stone,paper&rounds=4");
        assert_eq!(status, 200, "{body}");
        let got: Value = serde_json::from_str(&body).unwrap();
        let lib = library();
        let pair = [lib[2].1.clone(), lib[3].1.clone()];
        let rules = Rules::default();
        let mut positions = Positions::fixed(4000, rules);
        let (tallies, reports) = battle(
            &pair,
            &rules,
            4,
            &mut positions,
            &mut Flat,
            Watch::default(),
        );
        let scores: Vec<u64> = tallies.iter().map(|t| t.score).collect();
        assert_eq!(got["scores"], serde_json::json!(scores));
        assert_eq!(got["rounds"].as_array().unwrap().len(), 4);
        for (round, want) in got["rounds"].as_array().unwrap().iter().zip(&reports) {
            assert_eq!(round["round"], want.round);
            assert_eq!(round["positions"], serde_json::json!(want.positions));
            assert_eq!(round["survivors"], serde_json::json!(want.end.survivors));
        }
    });
}

#[test]
fn a_query_it_cannot_use_gets_400_saying_why() {
    within(|| {
        let addr = start();
        for query in [
            "rounds=3",
            "warriors=imp&rounds=3",
            "warriors=imp,imp,imp,imp,imp,imp,imp,imp,imp&rounds=3",
            "warriors=imp,nobody&rounds=3",
            "warriors=imp,dwarf",
            "warriors=imp,dwarf&rounds=many",
            "warriors=imp,dwarf&rounds=0",
            "warriors=imp,dwarf&rounds=1001",
        ] {
            let (status, body) = get(addr, query);
            assert_eq!(status, 400, "{query}: {body}");
            assert!(!body.trim().is_empty(), "{query}: the answer says why");
        }
    });
}
