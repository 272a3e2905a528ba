//! The stdio transport: LSP's framing (`Content-Length: N`, a blank line, N bytes of JSON) read
//! with bounds, so that no client — nor anything that writes to the server's stdin — can make
//! it allocate what it was not sent: a header line is at most [`MAX_HEADER_LINE`] bytes, a
//! message at most [`MAX_MESSAGE_BYTES`], and the body grows only as its bytes arrive (a
//! `Content-Length` of 2^63 with nothing behind it costs nothing). Only protocol messages are
//! written to stdout; what the server has to say about the transport goes to stderr.
//!
//! Messages reach the server through an unbounded channel, so that `receiver.is_empty()` tells
//! whether the client has more to say.

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_server::{Connection, Message};
use std::io::{self, BufRead, Read, Write};
use std::thread;

/// The longest header line read.
pub const MAX_HEADER_LINE: usize = 4096;
/// The largest message read: a policy at amxc's limit, escaped as JSON, fits.
pub const MAX_MESSAGE_BYTES: usize = 2 * crate::parse::MAX_POLICY_BYTES + 64 * 1024;

/// One framed message's bytes; `Ok(None)` at the end of the input.
pub fn read_frame(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut size: Option<usize> = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let n = r
            .by_ref()
            .take(MAX_HEADER_LINE as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return if first {
                Ok(None)
            } else {
                Err(bad("the input ended inside a header"))
            };
        }
        first = false;
        if n > MAX_HEADER_LINE || !line.ends_with(b"\r\n") {
            return Err(bad("a header line is too long or does not end with CRLF"));
        }
        let line = &line[..line.len() - 2];
        if line.is_empty() {
            break;
        }
        let text = std::str::from_utf8(line).map_err(|_| bad("a header is not text"))?;
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| bad("a header without a `:`"))?;
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let v: u64 = value
                .trim()
                .parse()
                .map_err(|_| bad("Content-Length is not a number"))?;
            if v > MAX_MESSAGE_BYTES as u64 {
                return Err(bad(&format!(
                    "a message of {v} bytes is more than the {MAX_MESSAGE_BYTES} the server reads"
                )));
            }
            size = Some(v as usize);
        }
    }
    let size = size.ok_or_else(|| bad("a message without Content-Length"))?;
    // grown as bytes arrive, never allocated ahead from what the header claims
    let mut body = Vec::with_capacity(size.min(64 * 1024));
    r.by_ref().take(size as u64).read_to_end(&mut body)?;
    if body.len() != size {
        return Err(bad("the input ended inside a message"));
    }
    Ok(Some(body))
}

fn bad(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.to_string())
}

/// The threads that move messages between stdio and a [`Connection`].
pub struct Io {
    reader: thread::JoinHandle<io::Result<()>>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Io {
    /// Wait for both threads; the first transport error, if any.
    pub fn join(self) -> io::Result<()> {
        let r = self.reader.join().unwrap_or_else(|_| Err(bad("reader")));
        let w = self.writer.join().unwrap_or_else(|_| Err(bad("writer")));
        r.and(w)
    }
}

/// Read messages from `input` into `to` until the end, an `exit` notification or a framing
/// error. A message that is not JSON-RPC is reported on stderr and skipped.
pub fn pump(input: &mut impl BufRead, to: &Sender<Message>) -> io::Result<()> {
    while let Some(body) = read_frame(input)? {
        let msg: Message = match serde_json::from_slice(&body) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("amxc lsp: a message that is not JSON-RPC was skipped: {e}");
                continue;
            }
        };
        let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
        if to.send(msg).is_err() || exit {
            break;
        }
    }
    Ok(())
}

/// A connection on stdin and stdout.
pub fn stdio() -> (Connection, Io) {
    let (in_tx, in_rx): (Sender<Message>, Receiver<Message>) = unbounded();
    let (out_tx, out_rx): (Sender<Message>, Receiver<Message>) = unbounded();
    let reader = thread::spawn(move || {
        let stdin = io::stdin();
        let result = pump(&mut stdin.lock(), &in_tx);
        if let Err(e) = &result {
            eprintln!("amxc lsp: stopped reading: {e}");
        }
        result
    });
    let writer = thread::spawn(move || {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        for msg in out_rx {
            msg.write(&mut out)?;
            out.flush()?;
        }
        Ok(())
    });
    (
        Connection {
            sender: out_tx,
            receiver: in_rx,
        },
        Io { reader, writer },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> io::Result<Vec<Vec<u8>>> {
        let mut r = io::BufReader::new(input);
        let mut out = Vec::new();
        while let Some(f) = read_frame(&mut r)? {
            out.push(f);
        }
        Ok(out)
    }

    #[test]
    fn a_claimed_length_costs_only_what_arrives() {
        for header in [
            "Content-Length: 2000000000\r\n\r\n{}",
            "Content-Length: 18446744073709551615\r\n\r\n{}",
            "Content-Length: 99999999999999999999999\r\n\r\n",
        ] {
            let e = frames(header.as_bytes()).expect_err("refused");
            assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{header}: {e}");
        }
        // within the bound but not sent: an error, without the allocation
        let e = frames(b"Content-Length: 100000000\r\n\r\n{}").expect_err("short");
        assert!(e.to_string().contains("ended inside a message"), "{e}");
    }

    #[test]
    fn header_lines_are_bounded() {
        let long = format!("X-Pad: {}\r\n\r\n", "a".repeat(10 * MAX_HEADER_LINE));
        assert!(frames(long.as_bytes()).is_err());
        let ok = frames(b"Content-Type: x\r\nContent-Length: 2\r\n\r\n{}").expect("framed");
        assert_eq!(ok, vec![b"{}".to_vec()]);
    }
}
