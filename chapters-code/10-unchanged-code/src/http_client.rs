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
/// A ureq agent whose connections are chapter 9 sockets. Use it on the
/// thread that made it.
pub fn agent() -> Agent {
    Agent::with_parts(
        Config::default(),
        TaskletConnector,
        DefaultResolver::default(),
    )
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
        let stream = TcpStream::connect(&details.addrs[..])?;
        let config = details.config;
        let buffers = LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size());
        let stream = SendWrapper::new(stream);
        Ok(Some(TaskletTransport { stream, buffers }))
    }
}
// ANCHOR_END: agent

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

    /// Writes what ureq put in the output buffer; parks while it waits.
    fn transmit_output(&mut self, amount: usize, _: NextTimeout) -> Result<(), ureq::Error> {
        let output = &self.buffers.output()[..amount];
        (&*self.stream).write_all(output)?;
        Ok(())
    }

    /// Reads what has come into the input buffer; parks while it waits.
    fn await_input(&mut self, _: NextTimeout) -> Result<bool, ureq::Error> {
        let n = (&*self.stream).read(self.buffers.input_append_buf())?;
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
