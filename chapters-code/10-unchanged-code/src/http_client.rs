//! An HTTP client: ureq, over a transport made of chapter 9's sockets.
//!
//! ureq is a blocking HTTP client. Its connections come from a
//! `Connector`, which a program may replace: this one opens chapter 9
//! sockets, so each request parks only its tasklet. That interface is
//! `ureq::unversioned`, which ureq does not cover by semver: a new ureq
//! version may change it.
//!
//! ureq wants its transports `Send`, since an agent may be shared between
//! threads; a chapter 9 socket belongs to its thread's hub. The socket is
//! kept in a `SendWrapper`, which panics if it is used or dropped on
//! another thread: make and use an agent on one thread.

use std::io::{Read, Write};

use ch09_stackless_io::net::TcpStream;
use send_wrapper::SendWrapper;
use ureq::Agent;
use ureq::config::Config;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport,
};

// ANCHOR: agent
/// A ureq agent, configured by `config` (`Agent::config_builder()`), whose
/// connections are chapter 9 sockets. Use it on the thread that made it.
pub fn agent(config: Config) -> Agent {
    Agent::with_parts(config, TaskletConnector, DefaultResolver::default())
}

/// Opens chapter 9 sockets for ureq.
#[derive(Debug)]
pub struct TaskletConnector;

impl Connector for TaskletConnector {
    type Out = TaskletTransport;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<TaskletTransport>, ureq::Error> {
        let stream = connect(details)?;
        let config = details.config;
        let buffers = LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size());
        let stream = SendWrapper::new(stream);
        Ok(Some(TaskletTransport { stream, buffers }))
    }
}
// ANCHOR_END: agent

/// Connects to the first address that answers, within ureq's timeout.
fn connect(details: &ConnectionDetails) -> Result<TcpStream, ureq::Error> {
    let timeout = details.timeout.not_zero().map(|t| *t);
    let mut last = None;
    for addr in details.addrs.iter() {
        let connected = match timeout {
            Some(timeout) => TcpStream::connect_timeout(addr, timeout),
            None => TcpStream::connect(addr),
        };
        match connected {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(timed_out(e, &details.timeout)),
        }
    }
    Err(last.unwrap_or(ureq::Error::ConnectionFailed))
}

/// One connection: a chapter 9 socket and ureq's buffers.
#[derive(Debug)]
pub struct TaskletTransport {
    stream: SendWrapper<TcpStream>,
    buffers: LazyBuffers,
}

// ANCHOR: transport
impl Transport for TaskletTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    /// Writes what ureq put in the output buffer; parks while it waits,
    /// until ureq's next timeout.
    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        self.stream
            .set_write_timeout(timeout.not_zero().map(|t| *t))?;
        let output = &self.buffers.output()[..amount];
        (&*self.stream)
            .write_all(output)
            .map_err(|e| timed_out(e, &timeout))
    }

    /// Reads what has come into the input buffer; parks while it waits,
    /// until ureq's next timeout.
    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        self.stream
            .set_read_timeout(timeout.not_zero().map(|t| *t))?;
        let input = self.buffers.input_append_buf();
        let n = (&*self.stream)
            .read(input)
            .map_err(|e| timed_out(e, &timeout))?;
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    /// Whether the agent may use the connection for another request: it
    /// cannot tell without reading, so it does not reuse connections.
    fn is_open(&mut self) -> bool {
        false
    }
}
// ANCHOR_END: transport

/// A socket's `TimedOut` as ureq's timeout, naming which of ureq's
/// timeouts it was; other errors as they are.
fn timed_out(error: std::io::Error, timeout: &NextTimeout) -> ureq::Error {
    match error.kind() {
        std::io::ErrorKind::TimedOut => ureq::Error::Timeout(timeout.reason),
        _ => error.into(),
    }
}
