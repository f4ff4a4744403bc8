//! How much a socket's send buffer may grow to on this machine.

/// The most bytes Linux lets a TCP send buffer grow to (the last field
/// of `net.ipv4.tcp_wmem`; 4 MB by default).
pub fn send_buffer_max() -> usize {
    let wmem = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem").unwrap_or_default();
    wmem.split_whitespace()
        .nth(2)
        .and_then(|max| max.parse().ok())
        .unwrap_or(4 << 20)
}
