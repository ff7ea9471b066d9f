//! The load generator of `scripts/flood.sh`: a flood of cross-origin requests from made-up
//! origins, mixed with a steady stream from real tenants, against the `tenant_origins`
//! example on 127.0.0.1.
//!
//! ```text
//! cargo run --release -p cors-actix-benches --example flood -- --port 8080 --seconds 20 \
//!     --tenants https://shop.example,https://books.example
//! ```
//!
//! First it registers each tenant (`POST /tenants`) and asks once from each, so that the
//! tenants are known and cached. Then, for `--seconds`, `--flood-connections` connections
//! (default 8; 0 for a run without the flood) send preflights and simple `GET`s, half each,
//! from origins drawn at random among `--origins` distinct well-formed ones (default 10 000),
//! as fast as the server answers; and `--tenant-connections` connections (default 2) send
//! the tenants' requests in turn, one every `--tenant-interval-ms` (default 10) each, and
//! time them. Every connection is HTTP/1.1 with keep-alive, over a blocking socket.
//!
//! It prints one line `RESULT key=value ...`: requests sent, the statuses by class, requests
//! that got no answer (`failed`), requests whose answer took longer than `--hang-ms`
//! (default 1500) or had not come after four times that (`hung`), the distinct flood origins sent, the tenants'
//! requests that were not allowed (`tenant_refused`) and the tenants' latencies (p50, p99,
//! max, in microseconds).

use std::{
    io::{self, BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpStream},
    process::ExitCode,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

/// What the command line asks for.
struct Options {
    address: SocketAddr,
    seconds: f64,
    origins: u32,
    flood_connections: usize,
    tenant_connections: usize,
    tenant_interval: Duration,
    hang: Duration,
    tenants: Vec<String>,
    seed: u64,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self {
            address: SocketAddr::from(([127, 0, 0, 1], 8080)),
            seconds: 20.0,
            origins: 10_000,
            flood_connections: 8,
            tenant_connections: 2,
            tenant_interval: Duration::from_millis(10),
            hang: Duration::from_millis(1500),
            tenants: vec!["https://shop.example".to_owned()],
            seed: 1,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number = || value.parse::<u64>().map_err(|_| format!("{flag} {value}: not a number"));
            match flag.as_str() {
                "--port" => {
                    let port = u16::try_from(number()?).map_err(|_| format!("{flag} {value}: not a port"))?;
                    options.address = SocketAddr::from(([127, 0, 0, 1], port));
                }
                "--seconds" => {
                    options.seconds = value.parse().map_err(|_| format!("{flag} {value}: not a number"))?;
                }
                "--origins" => {
                    options.origins =
                        u32::try_from(number()?.max(1)).map_err(|_| format!("{flag}: too many"))?;
                }
                "--flood-connections" => options.flood_connections = number()? as usize,
                "--tenant-connections" => options.tenant_connections = number()? as usize,
                "--tenant-interval-ms" => options.tenant_interval = Duration::from_millis(number()?),
                "--hang-ms" => options.hang = Duration::from_millis(number()?),
                "--seed" => options.seed = number()?,
                "--tenants" => options.tenants = value.split(',').map(str::to_owned).collect(),
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        if options.tenants.is_empty() || options.tenants.iter().any(String::is_empty) {
            return Err("--tenants needs at least one origin".to_owned());
        }
        Ok(options)
    }
}

/// A small, seeded generator (xorshift64*): the same seed draws the same origins.
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// The flood's origin number `index`: a well-formed origin no tenant has, the same for every
/// connection.
fn flood_origin(index: u32) -> String {
    let label = Random::new(u64::from(index) + 1).next();
    format!("https://f{index}-{label:012x}.flood.example", label = label & 0xffff_ffff_ffff)
}

/// A preflight for `GET /api/orders`, or the `GET` itself, from `origin`.
fn request(port: u16, origin: &str, preflight: bool) -> Vec<u8> {
    if preflight {
        format!(
            "OPTIONS /api/orders HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\
             Access-Control-Request-Method: GET\r\n\r\n"
        )
    } else {
        format!("GET /api/orders HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\r\n")
    }
    .into_bytes()
}

/// One response: its status and its `Access-Control-Allow-Origin`.
struct Answer {
    status: u16,
    allow_origin: Option<String>,
    close: bool,
}

/// A keep-alive connection, opened again after an error or a `Connection: close`.
struct Connection {
    address: SocketAddr,
    timeout: Duration,
    stream: Option<BufReader<TcpStream>>,
}

impl Connection {
    fn new(address: SocketAddr, timeout: Duration) -> Self {
        Self { address, timeout, stream: None }
    }

    fn send(&mut self, request: &[u8]) -> io::Result<Answer> {
        let result = self.exchange(request);
        if !matches!(result, Ok(Answer { close: false, .. })) {
            self.stream = None;
        }
        result
    }

    fn exchange(&mut self, request: &[u8]) -> io::Result<Answer> {
        if self.stream.is_none() {
            let stream = TcpStream::connect_timeout(&self.address, self.timeout)?;
            stream.set_read_timeout(Some(self.timeout))?;
            stream.set_nodelay(true)?;
            self.stream = Some(BufReader::new(stream));
        }
        let reader = self.stream.as_mut().expect("connected above");
        reader.get_mut().write_all(request)?;
        read_answer(reader)
    }
}

fn read_answer(reader: &mut BufReader<TcpStream>) -> io::Result<Answer> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed before answering"));
    }
    let status =
        line.split(' ').nth(1).and_then(|code| code.parse().ok()).ok_or_else(|| invalid("status line"))?;
    let (mut length, mut chunked, mut close, mut allow_origin) = (0_usize, false, false, None);
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(invalid("closed in the headers"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else { continue };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().map_err(|_| invalid("content-length"))?,
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            "connection" => close = value.eq_ignore_ascii_case("close"),
            "access-control-allow-origin" => allow_origin = Some(value.to_owned()),
            _ => {}
        }
    }
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim_end(), 16).map_err(|_| invalid("chunk size"))?;
            io::copy(&mut reader.by_ref().take(size as u64 + 2), &mut io::sink())?;
            if size == 0 {
                break;
            }
        }
    } else {
        io::copy(&mut reader.by_ref().take(length as u64), &mut io::sink())?;
    }
    Ok(Answer { status, allow_origin, close })
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    requests: u64,
    by_class: [u64; 6],
    failed: u64,
    hung: u64,
    tenant_refused: u64,
    tenant_latencies_us: Vec<u64>,
    origins_sent: Vec<bool>,
}

impl Tally {
    fn record(&mut self, answer: &io::Result<Answer>, took: Duration, hang: Duration) {
        self.requests += 1;
        match answer {
            Ok(answer) => self.by_class[usize::from(answer.status / 100).min(5)] += 1,
            Err(_) => self.failed += 1,
        }
        // A read that timed out took longer than `hang` too.
        if took > hang {
            self.hung += 1;
        }
    }

    fn merge(&mut self, other: Self) {
        self.requests += other.requests;
        for (total, count) in self.by_class.iter_mut().zip(other.by_class) {
            *total += count;
        }
        self.failed += other.failed;
        self.hung += other.hung;
        self.tenant_refused += other.tenant_refused;
        self.tenant_latencies_us.extend(other.tenant_latencies_us);
        if self.origins_sent.len() < other.origins_sent.len() {
            self.origins_sent.resize(other.origins_sent.len(), false);
        }
        for (sent, other) in self.origins_sent.iter_mut().zip(other.origins_sent) {
            *sent |= other;
        }
    }
}

fn flood(options: &Options, stop: &AtomicBool, seed: u64) -> Tally {
    let mut tally = Tally { origins_sent: vec![false; options.origins as usize], ..Tally::default() };
    let mut random = Random::new(seed);
    let mut connection = Connection::new(options.address, options.hang * 4);
    while !stop.load(Ordering::Relaxed) {
        let draw = random.next();
        let index = (draw >> 1) as u32 % options.origins;
        tally.origins_sent[index as usize] = true;
        let request = request(options.address.port(), &flood_origin(index), draw & 1 == 0);
        let started = Instant::now();
        let answer = connection.send(&request);
        tally.record(&answer, started.elapsed(), options.hang);
    }
    tally
}

fn tenants(options: &Options, stop: &AtomicBool, first: usize) -> Tally {
    let mut tally = Tally::default();
    let mut connection = Connection::new(options.address, options.hang * 4);
    let mut turn = first;
    let mut next = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let origin = &options.tenants[turn % options.tenants.len()];
        let request = request(options.address.port(), origin, turn.is_multiple_of(2));
        turn += 1;
        let started = Instant::now();
        let answer = connection.send(&request);
        let took = started.elapsed();
        tally.record(&answer, took, options.hang);
        tally.tenant_latencies_us.push(took.as_micros() as u64);
        if !matches!(&answer, Ok(answer) if answer.allow_origin.as_deref() == Some(origin.as_str())) {
            tally.tenant_refused += 1;
        }
        next += options.tenant_interval;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            thread::sleep(wait);
        } else {
            next = Instant::now();
        }
    }
    tally
}

/// Registers every tenant and asks once from each, so that each is in the store and in the
/// cache before the measurement.
fn prepare(options: &Options) -> Result<(), String> {
    let port = options.address.port();
    let mut connection = Connection::new(options.address, Duration::from_secs(10));
    for tenant in &options.tenants {
        let register = format!(
            "POST /tenants HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/plain\r\n\
             Content-Length: {}\r\n\r\n{tenant}",
            tenant.len()
        );
        match connection.send(register.as_bytes()) {
            Ok(answer) if answer.status == 201 => {}
            Ok(answer) => return Err(format!("registering {tenant}: status {}", answer.status)),
            Err(error) => return Err(format!("registering {tenant}: {error}")),
        }
        match connection.send(&request(port, tenant, true)) {
            Ok(answer) if answer.allow_origin.as_deref() == Some(tenant.as_str()) => {}
            Ok(answer) => {
                return Err(format!("{tenant} is not allowed after registering: status {}", answer.status))
            }
            Err(error) => return Err(format!("asking from {tenant}: {error}")),
        }
    }
    Ok(())
}

fn percentile(sorted: &[u64], fraction: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match Options::parse(&args) {
        Ok(options) => Arc::new(options),
        Err(error) => {
            eprintln!("flood: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = prepare(&options) {
        eprintln!("flood: {error}");
        return ExitCode::FAILURE;
    }

    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for connection in 0..options.flood_connections {
        let (options, stop) = (Arc::clone(&options), Arc::clone(&stop));
        let seed = options.seed.wrapping_add(connection as u64 * 7919);
        workers.push(thread::spawn(move || flood(&options, &stop, seed)));
    }
    for connection in 0..options.tenant_connections {
        let (options, stop) = (Arc::clone(&options), Arc::clone(&stop));
        workers.push(thread::spawn(move || tenants(&options, &stop, connection)));
    }
    thread::sleep(Duration::from_secs_f64(options.seconds));
    stop.store(true, Ordering::Relaxed);
    let mut total = Tally::default();
    for worker in workers {
        total.merge(worker.join().expect("a connection's thread panicked"));
    }

    total.tenant_latencies_us.sort_unstable();
    let latencies = &total.tenant_latencies_us;
    let distinct = total.origins_sent.iter().filter(|sent| **sent).count();
    let [_, s1xx, s2xx, s3xx, s4xx, s5xx] = total.by_class;
    println!(
        "RESULT requests={} tenant_requests={} distinct_origins={distinct} 1xx={s1xx} 2xx={s2xx} 3xx={s3xx} \
         4xx={s4xx} 5xx={s5xx} failed={} hung={} tenant_refused={} tenant_p50_us={} tenant_p99_us={} \
         tenant_max_us={}",
        total.requests,
        latencies.len(),
        total.failed,
        total.hung,
        total.tenant_refused,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies.last().copied().unwrap_or(0),
    );
    ExitCode::SUCCESS
}
