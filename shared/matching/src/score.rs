//! Default compatibility of two people and the value of a grouping.
//!
//! pair = 0.5 * interests + 0.35 * traits + 0.15 * style, where interests is the weighted Jaccard
//! over interest names (LOW=1, MEDIUM=2, HIGH=3), traits is 1 - sum |a - b| / 500 and style is 1
//! for equal communication styles, else 0.5. A group scores the mean over its pairs; a grouping's
//! objective is the sum over groups of size times score.

use std::collections::BTreeMap;

use crate::candidate::Candidate;

pub const INTEREST_WEIGHT: f64 = 0.5;
pub const TRAIT_WEIGHT: f64 = 0.35;
pub const STYLE_WEIGHT: f64 = 0.15;

/// The three parts of a pair's compatibility, each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    pub interests: f64,
    pub traits: f64,
    pub style: f64,
}

impl PairScore {
    pub fn total(&self) -> f64 {
        INTEREST_WEIGHT * self.interests + TRAIT_WEIGHT * self.traits + STYLE_WEIGHT * self.style
    }
}

/// Compatibility of two candidates, computed from their names and levels (the reference the
/// checker and the reasons use; the engine uses the equal but faster [`ProfileTable`]).
pub fn pair_score(a: &Candidate, b: &Candidate) -> PairScore {
    let mut weights: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for interest in a.interests() {
        weights.entry(&interest.name).or_default().0 = u32::from(interest.level.weight());
    }
    for interest in b.interests() {
        weights.entry(&interest.name).or_default().1 = u32::from(interest.level.weight());
    }
    let (min_sum, max_sum) = weights
        .values()
        .fold((0, 0), |(lo, hi), &(x, y)| (lo + x.min(y), hi + x.max(y)));
    let interests = if max_sum == 0 {
        0.0
    } else {
        f64::from(min_sum) / f64::from(max_sum)
    };
    PairScore {
        interests,
        traits: trait_similarity(a.traits().values(), b.traits().values()),
        style: if a.style() == b.style() { 1.0 } else { 0.5 },
    }
}

fn trait_similarity(a: [u8; 5], b: [u8; 5]) -> f64 {
    let distance: u32 = a
        .iter()
        .zip(&b)
        .map(|(x, y)| u32::from(x.abs_diff(*y)))
        .sum();
    1.0 - f64::from(distance) / 500.0
}

/// A group's contribution to the objective: size times mean pair score, from the sum of its
/// pair scores (`2 * pair_sum / (size - 1)`).
pub fn group_value(pair_sum: f64, size: usize) -> f64 {
    if size < 2 {
        0.0
    } else {
        2.0 * pair_sum / (size - 1) as f64
    }
}

/// The mean pair score of a group from the sum of its pair scores.
pub fn group_score(pair_sum: f64, size: usize) -> f64 {
    if size < 2 {
        0.0
    } else {
        pair_sum / (size * (size - 1) / 2) as f64
    }
}

/// Compact profiles of a population, scored by index: interest names are interned and each
/// person's (name, weight) pairs are packed into one sorted `u32` run of a shared array, so a
/// pair costs one merge of two short runs.
pub struct ProfileTable {
    profiles: Vec<Profile>,
    /// `name_id << 2 | weight`, sorted by name within each profile.
    interests: Vec<u32>,
    name_count: usize,
    /// Share of a pair's score given to how alike the two are in reliability (0: none).
    reliability_weight: f64,
    /// Each person's sorted indices of the people they both want to meet again.
    connect_again: Vec<Box<[u32]>>,
    /// Share of a pair's score given to whether both want to meet again (0: none).
    connect_again_weight: f64,
}

struct Profile {
    /// One bit per interest name (modulo 64): no common bit, no common interest.
    signature: u64,
    start: u32,
    len: u16,
    weight_sum: u16,
    traits: [u8; 5],
    style: u8,
    reliability: f64,
}

impl ProfileTable {
    pub fn new(candidates: &[&Candidate]) -> Self {
        let mut names: BTreeMap<&str, u32> = BTreeMap::new();
        for candidate in candidates {
            for interest in candidate.interests() {
                let next = names.len() as u32;
                names.entry(&interest.name).or_insert(next);
            }
        }
        let mut interests = Vec::new();
        let profiles = candidates
            .iter()
            .map(|c| {
                let start = interests.len();
                interests.extend(
                    c.interests()
                        .iter()
                        .map(|i| names[i.name.as_str()] << 2 | u32::from(i.level.weight())),
                );
                interests[start..].sort_unstable();
                let weight_sum: u32 = interests[start..].iter().map(|e| e & 3).sum();
                Profile {
                    signature: interests[start..]
                        .iter()
                        .fold(0, |bits, e| bits | 1 << ((e >> 2) % 64)),
                    start: start as u32,
                    len: u16::try_from(interests.len() - start).unwrap_or(u16::MAX),
                    weight_sum: u16::try_from(weight_sum).unwrap_or(u16::MAX),
                    traits: c.traits().values(),
                    style: c.style() as u8,
                    reliability: c.reliability(),
                }
            })
            .collect();
        Self {
            profiles,
            interests,
            name_count: names.len(),
            reliability_weight: 0.0,
            connect_again: Vec::new(),
            connect_again_weight: 0.0,
        }
    }

    /// Blends each pair score with how alike the two are in reliability:
    /// `(1 - weight) * default + weight * (1 - |reliability_a - reliability_b|)`, so people who
    /// show up are grouped together and a no-show spoils fewer groups. 0 keeps the default.
    pub fn weigh_reliability(&mut self, weight: f64) {
        self.reliability_weight = weight.clamp(0.0, 1.0);
    }

    /// After the reliability blend, blends each pair score with whether the two both want to meet
    /// again (`lists[i]`: the sorted indices person `i` has such a wish with):
    /// `(1 - weight) * score + weight * (1 if they do, else 0)`. 0 keeps the score.
    pub fn weigh_connect_again(&mut self, lists: Vec<Box<[u32]>>, weight: f64) {
        self.connect_again = lists;
        self.connect_again_weight = weight.clamp(0.0, 1.0);
    }

    /// The default score of people `a` and `b` blended with the signals that are weighed.
    fn blend(&self, default: f64, (a, pa): (usize, &Profile), (b, pb): (usize, &Profile)) -> f64 {
        let mut score = default;
        if self.reliability_weight != 0.0 {
            let alike = 1.0 - (pa.reliability - pb.reliability).abs();
            score = (1.0 - self.reliability_weight) * score + self.reliability_weight * alike;
        }
        if self.connect_again_weight != 0.0 {
            let again = self.connect_again[a].binary_search(&(b as u32)).is_ok();
            score = (1.0 - self.connect_again_weight) * score
                + self.connect_again_weight * f64::from(u8::from(again));
        }
        score
    }

    /// The pair score of people `a` and `b` (indices into the slice given to `new`).
    pub fn score(&self, a: usize, b: usize) -> f64 {
        let (pa, pb) = (&self.profiles[a], &self.profiles[b]);
        let total = u32::from(pa.weight_sum) + u32::from(pb.weight_sum);
        let interests = if pa.signature & pb.signature == 0 {
            0.0
        } else {
            let common = common_weight(self.run(pa), self.run(pb));
            f64::from(common) / f64::from(total - common)
        };
        let style = if pa.style == pb.style { 1.0 } else { 0.5 };
        let default = INTEREST_WEIGHT * interests
            + TRAIT_WEIGHT * trait_similarity(pa.traits, pb.traits)
            + STYLE_WEIGHT * style;
        self.blend(default, (a, pa), (b, pb))
    }

    /// The pair scores of `a` with each of `others`, equal to [`Self::score`]: `a`'s weights are
    /// spread over `weights` (all zero, `name_count` long, and left so) so that each other
    /// person costs one pass over their own interests instead of a merge.
    pub fn score_each(
        &self,
        a: usize,
        others: &[u32],
        weights: &mut Vec<u8>,
        out: &mut Vec<(f64, u32)>,
    ) {
        weights.resize(self.name_count, 0);
        let pa = &self.profiles[a];
        let run = self.run(pa);
        for &e in run {
            weights[(e >> 2) as usize] = (e & 3) as u8;
        }
        out.extend(others.iter().map(|&b| {
            let pb = &self.profiles[b as usize];
            let interests = if pa.signature & pb.signature == 0 {
                0.0
            } else {
                let common: u32 = self
                    .run(pb)
                    .iter()
                    .map(|&e| u32::from(weights[(e >> 2) as usize].min((e & 3) as u8)))
                    .sum();
                let total = u32::from(pa.weight_sum) + u32::from(pb.weight_sum);
                f64::from(common) / f64::from(total - common)
            };
            let style = if pa.style == pb.style { 1.0 } else { 0.5 };
            let default = INTEREST_WEIGHT * interests
                + TRAIT_WEIGHT * trait_similarity(pa.traits, pb.traits)
                + STYLE_WEIGHT * style;
            (self.blend(default, (a, pa), (b as usize, pb)), b)
        }));
        for &e in run {
            weights[(e >> 2) as usize] = 0;
        }
    }

    /// Interned ids of person `i`'s interest names (ids are below [`Self::name_count`]).
    pub fn interest_ids(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        self.run(&self.profiles[i]).iter().map(|e| e >> 2)
    }

    /// How many distinct interest names the population holds.
    pub fn name_count(&self) -> usize {
        self.name_count
    }

    fn run(&self, profile: &Profile) -> &[u32] {
        let start = profile.start as usize;
        &self.interests[start..start + usize::from(profile.len)]
    }
}

/// Sum over shared names of the smaller weight (sum of max = total - sum of min).
fn common_weight(a: &[u32], b: &[u32]) -> u32 {
    let (mut i, mut j, mut sum) = (0, 0, 0u32);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        let (nx, ny) = (x >> 2, y >> 2);
        if nx == ny {
            sum += (x & 3).min(y & 3);
        }
        i += usize::from(nx <= ny);
        j += usize::from(ny <= nx);
    }
    sum
}
