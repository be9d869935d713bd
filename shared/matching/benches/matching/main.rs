//! `make bench`: quality and speed of the matchmaking engine on generated populations of 1k,
//! 10k and 100k people, beside a random feasible grouping and a simple greedy one.
//!
//! For each size it prints, per algorithm: feasibility (checked independently by
//! `circle_matching::verify`), people placed, mean group score, objective and time; then when
//! the engine's phases ended and the CPU time it used, the ratio of the objectives, how many of
//! the unplaced people one move (join, new group, swap) could place (checked independently by
//! `circle_matching::augmenting_moves`), how many could have formed a group on their own and
//! how many a regrouping of up to five of their eight nearest groups could place (searched
//! exhaustively by `circle_matching::placing_regroupings`), whether the time limit cut a phase short (only then may the result depend on the machine's
//! speed), whether a second run with the same seed gives the identical result, the time of the tool's
//! whole path (parse, match, render), and for 1k and 10k what an extended search (ten times the
//! time up to a minute, twice the neighbourhoods, ruin and recreate, ten times the reshuffles) still finds.
//!
//! `cargo bench -p circle-matching --bench matching -- 1000 10000` runs chosen sizes only;
//! `--extended` runs the extended search at every size (about a minute more for 100k);
//! `--time-limit SECONDS` replaces the 10 s (to see what a converged search reaches).

mod baselines;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use circle_matching::feasibility::{MIN_GROUP, feasible_group_exists};
use circle_matching::generate::realistic_population;
use circle_matching::{
    Augmentation, Candidate, Group, MatchConfig, Matching, Population, Progress, augmenting_moves,
    evaluate, improve, match_candidates, parse_candidates, placing_regroupings, render, verify,
    verify_groups,
};
use serde_json::json;

const SEED: u64 = 42;
/// The target for 100k people.
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// Sizes whose result gets the extended search unless `--extended` asks for every size.
const EXTENDED_UP_TO: usize = 10_000;
/// Most groups regrouped with each person left out by the exhaustive check.
const REGROUPED: usize = 5;
/// The longest extended search.
const EXTENDED_LIMIT: Duration = Duration::from_secs(60);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let extended_always = args.iter().any(|arg| arg == "--extended");
    let time_limit = args
        .iter()
        .position(|arg| arg == "--time-limit")
        .and_then(|k| args.get(k + 1))
        .map_or(TIME_LIMIT, |seconds| {
            Duration::from_secs_f64(seconds.parse().expect("--time-limit takes seconds"))
        });
    let mut sizes: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|&(k, _)| k == 0 || args[k - 1] != "--time-limit")
        .filter_map(|(_, arg)| arg.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000, 100_000];
    }
    let threads = MatchConfig::default().threads;
    println!("circle-match benchmark: seed {SEED}, {threads} threads, time limit {time_limit:?}");
    for size in sizes {
        bench_size(size, time_limit, extended_always);
    }
}

fn bench_size(size: usize, time_limit: Duration, extended_always: bool) {
    let candidates = realistic_population(size, SEED);
    println!("\n== {size} people ==");
    println!(
        "{:<16} {:>9} {:>17} {:>10} {:>11} {:>8}",
        "algorithm", "feasible", "placed", "mean score", "objective", "time"
    );
    let config = MatchConfig {
        seed: SEED,
        time_limit,
        ..MatchConfig::default()
    };
    let events: Mutex<Vec<(Duration, Progress)>> = Mutex::new(Vec::new());
    let cpu_before = cpu_time();
    let started = Instant::now();
    let ours = match_candidates(&candidates, &config, &|event| {
        let at = started.elapsed();
        events.lock().expect("events lock").push((at, event));
    });
    let our_time = started.elapsed();
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let violations = verify(&candidates, &ours);
    let our_objective = row(
        "circle-match",
        &candidates,
        &ours.groups,
        violations.len(),
        our_time,
    );
    let events = events.into_inner().expect("events lock");

    let started = Instant::now();
    let random = baselines::random_grouping(&candidates, SEED);
    let random_time = started.elapsed();
    let violations = verify_groups(&candidates, &random).len();
    let random_objective = row(
        "random feasible",
        &candidates,
        &random,
        violations,
        random_time,
    );

    let started = Instant::now();
    let greedy = baselines::greedy_grouping(&candidates);
    let greedy_time = started.elapsed();
    let violations = verify_groups(&candidates, &greedy).len();
    let greedy_objective = row(
        "simple greedy",
        &candidates,
        &greedy,
        violations,
        greedy_time,
    );

    println!(
        "objective ratio: {:.3}x the random grouping, {:.3}x the greedy one",
        our_objective / random_objective,
        our_objective / greedy_objective
    );
    phases(&events, our_time, cpu);
    unplaced_report(&candidates, &ours);
    let again_cut = AtomicBool::new(false);
    let again = match_candidates(&candidates, &config, &|event| {
        if event == Progress::CutShort {
            again_cut.store(true, Ordering::Relaxed);
        }
    });
    println!(
        "second run with the same seed: {}{}",
        if again == ours {
            "identical"
        } else {
            "DIFFERENT"
        },
        if again_cut.load(Ordering::Relaxed) {
            " (the time limit cut a phase of the second run)"
        } else {
            ""
        }
    );
    tool_path(&candidates, &config);
    if size <= EXTENDED_UP_TO || extended_always {
        extended_search(&candidates, &ours, our_time);
    }
}

/// Prints one algorithm's figures and returns its objective.
fn row(
    name: &str,
    candidates: &[Candidate],
    groups: &[Group],
    violations: usize,
    time: Duration,
) -> f64 {
    let evaluation = evaluate(candidates, groups);
    let feasible = if violations == 0 {
        "100%".to_owned()
    } else {
        format!("{violations} BAD")
    };
    println!(
        "{:<16} {:>9} {:>8} ({:>5.1}%) {:>10.4} {:>11.1} {:>7.2}s",
        name,
        feasible,
        evaluation.placed,
        100.0 * evaluation.placed as f64 / candidates.len() as f64,
        evaluation.mean_group_score,
        evaluation.objective,
        time.as_secs_f64()
    );
    evaluation.objective
}

/// When the engine's phases ended (the slices and the search of the largest region), and the
/// CPU time of the whole call.
fn phases(events: &[(Duration, Progress)], total: Duration, cpu: Option<Duration>) {
    let at = |wanted: &dyn Fn(&Progress) -> bool| {
        events
            .iter()
            .rev()
            .find(|(_, e)| wanted(e))
            .map_or("-".to_owned(), |(t, _)| format!("{:.2}s", t.as_secs_f64()))
    };
    let largest = events
        .iter()
        .find_map(|(_, e)| match e {
            Progress::Regions { largest, .. } => Some(*largest),
            _ => None,
        })
        .unwrap_or(0);
    let cpu = cpu.map_or("-".to_owned(), |c| format!("{:.2}s", c.as_secs_f64()));
    let cut = if events.iter().any(|(_, e)| *e == Progress::CutShort) {
        "YES (the result depends on the machine's speed)"
    } else {
        "no"
    };
    println!(
        "phases ended at: neighbours {}, slices {}, placing {}, search {} (largest region, {largest} people), all {:.2}s; CPU {cpu}; time limit cut a phase: {cut}",
        at(&|e| matches!(e, Progress::Regions { .. })),
        at(&|e| matches!(e, Progress::Slices { .. })),
        at(&|e| matches!(e, Progress::Searching { people } if *people == largest)),
        at(&|e| matches!(e, Progress::Finishing { people } if *people == largest)),
        total.as_secs_f64(),
    );
}

/// User plus system time of this process, from `/proc/self/stat` (Linux; `None` elsewhere).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime and stime are the 12th
    // and 13th, in clock ticks of 1/100 s.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Why people were left out; how many of them one move could place (must be none); and how
/// many could form some group on their own (ignoring everyone else's placement): an upper bound
/// on the people a better grouping could add.
fn unplaced_report(candidates: &[Candidate], matching: &Matching) {
    let mut moves: BTreeMap<&str, usize> = BTreeMap::new();
    let mut undecided_moves = 0;
    for found in augmenting_moves(candidates, matching) {
        match found {
            Some(Some(Augmentation::Join)) => *moves.entry("join").or_default() += 1,
            Some(Some(Augmentation::Form)) => *moves.entry("form").or_default() += 1,
            Some(Some(Augmentation::Swap)) => *moves.entry("swap").or_default() += 1,
            Some(None) => {}
            None => undecided_moves += 1,
        }
    }
    println!(
        "unplaced people one move could place: {} {moves:?} ({undecided_moves} undecided)",
        moves.values().sum::<usize>()
    );
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for person in &matching.unmatched {
        *reasons.entry(person.reason.code()).or_default() += 1;
    }
    let population = Population::new(candidates);
    let index: BTreeMap<&str, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.user_id(), i))
        .collect();
    let mut found = Vec::new();
    let mut could = 0;
    let mut unknown = 0;
    for person in &matching.unmatched {
        let x = index[person.user_id.as_str()];
        population.nearest_reachable(x, 4096, &mut found);
        let pool: Vec<u32> = found
            .iter()
            .copied()
            .filter(|&j| !population.avoids(x, j as usize))
            .collect();
        if pool.len() + 1 < MIN_GROUP {
            continue;
        }
        match feasible_group_exists(&population, x, &pool) {
            Some(true) => could += 1,
            Some(false) => {}
            None => unknown += 1,
        }
    }
    println!(
        "unplaced: {} {:?}; of them {could} could form a group on their own ({unknown} undecided)",
        matching.unmatched.len(),
        reasons
    );
    let started = Instant::now();
    let regroupings = placing_regroupings(candidates, matching, REGROUPED);
    println!(
        "unplaced people a regrouping of up to {REGROUPED} of their 8 nearest groups could place: {} ({} undecided, {:.1}s)",
        regroupings.iter().filter(|&&r| r == Some(true)).count(),
        regroupings.iter().filter(|r| r.is_none()).count(),
        started.elapsed().as_secs_f64()
    );
}

/// The tool's path on the same people: parse JSON lines, match, render.
fn tool_path(candidates: &[Candidate], config: &MatchConfig) {
    let input: String = candidates.iter().map(json_line).collect();
    let started = Instant::now();
    let parsed = parse_candidates(&input).expect("generated input parses");
    let matching = match_candidates(&parsed, config, &|_| {});
    let output = render(&matching);
    println!(
        "tool path (parse {} lines, match, render {} lines): {:.2}s",
        parsed.len(),
        output.lines().count(),
        started.elapsed().as_secs_f64()
    );
}

/// Ten times the time, twice the neighbourhoods and ruin-and-recreate rounds until the time is
/// up, starting from the engine's result.
fn extended_search(candidates: &[Candidate], start: &Matching, our_time: Duration) {
    let base = MatchConfig::default();
    let config = MatchConfig {
        seed: SEED + 1,
        time_limit: (our_time * 10).clamp(Duration::from_secs(1), EXTENDED_LIMIT),
        neighbourhood: base.neighbourhood * 2,
        per_interest: base.per_interest * 2,
        best_matches: base.best_matches * 2,
        recreate_rounds: 10_000,
        reshuffles: base.reshuffles * 10,
        ..base
    };
    let started = Instant::now();
    let improved = improve(candidates, start, &config, &|_| {});
    let time = started.elapsed();
    let before = evaluate(candidates, &start.groups);
    let after = evaluate(candidates, &improved.groups);
    let violations = verify(candidates, &improved).len();
    println!(
        "extended search ({:.1}s, 2x neighbourhoods, ruin and recreate, 10x reshuffles, {} violations): placed {} -> {}, objective {:.1} -> {:.1} ({:+.2}%)",
        time.as_secs_f64(),
        violations,
        before.placed,
        after.placed,
        before.objective,
        after.objective,
        100.0 * (after.objective / before.objective - 1.0)
    );
}

fn json_line(candidate: &Candidate) -> String {
    let [
        openness,
        conscientiousness,
        extraversion,
        agreeableness,
        neuroticism,
    ] = candidate.traits().values();
    let value = json!({
        "user_id": candidate.user_id(),
        "lat": candidate.location().lat,
        "lng": candidate.location().lng,
        "max_travel_km": candidate.max_travel_km(),
        "traits": {
            "openness": openness,
            "conscientiousness": conscientiousness,
            "extraversion": extraversion,
            "agreeableness": agreeableness,
            "neuroticism": neuroticism,
        },
        "interests": candidate.interests().iter().map(|i| json!({
            "name": i.name,
            "category": i.category.as_str(),
            "level": i.level.as_str(),
        })).collect::<Vec<_>>(),
        "communication_style": candidate.style().as_str(),
        "avoid": candidate.avoid(),
    });
    format!("{value}\n")
}
