//! Realistic synthetic populations for the benchmark and the tests.
//!
//! Cities of Zipf-distributed sizes (a dense core with Gaussian spread and a wider suburb ring),
//! sparse rural people spread over the whole area and a few remote ones; travel limits of
//! 5-50 km (short in city cores, long in the countryside); interests drawn from a Zipf-like
//! popularity with favourite categories per person, so there are popular and rare interests;
//! OCEAN traits correlated through two latent factors, a communication style that follows the
//! traits; and some short avoid lists among people of the same area. Same size and seed, same
//! population.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::candidate::{
    Candidate, CommunicationStyle, Interest, InterestCategory, InterestLevel, Traits,
};
use crate::geo::LatLng;

const KM_PER_DEGREE: f64 = 111.195;
const CENTRE: LatLng = LatLng {
    lat: 47.0,
    lng: 8.0,
};

/// Interest names per category (in [`InterestCategory::ALL`] order); each list is padded with
/// rarer numbered variants.
const NAMES: [&[&str]; 8] = [
    &[
        "hiking",
        "camping",
        "climbing",
        "kayaking",
        "cycling",
        "trail running",
        "skiing",
        "birdwatching",
        "sailing",
        "fishing",
    ],
    &[
        "museums",
        "painting",
        "photography",
        "theatre",
        "live music",
        "cinema",
        "poetry",
        "sketching",
        "pottery",
        "jazz",
    ],
    &[
        "cooking",
        "wine tasting",
        "street food",
        "baking",
        "coffee",
        "vegan food",
        "craft beer",
        "brunch",
        "tea",
        "fermenting",
    ],
    &[
        "running",
        "yoga",
        "football",
        "tennis",
        "swimming",
        "gym",
        "basketball",
        "padel",
        "volleyball",
        "martial arts",
    ],
    &[
        "board games",
        "video games",
        "trivia nights",
        "karaoke",
        "escape rooms",
        "chess",
        "tabletop rpg",
        "stand-up comedy",
        "dancing",
        "puzzles",
    ],
    &[
        "languages",
        "book club",
        "history",
        "philosophy",
        "science talks",
        "writing",
        "economics",
        "astronomy",
        "psychology",
        "public speaking",
    ],
    &[
        "programming",
        "ai",
        "robotics",
        "gadgets",
        "3d printing",
        "open source",
        "startups",
        "electronics",
        "crypto",
        "home automation",
    ],
    &[
        "meditation",
        "mindfulness",
        "journaling",
        "breathwork",
        "tai chi",
        "nature walks",
        "spa days",
        "retreats",
        "sound baths",
        "self-care",
    ],
];
const RARE_PER_CATEGORY: usize = 15;

/// A population of `people` candidates; the area grows with the size so density stays similar.
pub fn realistic_population(people: usize, seed: u64) -> Vec<Candidate> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let vocabulary = Vocabulary::new(&mut rng);
    let places = places(people, &mut rng);
    let mut order: Vec<usize> = (0..people).collect();
    order.shuffle(&mut rng);
    let ids: Vec<String> = (0..people).map(|i| format!("u{:06}", order[i])).collect();

    // Avoid lists point at people of the same area (city or countryside).
    let mut by_area: Vec<Vec<usize>> = Vec::new();
    for (i, place) in places.iter().enumerate() {
        if by_area.len() <= place.area {
            by_area.resize(place.area + 1, Vec::new());
        }
        by_area[place.area].push(i);
    }

    let mut candidates: Vec<Candidate> = (0..people)
        .map(|i| {
            let place = &places[i];
            let (traits, style) = personality(&mut rng);
            let interests = vocabulary.interests(&mut rng);
            let mut avoid = Vec::new();
            if rng.random_bool(0.04) {
                let neighbours = &by_area[place.area];
                for _ in 0..rng.random_range(1..=3) {
                    let j = neighbours[rng.random_range(0..neighbours.len())];
                    if j != i {
                        avoid.push(ids[j].clone());
                    }
                }
            }
            Candidate::new(
                ids[i].clone(),
                place.at,
                place.travel_km,
                traits,
                interests,
                style,
                avoid,
            )
            .expect("generated values are valid")
        })
        .collect();
    candidates.sort_by(|a, b| a.user_id().cmp(b.user_id()));
    candidates
}

struct Place {
    at: LatLng,
    travel_km: f64,
    /// City number, or the countryside after the last city.
    area: usize,
}

fn places(people: usize, rng: &mut ChaCha8Rng) -> Vec<Place> {
    let scale = (people as f64 / 100_000.0).sqrt();
    let half_side = (300.0 * scale).max(60.0);
    let cities = ((12.0 * (people as f64 / 100_000.0).powf(0.3)).round() as usize).max(3);
    let weights: Vec<f64> = (1..=cities).map(|k| 1.0 / k as f64).collect();
    let total_weight: f64 = weights.iter().sum();
    let centres: Vec<(f64, f64)> = (0..cities)
        .map(|_| {
            (
                rng.random_range(-0.8..0.8) * half_side,
                rng.random_range(-0.8..0.8) * half_side,
            )
        })
        .collect();
    let urban = (people as f64 * 0.76) as usize;
    let rural = (people as f64 * 0.22) as usize;
    let mut places = Vec::with_capacity(people);
    for (city, &(cx, cy)) in centres.iter().enumerate() {
        let size = if city + 1 == cities {
            urban - places.len().min(urban)
        } else {
            (urban as f64 * weights[city] / total_weight) as usize
        };
        let sigma = 2.5 + 9.0 * (size as f64 / 30_000.0).sqrt().min(1.4);
        for _ in 0..size {
            let suburb = rng.random_bool(0.3);
            let spread = if suburb { sigma * 2.5 } else { sigma };
            let travel = if suburb {
                rng.random_range(8.0..30.0)
            } else {
                rng.random_range(5.0..20.0)
            };
            places.push(Place {
                at: offset(cx + gaussian(rng) * spread, cy + gaussian(rng) * spread),
                travel_km: travel,
                area: city,
            });
        }
    }
    for _ in 0..rural {
        places.push(Place {
            at: offset(
                rng.random_range(-1.0..1.0) * half_side,
                rng.random_range(-1.0..1.0) * half_side,
            ),
            travel_km: rng.random_range(15.0..50.0),
            area: cities,
        });
    }
    while places.len() < people {
        // Remote people, far outside the area.
        let angle = rng.random_range(0.0..std::f64::consts::TAU);
        let distance = half_side * rng.random_range(2.0..4.0);
        places.push(Place {
            at: offset(distance * angle.cos(), distance * angle.sin()),
            travel_km: rng.random_range(5.0..50.0),
            area: cities,
        });
    }
    places
}

fn offset(east_km: f64, north_km: f64) -> LatLng {
    let lat = CENTRE.lat + north_km / KM_PER_DEGREE;
    LatLng {
        lat,
        lng: CENTRE.lng + east_km / (KM_PER_DEGREE * CENTRE.lat.to_radians().cos()),
    }
}

fn gaussian(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Traits from two latent factors (roughly "outgoing" and "steady") plus noise; the style
/// follows the traits.
fn personality(rng: &mut ChaCha8Rng) -> (Traits, CommunicationStyle) {
    let outgoing = gaussian(rng);
    let steady = gaussian(rng);
    let mut trait_value = |a: f64, b: f64| {
        let z = a * outgoing + b * steady + 0.7 * gaussian(rng);
        (50.0 + 18.0 * z).round().clamp(0.0, 100.0) as u8
    };
    let values = [
        trait_value(0.5, 0.1),   // openness
        trait_value(0.0, 0.6),   // conscientiousness
        trait_value(0.7, 0.0),   // extraversion
        trait_value(0.2, 0.4),   // agreeableness
        trait_value(-0.1, -0.6), // neuroticism
    ];
    let [o, c, e, a, n] = values.map(f64::from);
    let leanings = [
        (CommunicationStyle::Direct, e + (100.0 - a) * 0.5),
        (CommunicationStyle::Thoughtful, o + (100.0 - e) * 0.7),
        (CommunicationStyle::Supportive, a * 1.2 + (100.0 - n) * 0.2),
        (CommunicationStyle::Analytical, c + (100.0 - e) * 0.4),
        (CommunicationStyle::Expressive, e * 0.9 + o * 0.5),
    ];
    let style = leanings
        .iter()
        .map(|&(style, lean)| (style, lean + 40.0 * gaussian(rng)))
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(style, _)| style)
        .unwrap_or(CommunicationStyle::Thoughtful);
    (Traits::new(values).expect("traits are clamped"), style)
}

struct Vocabulary {
    /// Names of each category, most popular first.
    names: Vec<Vec<String>>,
    /// Popularity of the categories.
    category_weights: Vec<f64>,
}

impl Vocabulary {
    fn new(rng: &mut ChaCha8Rng) -> Self {
        let names = NAMES
            .iter()
            .map(|common| {
                let mut list: Vec<String> = common.iter().map(|s| (*s).to_owned()).collect();
                list.shuffle(rng);
                let stem = list[0].clone();
                list.extend((1..=RARE_PER_CATEGORY).map(|k| format!("{stem} ({k})")));
                list
            })
            .collect();
        let mut category_weights: Vec<f64> = (0..8).map(|k| 1.0 / (1.0 + k as f64 * 0.4)).collect();
        category_weights.shuffle(rng);
        Self {
            names,
            category_weights,
        }
    }

    fn interests(&self, rng: &mut ChaCha8Rng) -> Vec<Interest> {
        let favourites = [self.category(rng), self.category(rng)];
        let count = 2 + (rng.random::<f64>().powf(1.5) * 7.0) as usize;
        let mut interests: Vec<Interest> = Vec::with_capacity(count);
        let mut attempts = 0;
        while interests.len() < count && attempts < 50 {
            attempts += 1;
            let favourite = rng.random_bool(0.7);
            let category = if favourite {
                favourites[rng.random_range(0..2)]
            } else {
                self.category(rng)
            };
            let names = &self.names[category];
            let name = &names[zipf(rng, names.len(), 1.1)];
            if interests.iter().any(|i| &i.name == name) {
                continue;
            }
            let roll: f64 = rng.random();
            let level = match (favourite, roll) {
                (true, r) if r < 0.45 => InterestLevel::High,
                (false, r) if r < 0.15 => InterestLevel::High,
                (_, r) if r < 0.7 => InterestLevel::Medium,
                _ => InterestLevel::Low,
            };
            interests.push(Interest {
                name: name.clone(),
                category: InterestCategory::ALL[category],
                level,
            });
        }
        interests
    }

    fn category(&self, rng: &mut ChaCha8Rng) -> usize {
        let total: f64 = self.category_weights.iter().sum();
        let mut roll = rng.random::<f64>() * total;
        for (k, w) in self.category_weights.iter().enumerate() {
            if roll < *w {
                return k;
            }
            roll -= w;
        }
        self.category_weights.len() - 1
    }
}

/// A rank in `0..n` with probability proportional to `1 / (rank + 1)^s`.
fn zipf(rng: &mut ChaCha8Rng, n: usize, s: f64) -> usize {
    let total: f64 = (1..=n).map(|k| (k as f64).powf(-s)).sum();
    let mut roll = rng.random::<f64>() * total;
    for k in 1..=n {
        let w = (k as f64).powf(-s);
        if roll < w {
            return k - 1;
        }
        roll -= w;
    }
    n - 1
}
