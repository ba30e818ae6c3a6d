//! A real `redis-server` on 127.0.0.1 for the rate budget's tests: started
//! on a free port without persistence, killed and restarted on the same
//! port, asked for its keys. `.ci/run` installs Debian's `redis-server`;
//! tests that need one are `#[ignore]`d in the README's test command and
//! run by CI (`REDIS_SERVER` may name the binary).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A `redis-server` process. Killed when dropped.
pub struct RedisServer {
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one on a free port of 127.0.0.1 and waits until it answers.
    pub fn start() -> std::io::Result<RedisServer> {
        let port = free_port()?;
        let mut server = RedisServer { port, child: None };
        server.restart()?;
        Ok(server)
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it at once (SIGKILL: no goodbye to its clients).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty (it keeps nothing on disk).
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.kill();
        let program = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        let child = Command::new(&program)
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot start {program} (apt-get install redis-server): {e}"),
                )
            })?;
        self.child = Some(child);
        let started = Instant::now();
        loop {
            if self.command(&["PING"]).is_ok_and(|r| r == "PONG") {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(10) {
                return Err(std::io::Error::other(
                    "redis-server did not answer PING in 10 s",
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every key it holds.
    pub fn keys(&self) -> std::io::Result<Vec<String>> {
        let reply = self.command(&["KEYS", "*"])?;
        Ok(reply
            .lines()
            .map(str::to_owned)
            .filter(|l| !l.is_empty())
            .collect())
    }

    /// One command; the reply as text (a simple string, or an array's
    /// bulk strings one per line).
    pub fn command(&self, args: &[&str]) -> std::io::Result<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        let mut request = format!("*{}\r\n", args.len());
        for a in args {
            request.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        stream.write_all(request.as_bytes())?;
        let mut reader = BufReader::new(stream);
        read_reply(&mut reader)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn read_reply(reader: &mut impl BufRead) -> std::io::Result<String> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let line = line.trim_end();
    let bad = || std::io::Error::other(format!("unexpected reply {line:?}"));
    match line.split_at_checked(1).ok_or_else(bad)? {
        ("+", s) | (":", s) => Ok(s.to_owned()),
        ("-", e) => Err(std::io::Error::other(e.to_owned())),
        ("$", n) => {
            let n: i64 = n.parse().map_err(|_| bad())?;
            if n < 0 {
                return Ok(String::new());
            }
            let mut buf = vec![0; n as usize + 2];
            reader.read_exact(&mut buf)?;
            buf.truncate(n as usize);
            Ok(String::from_utf8_lossy(&buf).into_owned())
        }
        ("*", n) => {
            let n: usize = n.parse().map_err(|_| bad())?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(read_reply(reader)?);
            }
            Ok(items.join("\n"))
        }
        _ => Err(bad()),
    }
}

/// The commands a server receives, as `MONITOR` shows them: one line per
/// command a client sent (`[0 127.0.0.1:PORT] "EVALSHA" ...`) or a script
/// ran (`[0 lua] "ZADD" ...`). Stops when dropped.
pub struct Monitor {
    lines: Arc<Mutex<Vec<String>>>,
    stream: TcpStream,
}

impl Monitor {
    /// The lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The commands clients sent (not those scripts ran): the round trips.
    pub fn sent(&self) -> Vec<String> {
        self.lines()
            .into_iter()
            .filter(|l| l.contains(" [") && !l.contains(" lua]"))
            .collect()
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

impl RedisServer {
    /// Starts watching the commands it receives (after `MONITOR` answers).
    pub fn monitor(&self) -> std::io::Result<Monitor> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.write_all(b"*1\r\n$7\r\nMONITOR\r\n")?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut ok = String::new();
        reader.read_line(&mut ok)?;
        if ok.trim_end() != "+OK" {
            return Err(std::io::Error::other(format!("MONITOR answered {ok:?}")));
        }
        let lines = Arc::new(Mutex::new(Vec::new()));
        let log = lines.clone();
        std::thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if let Ok(mut l) = log.lock() {
                    l.push(line);
                }
            }
        });
        Ok(Monitor { lines, stream })
    }
}

/// A port nothing listens on now (bound, then released).
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}
