//! Sockets that block their tasklet, never their thread, with the shape of
//! `std::net`: [`TcpListener`], [`TcpStream`], [`UdpSocket`].
//!
//! Each is a non-blocking mio socket registered with the thread's hub. A
//! call runs the system call; if it would block, only the calling tasklet
//! parks, and the others run until the hub sees the socket ready. A socket
//! belongs to the thread that made it (it is not `Send`): to hand a
//! connection to another thread, turn it into a `std::net` one with
//! `into_std` and back with `from_std` there.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::rc::Rc;
use std::time::Duration;

use ch04_lifecycle::time;
use mio::event::Source;

use crate::hub::{Direction, Hub, Key, hub};

pub use crate::blocking::lookup_host;

/// A mio source registered with this thread's hub; deregistered when
/// dropped, before it closes.
struct Registered<S: Source> {
    hub: Rc<Hub>,
    key: Key,
    /// `None` only once `into_inner` took it.
    source: Option<S>,
}

impl<S: Source> Registered<S> {
    fn new(mut source: S) -> io::Result<Registered<S>> {
        let hub = hub();
        let key = hub.register(&mut source)?;
        Ok(Registered {
            hub,
            key,
            source: Some(source),
        })
    }

    fn get(&self) -> &S {
        self.source.as_ref().expect("taken only by into_inner")
    }

    /// Runs `op` on the source until it would not block; see [`Hub::io`].
    fn io<T>(
        &self,
        direction: Direction,
        timeout: Option<Duration>,
        mut op: impl FnMut(&S) -> io::Result<T>,
    ) -> io::Result<T> {
        let deadline = timeout.map(|t| time::now() + t);
        let source = self.get();
        self.hub.io(self.key, direction, deadline, || op(source))
    }

    /// Runs `op` once if the source may be ready; never parks.
    fn try_io<T>(
        &self,
        direction: Direction,
        mut op: impl FnMut(&S) -> io::Result<T>,
    ) -> io::Result<T> {
        let source = self.get();
        self.hub.try_io(self.key, direction, || op(source))
    }

    /// Notes that a read or write moved fewer bytes than it could: with
    /// epoll, that shows the socket is drained (or its send buffer full)
    /// for now, and the next event will say when it is not. The next call
    /// then waits without a system call that would only fail.
    fn drained(&self, direction: Direction, done: usize, asked: usize) {
        if done > 0 && done < asked {
            self.hub.clear(self.key, direction);
        }
    }

    /// Deregisters the source and hands it back.
    fn into_inner(mut self) -> S {
        let mut source = self.source.take().expect("taken only once");
        self.hub.deregister(&mut source, self.key);
        source
    }
}

impl<S: Source> Drop for Registered<S> {
    fn drop(&mut self) {
        if let Some(mut source) = self.source.take() {
            self.hub.deregister(&mut source, self.key);
        }
    }
}

/// A socket's read and write timeouts, as `std` keeps them.
#[derive(Default)]
struct Timeouts {
    read: Cell<Option<Duration>>,
    write: Cell<Option<Duration>>,
}

impl Timeouts {
    /// Sets one of them; a zero timeout is refused, as `std` refuses it.
    fn set(slot: &Cell<Option<Duration>>, timeout: Option<Duration>) -> io::Result<()> {
        if timeout == Some(Duration::ZERO) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a zero timeout is not allowed: pass None to wait as long as it takes",
            ));
        }
        slot.set(timeout);
        Ok(())
    }
}

/// Tries each address in turn, as `std` does, returning the last error.
fn each_addr<A: ToSocketAddrs, T>(
    addr: A,
    mut f: impl FnMut(SocketAddr) -> io::Result<T>,
) -> io::Result<T> {
    let mut last = None;
    for addr in addr.to_socket_addrs()? {
        match f(addr) {
            Ok(done) => return Ok(done),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address resolved to no socket address",
        )
    }))
}

/// How many connections may wait to be accepted, where `std`, mio and
/// tokio's `bind` ask for 128. A burst of connects beyond the backlog
/// loses SYNs, which the clients send again only a second later.
pub const BACKLOG: i32 = 1024;

// ANCHOR: listener
/// A TCP socket server, listening for connections.
pub struct TcpListener {
    io: Registered<mio::net::TcpListener>,
}

impl TcpListener {
    /// Listens on `addr`, as [`std::net::TcpListener::bind`] does, with
    /// room for [`BACKLOG`] connections waiting to be accepted.
    ///
    /// # Errors
    ///
    /// What the system reports: the address is in use, or not this
    /// machine's.
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        each_addr(addr, |addr| TcpListener::listen_on(addr, false))
    }

    /// Waits for a connection, parking this tasklet meanwhile.
    ///
    /// # Errors
    ///
    /// What the system reports. When the process has as many files open as
    /// it may, the error says so; the connection waits in the listener's
    /// backlog, and a later `accept` takes it once a file is closed.
    pub fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) = self
            .io
            .io(Direction::Read, None, |l| l.accept())
            .map_err(explain_accept_error)?;
        Ok((TcpStream::registered(stream)?, peer))
    }
    // ANCHOR_END: listener

    /// Listens on a socket that `from` already bound, such as one made with
    /// `socket2` for options that `bind` does not set.
    ///
    /// # Errors
    ///
    /// When it cannot be made non-blocking or registered with the hub.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        Ok(TcpListener {
            io: Registered::new(mio::net::TcpListener::from_std(listener))?,
        })
    }

    /// Listens on `addr` with `SO_REUSEPORT` set, so that a listener on each
    /// thread can bind the same address and the kernel spreads the
    /// connections between them.
    ///
    /// # Errors
    ///
    /// What the system reports.
    pub fn bind_reuse_port(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::listen_on(addr, true)
    }

    fn listen_on(addr: SocketAddr, reuse_port: bool) -> io::Result<TcpListener> {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        socket.set_reuse_address(true)?;
        socket.set_reuse_port(reuse_port)?;
        socket.bind(&addr.into())?;
        socket.listen(BACKLOG)?;
        TcpListener::from_std(socket.into())
    }

    /// The address it listens on.
    ///
    /// # Errors
    ///
    /// What the system reports.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get().local_addr()
    }

    /// The connections as they come, forever: each item is `accept`'s.
    pub fn incoming(&self) -> impl Iterator<Item = io::Result<TcpStream>> + '_ {
        std::iter::repeat_with(|| self.accept().map(|(stream, _)| stream))
    }
}

/// Says what to do about running out of file descriptors in `accept`.
fn explain_accept_error(e: io::Error) -> io::Error {
    match e.raw_os_error() {
        Some(libc::EMFILE | libc::ENFILE) => io::Error::new(
            e.kind(),
            format!(
                "accept failed: {e}; the process has as many files open as it may \
                 (see `ulimit -n`). The connection waits in the listener's backlog: \
                 close some connections and accept again"
            ),
        ),
        _ => e,
    }
}

// ANCHOR: stream
/// A TCP connection whose reads and writes park only their tasklet.
pub struct TcpStream {
    io: Registered<mio::net::TcpStream>,
    timeouts: Timeouts,
}

impl TcpStream {
    /// Connects to `addr`, parking this tasklet until it is connected; as
    /// [`std::net::TcpStream::connect`], it tries each address in turn.
    /// A host name is resolved here, blocking the thread: resolve it first
    /// with [`lookup_host`] not to.
    ///
    /// # Errors
    ///
    /// What the system reports, such as `ConnectionRefused`.
    pub fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        each_addr(addr, |addr| TcpStream::connect_to(addr, None))
    }
    // ANCHOR_END: stream

    /// Connects to `addr`, giving up with `TimedOut` after `timeout`.
    ///
    /// # Errors
    ///
    /// As for [`connect`](TcpStream::connect), and `TimedOut`.
    pub fn connect_timeout(addr: &SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
        TcpStream::connect_to(*addr, Some(timeout))
    }

    // ANCHOR: connect
    fn connect_to(addr: SocketAddr, timeout: Option<Duration>) -> io::Result<TcpStream> {
        let stream = TcpStream::registered(mio::net::TcpStream::connect(addr)?)?;
        // Writable means the handshake ended, one way or the other.
        stream.io.io(Direction::Write, timeout, |s| {
            if let Some(e) = s.take_error()? {
                return Err(e);
            }
            match s.peer_addr() {
                Ok(_) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                    Err(io::ErrorKind::WouldBlock.into())
                }
                Err(e) => Err(e),
            }
        })?;
        Ok(stream)
    }
    // ANCHOR_END: connect

    fn registered(stream: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: Registered::new(stream)?,
            timeouts: Timeouts::default(),
        })
    }

    /// Adopts a connected `std` stream, made here or on another thread.
    ///
    /// # Errors
    ///
    /// When it cannot be made non-blocking or registered with the hub.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::registered(mio::net::TcpStream::from_std(stream))
    }

    /// Leaves the hub: a blocking `std` stream that may go to another
    /// thread. Its timeouts stay behind.
    ///
    /// # Errors
    ///
    /// When it cannot be made blocking again.
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        use std::os::fd::{FromRawFd, IntoRawFd};
        let stream = self.io.into_inner();
        // SAFETY: `into_raw_fd` gives up the descriptor, which `from_raw_fd`
        // takes over: exactly one owner at every moment.
        let stream = unsafe { std::net::TcpStream::from_raw_fd(stream.into_raw_fd()) };
        stream.set_nonblocking(false)?;
        Ok(stream)
    }

    /// Reads what has arrived, without parking: `WouldBlock` if nothing
    /// has. For code that waits on this socket and something else at
    /// once (see [`wait_readable_or`](TcpStream::wait_readable_or)).
    ///
    /// # Errors
    ///
    /// `WouldBlock` if nothing has arrived; otherwise as `read`.
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let asked = buf.len();
        let n = self.io.try_io(Direction::Read, |mut s| s.read(buf))?;
        self.io.drained(Direction::Read, n, asked);
        Ok(n)
    }

    /// Parks the calling tasklet until the socket may have something to
    /// read, or until whatever `also` hands the unparker to wakes it
    /// first: a wait on two sources, of which the first to fire wins
    /// (chapter 2's `park`). Returns at once if the socket may be ready.
    ///
    /// # Errors
    ///
    /// The scheduler's, if the tasklet cannot park (it is unwinding, or
    /// it is main and nothing could wake it).
    pub fn wait_readable_or(&self, also: impl FnOnce(ch02_scheduler::Unparker)) -> io::Result<()> {
        self.io.hub.wait_or(self.io.key, Direction::Read, also)
    }

    /// Shuts down the reading half, the writing half, or both.
    ///
    /// # Errors
    ///
    /// What the system reports, such as `NotConnected`.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get().shutdown(how)
    }

    /// The address of the other end.
    ///
    /// # Errors
    ///
    /// What the system reports, such as `NotConnected`.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get().peer_addr()
    }

    /// This end's address.
    ///
    /// # Errors
    ///
    /// What the system reports.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get().local_addr()
    }

    /// Sets `TCP_NODELAY`: small writes go out at once instead of waiting
    /// to be coalesced.
    ///
    /// # Errors
    ///
    /// What the system reports.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// # Errors
    ///
    /// What the system reports.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get().nodelay()
    }

    /// Makes a read that waits longer than `timeout` fail with `TimedOut`;
    /// `None` waits as long as it takes. The wait is a timer on the
    /// thread's clock: the thread goes on with other tasklets.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a zero timeout, as in `std`.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        Timeouts::set(&self.timeouts.read, timeout)
    }

    /// Like [`set_read_timeout`](TcpStream::set_read_timeout), for writes.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a zero timeout, as in `std`.
    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        Timeouts::set(&self.timeouts.write, timeout)
    }

    /// The read timeout.
    ///
    /// # Errors
    ///
    /// None: the `Result` mirrors `std`.
    pub fn read_timeout(&self) -> io::Result<Option<Duration>> {
        Ok(self.timeouts.read.get())
    }

    /// The write timeout.
    ///
    /// # Errors
    ///
    /// None: the `Result` mirrors `std`.
    pub fn write_timeout(&self) -> io::Result<Option<Duration>> {
        Ok(self.timeouts.write.get())
    }

    /// Takes the socket's pending error (`SO_ERROR`).
    ///
    /// # Errors
    ///
    /// What the system reports.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get().take_error()
    }
}

// ANCHOR: read
impl Read for &TcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (asked, timeout) = (buf.len(), self.timeouts.read.get());
        let n = self.io.io(Direction::Read, timeout, |mut s| s.read(buf))?;
        self.io.drained(Direction::Read, n, asked);
        Ok(n)
    }
}

impl Write for &TcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let (asked, timeout) = (buf.len(), self.timeouts.write.get());
        let n = self
            .io
            .io(Direction::Write, timeout, |mut s| s.write(buf))?;
        self.io.drained(Direction::Write, n, asked);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(()) // nothing is buffered here
    }
}
// ANCHOR_END: read

impl Read for TcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

impl Write for TcpStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpStream")
            .field("local", &self.local_addr().ok())
            .field("peer", &self.peer_addr().ok())
            .finish()
    }
}

impl std::fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpListener")
            .field("local", &self.local_addr().ok())
            .finish()
    }
}

/// A UDP socket whose sends and receives park only their tasklet.
pub struct UdpSocket {
    io: Registered<mio::net::UdpSocket>,
    timeouts: Timeouts,
}

impl UdpSocket {
    /// Binds to `addr`, as [`std::net::UdpSocket::bind`] does.
    ///
    /// # Errors
    ///
    /// What the system reports.
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        let socket = std::net::UdpSocket::bind(addr)?;
        socket.set_nonblocking(true)?;
        Ok(UdpSocket {
            io: Registered::new(mio::net::UdpSocket::from_std(socket))?,
            timeouts: Timeouts::default(),
        })
    }

    /// Receives a datagram, and says who sent it.
    ///
    /// # Errors
    ///
    /// What the system reports, and `TimedOut` after the read timeout.
    pub fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let timeout = self.timeouts.read.get();
        self.io.io(Direction::Read, timeout, |s| s.recv_from(buf))
    }

    /// Sends a datagram to `addr`.
    ///
    /// # Errors
    ///
    /// What the system reports, and `TimedOut` after the write timeout.
    pub fn send_to(&self, buf: &[u8], addr: SocketAddr) -> io::Result<usize> {
        let timeout = self.timeouts.write.get();
        self.io
            .io(Direction::Write, timeout, |s| s.send_to(buf, addr))
    }

    /// Sends and receives only to and from `addr` from now on.
    ///
    /// # Errors
    ///
    /// What the system reports.
    pub fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        self.io.get().connect(addr)
    }

    /// Receives a datagram from the connected peer.
    ///
    /// # Errors
    ///
    /// As for [`recv_from`](UdpSocket::recv_from).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        let timeout = self.timeouts.read.get();
        self.io.io(Direction::Read, timeout, |s| s.recv(buf))
    }

    /// Sends a datagram to the connected peer.
    ///
    /// # Errors
    ///
    /// As for [`send_to`](UdpSocket::send_to).
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        let timeout = self.timeouts.write.get();
        self.io.io(Direction::Write, timeout, |s| s.send(buf))
    }

    /// This socket's address.
    ///
    /// # Errors
    ///
    /// What the system reports.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get().local_addr()
    }

    /// Makes a receive that waits longer than `timeout` fail with
    /// `TimedOut`; `None` waits as long as it takes.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a zero timeout, as in `std`.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        Timeouts::set(&self.timeouts.read, timeout)
    }

    /// Like [`set_read_timeout`](UdpSocket::set_read_timeout), for sends.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a zero timeout, as in `std`.
    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        Timeouts::set(&self.timeouts.write, timeout)
    }
}
