//! The matchmaking engine: from candidates to groups of 4-8 with a meeting point.
//!
//! 1. Neighbours: for each person the nearest unblocked people within reach (a k-d tree query)
//!    and the most compatible of them.
//! 2. Regions: people linked through neighbour lists; each region is grouped on its own, the
//!    regions spread over the worker threads.
//! 3. Per region: seed groups of four from the hardest-to-place people, repair the leftovers,
//!    split groups of eight, then local search (moves and swaps) to a local optimum, and repair
//!    again with everyone within reach of each leftover; whoever no move places gets the groups
//!    around them ruined and recreated, kept only when that places more people; then the groups
//!    around those still left out are reshuffled, keeping whatever places as many (the grouping
//!    drifts until somebody more fits), and the best grouping met is kept; last, the pocket of
//!    up to 20 groups linked to each person still left out is regrouped exactly when that places
//!    more.
//! 4. Each group gets the meeting point that leaves its worst-off member the most spare travel,
//!    its score and reasons; each leftover a reason code.
//!
//! Everything is deterministic for a seed (seeded ChaCha, no hash-order iteration, searches
//! bounded by a work budget that depends only on the input); only a time limit that actually
//! cuts a phase short (then [`Progress::CutShort`] is sent) makes the result depend on the
//! machine's speed.

mod linked_pocket;
mod local_search;
mod neighbours;
mod recreate;
mod region;
mod regions;
mod repair;
mod reshuffle;
mod ruin_around;
mod seed;
mod unmatched;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::candidate::Candidate;
use crate::geo::LatLng;
use crate::grouping::{Group, Matching, Unmatched};
use crate::meeting::{Reach, best_point, worst_excess};
use crate::population::Population;
use neighbours::{Limits, Neighbours};
use region::{MIN_SIZE, Region};
use repair::{LastResort, Memo, Pool};

#[derive(Debug, Clone)]
pub struct MatchConfig {
    /// Seed of every random choice; the same seed gives the same result.
    pub seed: u64,
    /// Wall-clock budget of the whole run (neighbour lists are always completed).
    pub time_limit: Duration,
    /// Worker threads.
    pub threads: usize,
    /// Nearest reachable people kept per person (for placing people and repairs).
    pub neighbourhood: usize,
    /// Nearest reachable people sharing each interest, as candidates for the best matches.
    pub per_interest: usize,
    /// Most compatible neighbours per person the seeding and the moves look at.
    pub best_matches: usize,
    /// Ruin-and-recreate rounds per person after the local search (0: none). A deeper but
    /// slower search, for measuring how close the normal result is to a deeper optimum.
    pub recreate_rounds: usize,
    /// Reshuffles of the groups around each person still left out at the end who could form a
    /// group (0: none); they place more people where groups barely form.
    pub reshuffles: usize,
    /// Most groups in the pocket regrouped exactly around each person still left out at the
    /// end (0: none); larger pockets place people through longer chains of changes, at a cost
    /// that grows quickly.
    pub pocket_groups: usize,
    /// Share of each pair score given to how alike the two are in reliability
    /// ([`Candidate::reliability`]), in 0..=1; 0 (the default) optimises the default score only.
    /// Groups still report the default score.
    pub reliability_weight: f64,
    /// Share of each pair score given to whether the two both want to meet again
    /// ([`Candidate::connect_again`]), in 0..=1; 0 (the default) ignores it. Groups still report
    /// the default score.
    pub connect_again_weight: f64,
}

impl Default for MatchConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            time_limit: Duration::from_secs(10),
            threads: thread::available_parallelism().map_or(1, |n| n.get()),
            neighbourhood: 64,
            per_interest: 64,
            best_matches: 24,
            recreate_rounds: 0,
            reshuffles: 30,
            pocket_groups: 20,
            reliability_weight: 0.0,
            connect_again_weight: 0.0,
        }
    }
}

/// What the engine is doing, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Neighbour lists are being computed for `people`.
    Neighbours { people: usize },
    /// The people fall into `regions` grouped independently, the largest of `largest` people.
    Regions { regions: usize, largest: usize },
    /// `done` of the `slices` of a large region are grouped.
    Slices { done: usize, slices: usize },
    /// A region of `people` has placed whom it could and starts the search.
    Searching { people: usize },
    /// A region of `people` has finished the search and describes its groups.
    Finishing { people: usize },
    /// `done` of `total` people have their region grouped.
    Grouping { done: usize, total: usize },
    /// The time limit cut a phase short (sent at the end): the result depends on the machine's
    /// speed, and another run with the same seed may differ.
    CutShort,
}

/// Groups `candidates` (distinct user ids, as [`crate::parse_candidates`] guarantees).
pub fn match_candidates(
    candidates: &[Candidate],
    config: &MatchConfig,
    progress: &(dyn Fn(Progress) + Sync),
) -> Matching {
    run(candidates, config, None, progress)
}

/// Continues from `start` (a feasible grouping of the same candidates): places whom it can and
/// runs the local search from there. Used to measure how much a longer search still finds.
pub fn improve(
    candidates: &[Candidate],
    start: &Matching,
    config: &MatchConfig,
    progress: &(dyn Fn(Progress) + Sync),
) -> Matching {
    run(candidates, config, Some(start), progress)
}

/// Share of the time limit the neighbour lists may take with every interest looked up; people
/// after it get their best matches from their nearest people only.
const NEIGHBOUR_SHARE: f64 = 0.45;
/// Share of the time limit kept after the search for placing the last people and describing
/// the groups.
const FINISHING_SHARE: f64 = 0.1;
/// Share of the search time left that the slices of a large region may take; the rest is for
/// the people along the cuts.
const SLICE_SHARE: f64 = 0.8;

/// The deadlines of a run: the search (moves that only raise the objective) stops at
/// `search_until`, so that placing people and describing groups fit before `deadline`.
/// A safety net: the search normally ends by its work budget first. Whether the clock stopped
/// anything is recorded in `cut`.
pub(crate) struct Clock {
    search_until: Instant,
    deadline: Instant,
    cut: Arc<AtomicBool>,
}

impl Clock {
    /// The end of the whole call has come: only what is needed for a valid result runs.
    pub(crate) fn expired(&self) -> bool {
        self.note(Instant::now() >= self.deadline)
    }

    /// The search must stop.
    pub(crate) fn search_over(&self) -> bool {
        self.note(Instant::now() >= self.search_until)
    }

    fn note(&self, over: bool) -> bool {
        if over {
            self.cut.store(true, Ordering::Relaxed);
        }
        over
    }

    /// Whether the clock stopped some work.
    fn cut(&self) -> bool {
        self.cut.load(Ordering::Relaxed)
    }

    /// The same deadline, with the search ending after `share` of the search time left.
    fn sooner(&self, share: f64) -> Clock {
        let now = Instant::now();
        Clock {
            search_until: now
                + self
                    .search_until
                    .saturating_duration_since(now)
                    .mul_f64(share),
            deadline: self.deadline,
            cut: Arc::clone(&self.cut),
        }
    }
}

fn run(
    candidates: &[Candidate],
    config: &MatchConfig,
    start: Option<&Matching>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Matching {
    let started = Instant::now();
    let clock = Clock {
        search_until: started + config.time_limit.mul_f64(1.0 - FINISHING_SHARE),
        deadline: started + config.time_limit,
        cut: Arc::default(),
    };
    let threads = config.threads.max(1);
    let mut population = Population::spatially_ordered(candidates);
    population.weigh_reliability(config.reliability_weight);
    population.weigh_connect_again(config.connect_again_weight);
    progress(Progress::Neighbours {
        people: population.len(),
    });
    let limits = Limits {
        near: config.neighbourhood,
        per_interest: config.per_interest,
        best: config.best_matches,
    };
    let full_lists_until = started + config.time_limit.mul_f64(NEIGHBOUR_SHARE);
    let neighbours = Neighbours::compute(&population, limits, threads, full_lists_until);
    let initial = start
        .map(|m| start_groups(&population, m))
        .unwrap_or_default();
    let links: Vec<Vec<usize>> = initial.iter().map(|(members, _)| members.clone()).collect();
    let (regions, local_index) = regions::partition(population.len(), &neighbours, &links);
    progress(Progress::Regions {
        regions: regions.len(),
        largest: regions.iter().map(Vec::len).max().unwrap_or(0),
    });

    let initial_by_region: Vec<Mutex<Vec<StartGroup>>> =
        regions.iter().map(|_| Mutex::new(Vec::new())).collect();
    let mut region_of = vec![0; population.len()];
    for (r, people) in regions.iter().enumerate() {
        for &p in people {
            region_of[p as usize] = r;
        }
    }
    for group in initial {
        initial_by_region[region_of[group.0[0]]]
            .lock()
            .expect("start groups lock")
            .push(group);
    }

    // Largest regions first, so the threads finish together.
    let mut schedule: Vec<usize> = (0..regions.len()).collect();
    schedule.sort_by_key(|&r| (std::cmp::Reverse(regions[r].len()), r));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let outcomes: Vec<Mutex<Option<Outcome>>> = regions.iter().map(|_| Mutex::new(None)).collect();
    let work = Work {
        population: &population,
        neighbours: &neighbours,
        local_index: &local_index,
        config,
        clock: &clock,
        progress,
    };
    thread::scope(|scope| {
        for _ in 0..threads.min(regions.len()) {
            scope.spawn(|| {
                while let Some(&r) = schedule.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let start = std::mem::take(
                        &mut *initial_by_region[r].lock().expect("start groups lock"),
                    );
                    let outcome = work.region(regions[r].clone(), start);
                    *outcomes[r].lock().expect("outcome lock") = Some(outcome);
                    let size = regions[r].len();
                    progress(Progress::Grouping {
                        done: done.fetch_add(size, Ordering::Relaxed) + size,
                        total: population.len(),
                    });
                }
            });
        }
    });

    let mut groups: Vec<(usize, Group)> = Vec::new();
    let mut unmatched: Vec<(usize, Unmatched)> = Vec::new();
    for outcome in outcomes {
        let outcome = outcome
            .into_inner()
            .expect("outcome lock")
            .expect("every region is processed");
        groups.extend(outcome.groups);
        unmatched.extend(outcome.unmatched);
    }
    if clock.cut() || neighbours.cut() {
        progress(Progress::CutShort);
    }
    groups.sort_by_key(|(first, _)| *first);
    unmatched.sort_by_key(|(i, _)| *i);
    Matching {
        groups: groups.into_iter().map(|(_, g)| g).collect(),
        unmatched: unmatched.into_iter().map(|(_, u)| u).collect(),
    }
}

/// Groups of a region described on several threads from this many on.
const PARALLEL_DESCRIPTIONS: usize = 2_000;

/// Regions larger than this are grouped in slices of at most this many people, in parallel.
const PART_SIZE: usize = 50_000;

/// Members (global indices) and meeting point of a group given as a start.
type StartGroup = (Vec<usize>, LatLng);

/// A slice's groups and whether it was grouped completely in time.
type SliceResult = (Vec<StartGroup>, bool);

fn start_groups(population: &Population, start: &Matching) -> Vec<StartGroup> {
    let by_id: HashMap<&str, usize> = (0..population.len())
        .map(|i| (population.candidate(i).user_id(), i))
        .collect();
    start
        .groups
        .iter()
        .map(|g| {
            let members = g
                .members
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect();
            (members, g.meeting_point)
        })
        .filter(|(members, _): &StartGroup| !members.is_empty())
        .collect()
}

/// What one region contributes, keyed by global index (a group by its first member).
struct Outcome {
    groups: Vec<(usize, Group)>,
    unmatched: Vec<(usize, Unmatched)>,
}

/// Shared, read-only inputs of the region workers.
struct Work<'a> {
    population: &'a Population<'a>,
    neighbours: &'a Neighbours,
    local_index: &'a [u32],
    config: &'a MatchConfig,
    clock: &'a Clock,
    progress: &'a (dyn Fn(Progress) + Sync),
}

impl Work<'_> {
    fn region(&self, people: Vec<u32>, start: Vec<StartGroup>) -> Outcome {
        let size = people.len();
        if size < MIN_SIZE {
            return Outcome {
                groups: Vec::new(),
                unmatched: people
                    .iter()
                    .map(|&i| self.unmatched(i as usize, size, false))
                    .collect(),
            };
        }
        let salt = u64::from(people[0]).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut rng = ChaCha8Rng::seed_from_u64(self.config.seed ^ salt);
        let (start, mut complete, focus) = if size > PART_SIZE && start.is_empty() {
            let (groups, complete, boundary) = self.in_parts(&people, salt);
            (groups, complete, Some(boundary))
        } else {
            (start, true, None)
        };
        let mut region = Region::new(self.population, self.neighbours, people, &|g| {
            Some(self.local_index[g as usize])
        });
        for (members, point) in start {
            let local = members.iter().map(|&m| self.local_index[m]).collect();
            region.create(local, point);
        }
        let mut memo = Memo::new(size);
        complete = complete && seed::seed(&mut region, &mut rng, self.clock);
        complete = complete
            && repair::repair(
                &mut region,
                self.clock,
                Pool::Near,
                LastResort::Skip,
                &mut memo,
            );
        region.split_large_groups();
        (self.progress)(Progress::Searching { people: size });
        let focus: Option<Vec<u32>> = focus.map(|people| {
            people
                .iter()
                .map(|&g| self.local_index[g as usize])
                .collect()
        });
        local_search::improve(&mut region, &mut rng, self.clock, focus.as_deref());
        local_search::resplit_pairs(&mut region, &mut rng, self.clock, focus.as_deref());
        let rounds = self.config.recreate_rounds * size;
        recreate::recreate(&mut region, &mut rng, self.clock, rounds);
        // Runs even after a cut short placement: whoever it places counts.
        let repaired = repair::repair(
            &mut region,
            self.clock,
            Pool::Wide,
            LastResort::Ruin,
            &mut memo,
        );
        complete = complete && repaired;
        let mut moved = reshuffle::reshuffle(
            &mut region,
            &mut rng,
            self.clock,
            &mut memo,
            self.config.reshuffles,
        );
        moved.extend(linked_pocket::regroup_linked_pockets(
            &mut region,
            self.clock,
            &mut memo,
            self.config.pocket_groups,
        ));
        moved.sort_unstable();
        moved.dedup();
        if !moved.is_empty() {
            local_search::improve(&mut region, &mut rng, self.clock, Some(&moved));
            local_search::resplit_pairs(&mut region, &mut rng, self.clock, Some(&moved));
            // Whoever the reshuffles left out instead may fit somewhere with one move.
            let repaired = repair::repair(
                &mut region,
                self.clock,
                Pool::Wide,
                LastResort::Skip,
                &mut memo,
            );
            complete = complete && repaired;
        }
        region.split_large_groups();

        (self.progress)(Progress::Finishing { people: size });
        let (groups, leftovers) = region.into_plan();
        Outcome {
            groups: self.describe(groups),
            unmatched: leftovers
                .into_iter()
                .map(|i| self.unmatched(i, size, !complete))
                .collect(),
        }
    }

    /// Groups a large region as compact slices of at most [`PART_SIZE`] people on the worker
    /// threads, cutting the links between slices. The slicing does not depend on the number of threads, so neither does
    /// the result. Returns the groups, whether every slice finished in time, and the people with
    /// links across a cut (global indices), whom the caller's local search looks at again.
    fn in_parts(&self, people: &[u32], salt: u64) -> (Vec<StartGroup>, bool, Vec<u32>) {
        let slices = self.slices(people);
        // Slice and place in the slice of each person, by region-local index.
        let mut place = vec![(0usize, 0u32); people.len()];
        for (p, slice) in slices.iter().enumerate() {
            for (k, &g) in slice.iter().enumerate() {
                place[self.local_index[g as usize] as usize] = (p, k as u32);
            }
        }
        let parts = slices.len();
        let slice_of = |g: u32| place[self.local_index[g as usize] as usize];
        let results: Vec<Mutex<Option<SliceResult>>> =
            slices.iter().map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let clock = self.clock.sooner(SLICE_SHARE);
        thread::scope(|scope| {
            for _ in 0..self.config.threads.clamp(1, parts) {
                scope.spawn(|| {
                    while let Some(p) =
                        Some(next.fetch_add(1, Ordering::Relaxed)).filter(|&p| p < parts)
                    {
                        let slice = &slices[p];
                        let local = |g: u32| {
                            let (q, l) = slice_of(g);
                            (q == p).then_some(l)
                        };
                        let mut region =
                            Region::new(self.population, self.neighbours, slice.to_vec(), &local);
                        let mut rng =
                            ChaCha8Rng::seed_from_u64(self.config.seed ^ salt ^ (p as u64 + 1));
                        let mut memo = Memo::new(slice.len());
                        let mut complete = seed::seed(&mut region, &mut rng, &clock);
                        complete = complete
                            && repair::repair(
                                &mut region,
                                &clock,
                                Pool::Near,
                                LastResort::Skip,
                                &mut memo,
                            );
                        region.split_large_groups();
                        local_search::improve(&mut region, &mut rng, &clock, None);
                        local_search::resplit_pairs(&mut region, &mut rng, &clock, None);
                        region.split_large_groups();
                        let (groups, _) = region.into_plan();
                        *results[p].lock().expect("slice lock") = Some((groups, complete));
                        (self.progress)(Progress::Slices {
                            done: done.fetch_add(1, Ordering::Relaxed) + 1,
                            slices: parts,
                        });
                    }
                });
            }
        });
        let results: Vec<SliceResult> = results
            .into_iter()
            .map(|r| {
                r.into_inner()
                    .expect("slice lock")
                    .expect("every slice is grouped")
            })
            .collect();
        let complete = results.iter().all(|(_, c)| *c);
        let groups = results.into_iter().flat_map(|(g, _)| g).collect();
        let boundary = people
            .iter()
            .copied()
            .filter(|&g| {
                let own = slice_of(g).0;
                let neighbours = self.neighbours;
                neighbours
                    .near(g as usize)
                    .iter()
                    .chain(neighbours.best(g as usize))
                    .any(|&j| slice_of(j).0 != own)
            })
            .collect();
        (groups, complete, boundary)
    }

    /// Each group's first input index and description, on the worker threads for many groups.
    fn describe(&self, groups: Vec<StartGroup>) -> Vec<(usize, Group)> {
        let describe = |part: &[StartGroup]| -> Vec<(usize, Group)> {
            part.iter()
                .map(|(members, point)| {
                    (
                        self.first_input_index(members),
                        self.finish(members, *point),
                    )
                })
                .collect()
        };
        if groups.len() < PARALLEL_DESCRIPTIONS {
            return describe(&groups);
        }
        let chunk = groups.len().div_ceil(self.config.threads.max(1));
        thread::scope(|scope| {
            let workers: Vec<_> = groups
                .chunks(chunk)
                .map(|part| scope.spawn(move || describe(part)))
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("description worker panicked"))
                .collect()
        })
    }

    /// The final meeting point (most spare travel for the worst-off member, rounded to 1e-6
    /// degrees when that keeps everyone within reach), score and reasons.
    fn finish(&self, members: &[usize], point: LatLng) -> Group {
        let reach: Vec<Reach> = members.iter().map(|&m| self.population.reach(m)).collect();
        let best = best_point(&reach).unwrap_or(point);
        let rounded = LatLng {
            lat: (best.lat * 1e6).round() / 1e6,
            lng: (best.lng * 1e6).round() / 1e6,
        };
        let point = if worst_excess(rounded, &reach) <= 0.0 {
            rounded
        } else {
            best
        };
        Group::describe(self.population, members, point)
    }

    /// Cuts `people` in halves at the median longitude, then each half at its median latitude,
    /// and so on, until the slices hold at most [`PART_SIZE`] people: compact areas with short
    /// borders. Each slice is ascending.
    fn slices(&self, people: &[u32]) -> Vec<Vec<u32>> {
        let mut slices = vec![people.to_vec()];
        let mut by_longitude = true;
        while slices.iter().any(|s| s.len() > PART_SIZE) {
            slices = slices
                .into_iter()
                .flat_map(|mut slice| {
                    let at = |g: u32| self.population.candidate(g as usize).location();
                    let key = |g: u32| if by_longitude { at(g).lng } else { at(g).lat };
                    slice.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
                    let second = slice.split_off(slice.len() / 2);
                    [slice, second]
                })
                .collect();
            by_longitude = !by_longitude;
        }
        for slice in &mut slices {
            slice.sort_unstable();
        }
        slices
    }

    fn first_input_index(&self, members: &[usize]) -> usize {
        members
            .iter()
            .map(|&m| self.population.input_index(m))
            .min()
            .unwrap_or(usize::MAX)
    }

    fn unmatched(&self, i: usize, region_size: usize, cut: bool) -> (usize, Unmatched) {
        (
            self.population.input_index(i),
            Unmatched {
                user_id: self.population.candidate(i).user_id().to_owned(),
                reason: unmatched::classify(self.population, self.neighbours, region_size, i, cut),
            },
        )
    }
}
