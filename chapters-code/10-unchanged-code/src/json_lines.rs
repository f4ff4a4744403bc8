//! A JSON protocol on a connection that stays open, with serde_json's
//! `StreamDeserializer` reading request after request from a `BufReader`.

use std::io::{BufReader, BufWriter, Write};

use ch09_stackless_io::net::{TcpListener, TcpStream};
use serde::{Deserialize, Serialize};

/// What a client asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Adds two numbers.
    Add {
        /// The first.
        a: i64,
        /// The second.
        b: i64,
    },
    /// Says how many requests this connection has made, this one included.
    Count,
}

/// What the server answers, one JSON object per line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The answer.
    Value(i64),
    /// The request could not be read; the connection ends.
    Error(String),
}

// ANCHOR: serve
/// Serves JSON clients on `listener`, forever, a tasklet each.
pub fn serve(listener: TcpListener) {
    crate::accept_each(&listener, |stream| {
        ch02_scheduler::spawn(move || {
            let _ = answer(&stream);
        });
    });
}

/// Answers one connection's requests until it hangs up or sends
/// something that is not a request.
fn answer(stream: &TcpStream) -> std::io::Result<()> {
    let requests = serde_json::Deserializer::from_reader(BufReader::new(stream));
    let mut out = BufWriter::new(stream);
    let mut count = 0;
    for request in requests.into_iter::<Request>() {
        count += 1;
        let reply = match request {
            Ok(Request::Add { a, b }) => Reply::Value(a.wrapping_add(b)),
            Ok(Request::Count) => Reply::Value(count),
            Err(e) => Reply::Error(e.to_string()),
        };
        serde_json::to_writer(&mut out, &reply)?;
        out.write_all(b"\n")?;
        out.flush()?;
        if let Reply::Error(_) = reply {
            break;
        }
    }
    Ok(())
}
// ANCHOR_END: serve
