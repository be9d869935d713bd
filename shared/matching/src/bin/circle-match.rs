//! circle-match: forms tribes from a JSON-lines file of candidates.
//!
//! circle-match --input candidates.jsonl --output groups.jsonl [--time-limit SECONDS] [--seed N]
//!
//! Bad input stops the run with the line and field at fault, and nothing is written; the output
//! is written to a temporary file beside the target and renamed into place at the end.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use circle_matching::{MatchConfig, Progress, match_candidates, parse_candidates, render};

const USAGE: &str = "usage: circle-match --input CANDIDATES.jsonl --output GROUPS.jsonl \
[--time-limit SECONDS] [--seed N]

  --input        one candidate per line (JSON)
  --output       one group or unmatched person per line (JSON); replaced only on success
  --time-limit   wall-clock budget in seconds, reading and writing included (default 10)
  --seed         seed of the random choices; same seed, same result (default 0)";

/// Share of the time limit kept for rendering and writing the result (the engine keeps its own
/// share for choosing meeting points).
const FINISHING_SHARE: f64 = 0.05;

struct Args {
    input: PathBuf,
    output: PathBuf,
    time_limit: Duration,
    seed: u64,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("circle-match: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let started = Instant::now();
    let Some(args) = parse_args(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let text = fs::read_to_string(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let candidates = parse_candidates(&text)
        .with_context(|| format!("bad input in {}", args.input.display()))?;
    eprintln!(
        "circle-match: {} candidates read in {:.1}s",
        candidates.len(),
        started.elapsed().as_secs_f64()
    );

    let budget = args.time_limit.mul_f64(1.0 - FINISHING_SHARE);
    let config = MatchConfig {
        seed: args.seed,
        time_limit: budget.saturating_sub(started.elapsed()),
        ..MatchConfig::default()
    };
    // Reports at most once a second, from the first second on.
    let last_report = Mutex::new(started);
    let report = |progress: Progress| {
        if progress == Progress::CutShort {
            eprintln!(
                "circle-match: the time limit cut the search short; another run with the same seed may differ"
            );
            return;
        }
        let mut last = last_report.lock().expect("progress lock");
        if last.elapsed() < Duration::from_secs(1) {
            return;
        }
        *last = Instant::now();
        let elapsed = started.elapsed().as_secs_f64();
        let what = match progress {
            Progress::Neighbours { people } => format!("finding the neighbours of {people} people"),
            Progress::Regions { regions, largest } => {
                format!("grouping {regions} regions, the largest of {largest} people")
            }
            Progress::Slices { done, slices } => {
                format!("grouped {done} of {slices} slices of the largest region")
            }
            Progress::Searching { people } => {
                format!("improving the groups of a region of {people} people")
            }
            Progress::Finishing { people } => {
                format!("describing the groups of a region of {people} people")
            }
            Progress::Grouping { done, total } => {
                format!("grouped the regions of {done} of {total} people")
            }
            Progress::CutShort => return,
        };
        eprintln!("circle-match: {elapsed:.1}s: {what}");
    };
    let matching = match_candidates(&candidates, &config, &report);
    write_atomically(&args.output, render(&matching).as_bytes())?;

    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for person in &matching.unmatched {
        *reasons.entry(person.reason.code()).or_default() += 1;
    }
    eprintln!(
        "circle-match: {} groups, {} of {} placed, objective {:.2}, {:.1}s; unmatched: {:?}",
        matching.groups.len(),
        matching.placed(),
        candidates.len(),
        matching.objective(),
        started.elapsed().as_secs_f64(),
        reasons
    );
    Ok(())
}

/// `None` when help was asked for.
fn parse_args(mut args: impl Iterator<Item = String>) -> anyhow::Result<Option<Args>> {
    let mut input = None;
    let mut output = None;
    let mut time_limit = Duration::from_secs(10);
    let mut seed = 0;
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let Some(value) = args.next() else {
            bail!("{flag} needs a value\n{USAGE}");
        };
        match flag.as_str() {
            "--input" => input = Some(PathBuf::from(value)),
            "--output" => output = Some(PathBuf::from(value)),
            "--time-limit" => {
                let seconds: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .with_context(|| format!("--time-limit {value}: expected positive seconds"))?;
                time_limit = Duration::from_secs_f64(seconds);
            }
            "--seed" => {
                seed = value
                    .parse()
                    .with_context(|| format!("--seed {value}: expected a whole number"))?
            }
            _ => bail!("unknown option {flag}\n{USAGE}"),
        }
    }
    match (input, output) {
        (Some(input), Some(output)) => Ok(Some(Args {
            input,
            output,
            time_limit,
            seed,
        })),
        _ => bail!("--input and --output are required\n{USAGE}"),
    }
}

/// Writes beside `path` and renames, so `path` is either untouched or complete.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    let mut temporary_name = name.to_os_string();
    temporary_name.push(format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}
