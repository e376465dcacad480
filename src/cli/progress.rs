//! The CLI's progress line for long steps: the step's name, a bar filled by elapsed time over the
//! estimate (`zkonnx::estimate`), redrawn in place while the step runs when stderr is a
//! terminal; one line with the estimate otherwise (logs, CI).

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Progress {
    stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
    pub started: Instant,
}

const WIDTH: usize = 24;

fn line(name: &str, elapsed: f64, estimate: f64) -> String {
    // the bar never shows full before the step ends: an estimate is not a promise
    let frac = (elapsed / estimate.max(1e-3)).min(0.97);
    let fill = (frac * WIDTH as f64).round() as usize;
    format!(
        "\r[{name}] [{}{}] {elapsed:.1} s of ≈ {} ",
        "#".repeat(fill),
        ".".repeat(WIDTH - fill),
        seconds(estimate)
    )
}

/// `≈ 2.1 s`, `≈ 40 s`, `≈ 3 min`
pub fn seconds(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.1} s")
    } else if s < 120.0 {
        format!("{s:.0} s")
    } else {
        format!("{:.0} min", s / 60.0)
    }
}

impl Progress {
    /// Starts the step `name`, estimated to take `estimate` seconds.
    pub fn start(name: &str, estimate: f64) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let tty = std::io::stderr().is_terminal();
        if !tty {
            eprintln!("[{name}] ... (≈ {} estimated)", seconds(estimate));
        }
        let ticker = tty.then(|| {
            let stop = stop.clone();
            let name = name.to_string();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let l = line(&name, started.elapsed().as_secs_f64(), estimate);
                    let _ = std::io::stderr().write_all(l.as_bytes());
                    std::thread::sleep(Duration::from_millis(200));
                }
                // clear the line for what follows
                let blank = format!("\r{}\r", " ".repeat(name.len() + WIDTH + 32));
                let _ = std::io::stderr().write_all(blank.as_bytes());
            })
        });
        Progress {
            stop,
            ticker,
            started,
        }
    }

    /// Ends the step (also on error: dropping it does the same); returns its seconds.
    pub fn finish(mut self) -> f64 {
        self.end();
        self.started.elapsed().as_secs_f64()
    }

    fn end(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_time_and_stops_short_of_full() {
        assert!(line("prove", 0.0, 2.0).contains(&format!("[{}]", ".".repeat(WIDTH))));
        assert!(line("prove", 1.0, 2.0).contains(&format!(
            "[{}{}]",
            "#".repeat(12),
            ".".repeat(12)
        )));
        let over = line("prove", 9.0, 2.0);
        assert!(
            over.contains("9.0 s of ≈ 2.0 s") && over.contains('.'),
            "{over}"
        );
        assert_eq!(seconds(45.2), "45 s");
        assert_eq!(seconds(600.0), "10 min");
    }
}
