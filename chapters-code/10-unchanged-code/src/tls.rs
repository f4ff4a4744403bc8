//! TLS with rustls's `StreamOwned`, on chapter 9's sockets.
//!
//! rustls does no I/O of its own: `StreamOwned` pairs a connection's state
//! with any `Read + Write` transport and reads and writes through it, with
//! blocking calls. On a chapter 9 `TcpStream`, each of those parks only
//! the tasklet that owns the connection.

use std::io::{self, BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::sync::Arc;

use ch09_stackless_io::net::{TcpListener, TcpStream};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection, StreamOwned};

// ANCHOR: serve
/// Serves TLS clients on `listener`, forever, a tasklet each: every line a
/// client sends comes back to it.
pub fn serve_echo(listener: TcpListener, config: Arc<ServerConfig>) {
    crate::accept_each(&listener, |stream| {
        let config = Arc::clone(&config);
        ch02_scheduler::spawn(move || {
            let Ok(connection) = ServerConnection::new(config) else {
                return;
            };
            let _ = echo_lines(StreamOwned::new(connection, stream));
        });
    });
}

/// Echoes lines until the client hangs up.
fn echo_lines(tls: StreamOwned<ServerConnection, TcpStream>) -> io::Result<()> {
    let mut tls = BufReader::new(tls);
    let mut line = String::new();
    while tls.read_line(&mut line)? > 0 {
        tls.get_mut().write_all(line.as_bytes())?;
        line.clear();
    }
    Ok(())
}
// ANCHOR_END: serve

// ANCHOR: connect
/// Connects to `addr` and does the TLS handshake for `name`, checking the
/// server's certificate against `config`'s roots.
///
/// # Errors
///
/// What connecting reports, or the handshake's failure (such as a
/// certificate that the roots do not vouch for).
pub fn connect(
    addr: SocketAddr,
    name: &str,
    config: Arc<ClientConfig>,
) -> io::Result<StreamOwned<ClientConnection, TcpStream>> {
    let name = ServerName::try_from(name.to_owned())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let connection = ClientConnection::new(config, name).map_err(io::Error::other)?;
    let mut tls = StreamOwned::new(connection, TcpStream::connect(addr)?);
    // The handshake would happen on first use; do it now, to report it.
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock)?;
    }
    Ok(tls)
}
// ANCHOR_END: connect
