//! A small HTTP/1.1 server on httparse, a tasklet per connection.
//!
//! httparse parses a request's head from bytes and knows nothing of
//! sockets; the loop that reads those bytes is ordinary blocking code on
//! a chapter 9 `TcpStream`. A connection serves requests one after the
//! other (keep-alive) until the client closes it, asks to close it, goes
//! quiet for longer than the read timeout (`408` if it was mid-request),
//! or sends something this server refuses: a malformed request (`400`), a
//! head too large (`431`), a body too large (`413`), a body in a transfer
//! coding (`501`).

use std::io::{self, Read, Write};
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::spawn;
use ch04_lifecycle::time::now;
use ch09_stackless_io::net::{TcpListener, TcpStream};

/// What a connection may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes a request's head (request line and headers) may have.
    pub head: usize,
    /// The most headers a request may have.
    pub headers: usize,
    /// The most bytes a request's body may have.
    pub body: usize,
    /// How long a connection may stay silent, mid-request or between
    /// requests, before it is closed; and how long a response may wait
    /// for a client that does not read.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            head: 8 * 1024,
            headers: 32,
            body: 64 * 1024,
            idle: Duration::from_secs(30),
        }
    }
}

/// A request, read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without its query.
    pub path: String,
    /// What followed the `?`, if anything did.
    pub query: Option<String>,
    /// The body: `Content-Length` bytes.
    pub body: Vec<u8>,
    /// Whether the client keeps the connection open after the response.
    pub keep_alive: bool,
}

/// A response with a body of known length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code, such as 200.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// Extra headers, each a whole line without its line ending.
    pub headers: Vec<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with `status` and a body of `content_type`.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A plain-text response: `status`, and a message for a person.
    pub fn text(status: u16, message: impl Into<String>) -> Response {
        let mut body = message.into();
        body.push('\n');
        Response::new(status, "text/plain; charset=utf-8", body)
    }

    /// Writes the response, in one `write`; `Connection: close` unless
    /// `keep_alive`, and no body if it answers a `HEAD` request.
    ///
    /// # Errors
    ///
    /// The connection failed.
    pub fn write_to(
        &self,
        mut out: impl Write,
        keep_alive: bool,
        head_only: bool,
    ) -> io::Result<()> {
        let connection = if keep_alive { "keep-alive" } else { "close" };
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nConnection: {connection}\r\n",
            self.status,
            reason(self.status)
        );
        if self.status != 204 {
            // A 204 has no body, and says nothing of one.
            head += &format!(
                "Content-Type: {}\r\nContent-Length: {}\r\n",
                self.content_type,
                self.body.len()
            );
        }
        for header in &self.headers {
            head += header;
            head += "\r\n";
        }
        head += "\r\n";
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        out.write_all(&bytes)?;
        out.flush()
    }
}

/// The reason phrase of the status codes this server sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        _ => "",
    }
}

/// Why a request could not be read: the response that says so, or a
/// connection that failed or went quiet.
#[derive(Debug)]
pub enum Refusal {
    /// The client sent something this server refuses; the response says
    /// what, and the connection is closed after it.
    Refused(Response),
    /// The connection failed, or timed out between requests.
    Io(io::Error),
}

impl Refusal {
    fn with(status: u16, message: impl Into<String>) -> Refusal {
        Refusal::Refused(Response::text(status, message))
    }
}

/// What a handler does with a request.
pub enum Reply {
    /// Send this response, then serve the next request.
    Send(Response),
    /// The handler wrote to the connection itself (a stream of events,
    /// say), and it is to be closed now.
    Done,
}

/// One connection's requests, read with a buffer that keeps the bytes of
/// the next request that arrived with this one.
pub struct Connection<'a> {
    stream: &'a TcpStream,
    buffer: Vec<u8>,
    limits: Limits,
}

impl<'a> Connection<'a> {
    /// Requests from `stream`, within `limits`.
    ///
    /// # Errors
    ///
    /// The read timeout could not be set.
    pub fn new(stream: &'a TcpStream, limits: Limits) -> io::Result<Connection<'a>> {
        stream.set_read_timeout(Some(limits.idle))?;
        stream.set_write_timeout(Some(limits.idle))?;
        Ok(Connection {
            stream,
            buffer: Vec::new(),
            limits,
        })
    }

    // ANCHOR: read_request
    /// The next request; `None` when the client closed the connection
    /// between two requests.
    ///
    /// # Errors
    ///
    /// A [`Refusal`]: what to answer, or why the connection is gone.
    pub fn read_request(&mut self) -> Result<Option<Request>, Refusal> {
        loop {
            if let Some((head, length, size)) = parse_head(&self.buffer, self.limits)? {
                return self.with_body(head, length, size).map(Some);
            }
            if self.fill()? == 0 {
                return match self.buffer.is_empty() {
                    true => Ok(None),
                    false => Err(Refusal::with(400, "the request ended early")),
                };
            }
        }
    }
    // ANCHOR_END: read_request

    /// Reads more bytes into the buffer; how many (0 at the end).
    fn fill(&mut self) -> Result<usize, Refusal> {
        // Straight into the buffer: a 4 KiB array on the tasklet's stack
        // would keep that page for as long as the connection lives.
        let old = self.buffer.len();
        self.buffer.resize(old + 4096, 0);
        let read = self.stream.read(&mut self.buffer[old..]);
        self.buffer.truncate(old + *read.as_ref().unwrap_or(&0));
        match read {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::TimedOut && !self.buffer.is_empty() => {
                Err(Refusal::with(408, "the request took too long to arrive"))
            }
            Err(e) => Err(Refusal::Io(e)),
        }
    }

    /// The request whose head, `length` bytes, starts the buffer, with
    /// its body of `size` bytes read.
    fn with_body(
        &mut self,
        mut request: Request,
        length: usize,
        size: usize,
    ) -> Result<Request, Refusal> {
        while self.buffer.len() < length + size {
            if self.fill()? == 0 {
                return Err(Refusal::with(400, "the body ended early"));
            }
        }
        request
            .body
            .extend_from_slice(&self.buffer[length..length + size]);
        self.buffer.drain(..length + size);
        if self.buffer.is_empty() {
            self.buffer = Vec::new(); // nothing kept while the client is quiet
        }
        Ok(request)
    }
}

/// The request whose head starts `buffer` (with an empty body), the
/// head's length and the body's; `None` if the head is not all there yet.
fn parse_head(buffer: &[u8], limits: Limits) -> Result<Option<(Request, usize, usize)>, Refusal> {
    let mut headers = vec![httparse::EMPTY_HEADER; limits.headers];
    let mut head = httparse::Request::new(&mut headers);
    let length = match head.parse(buffer) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) if buffer.len() >= limits.head => {
            return Err(Refusal::with(431, "the request's head is too large"));
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Refusal::with(431, "the request has too many headers"));
        }
        Err(e) => return Err(Refusal::with(400, format!("malformed request: {e}"))),
    };
    if length > limits.head {
        return Err(Refusal::with(431, "the request's head is too large"));
    }
    let header = |name: &str| {
        let mut values = head
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name));
        values
            .next()
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    if header("transfer-encoding").is_some() {
        return Err(Refusal::with(
            501,
            "chunked request bodies are not supported",
        ));
    }
    let size = content_length(head.headers)?;
    if size > limits.body {
        let limit = limits.body;
        let message = format!("the body has {size} bytes; at most {limit} are allowed");
        return Err(Refusal::with(413, message));
    }
    let connection = header("connection").unwrap_or_default();
    let keep_alive = match head.version {
        Some(0) => connection.contains("keep-alive"),
        _ => !connection.contains("close"),
    };
    let target = head.path.unwrap_or("/");
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.to_owned(), None),
    };
    let request = Request {
        method: head.method.unwrap_or("GET").to_owned(),
        path,
        query,
        body: Vec::with_capacity(size),
        keep_alive,
    };
    Ok(Some((request, length, size)))
}

/// The body's length, from the `Content-Length` headers: digits only,
/// and the same in each if there are several (RFC 9110, section 8.6).
fn content_length(headers: &[httparse::Header]) -> Result<usize, Refusal> {
    let mut size = None;
    for header in headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("content-length"))
    {
        let value = String::from_utf8_lossy(header.value);
        let digits = value.trim();
        let length = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<usize>().ok())
            .flatten()
            .ok_or_else(|| Refusal::with(400, format!("Content-Length: {value} is no length")))?;
        if size.is_some_and(|size| size != length) {
            return Err(Refusal::with(400, "two Content-Length headers disagree"));
        }
        size = Some(length);
    }
    Ok(size.unwrap_or(0))
}

// ANCHOR: serve
/// Serves `listener`'s connections, forever, a tasklet each: each request
/// goes to `handler`, with the connection, for a streaming reply.
pub fn serve<H>(listener: &TcpListener, limits: Limits, handler: H)
where
    H: Fn(&Request, &TcpStream) -> Reply + 'static,
{
    let handler = Rc::new(handler);
    crate::accept_each(listener, |stream| {
        let handler = Rc::clone(&handler);
        // A response leaves in one write: nothing to wait for (Nagle).
        let _ = stream.set_nodelay(true);
        spawn(move || {
            let _ = connection(&stream, limits, &*handler);
        });
    });
}

/// One connection: requests and their responses, until one side stops.
fn connection(
    stream: &TcpStream,
    limits: Limits,
    handler: &dyn Fn(&Request, &TcpStream) -> Reply,
) -> io::Result<()> {
    let mut requests = Connection::new(stream, limits)?;
    loop {
        let request = match requests.read_request() {
            Ok(Some(request)) => request,
            Ok(None) | Err(Refusal::Io(_)) => return Ok(()),
            Err(Refusal::Refused(response)) => return refuse(stream, &response),
        };
        let head_only = request.method == "HEAD";
        match handler(&request, stream) {
            Reply::Send(response) => response.write_to(stream, request.keep_alive, head_only)?,
            Reply::Done => return Ok(()),
        }
        if !request.keep_alive {
            return Ok(());
        }
    }
}
// ANCHOR_END: serve

/// Sends a refusal and closes the connection gently: after the response,
/// the server stops sending, and reads (and ignores) what the client is
/// still sending, for a second at most. Closing with unread bytes would
/// send a reset, and a client still sending its body could see the reset
/// instead of the response; one that sends for longer than that second
/// may see it still.
fn refuse(stream: &TcpStream, response: &Response) -> io::Result<()> {
    response.write_to(stream, false, false)?;
    stream.shutdown(std::net::Shutdown::Write)?;
    let deadline = now() + Duration::from_secs(1);
    let mut rest = vec![0; 64 * 1024];
    while let Some(left) = deadline.checked_sub(now()).filter(|left| !left.is_zero()) {
        stream.set_read_timeout(Some(left))?;
        if matches!((&*stream).read(&mut rest), Ok(0) | Err(_)) {
            break;
        }
    }
    Ok(())
}
