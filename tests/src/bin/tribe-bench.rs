//! The tribe service under load, with the suite in-process and every call through the edge (as
//! people make them):
//! - chat: SendMessage throughput in one tribe of 8 whose members all follow it (Subscribe), and
//!   the delivery latency from the start of SendMessage to each of the 8 followers, under that
//!   load and at a steady 50 messages/s;
//! - racing joins: trials of 50 people joining a tribe with 3 free seats at once, counting
//!   overfilled tribes (must be 0), seats taken and refusals;
//! - discovery over 100k tribes seeded with SQL (around 18 European cities, 8 categories):
//!   SearchTribes latency and the plans Postgres runs the query with.
//!
//!     cargo run --release -p circle-e2e --bin tribe-bench -- [--seconds 5] [--concurrency 32] [--trials 200] [--tribes 100000] [--searches 300]

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use circle_e2e::{PASSWORD, SignedIn, Suite};
use circle_proto::common::v1::GeoPoint;
use circle_proto::edge::v1::account_service_client::AccountServiceClient;
use circle_proto::edge::v1::tribe_service_client::TribeServiceClient;
use circle_proto::edge::v1::{
    CreateTribeRequest, InterestCategory, JoinTribeRequest, LoginRequest, MessageType,
    RegisterRequest, SearchTribesRequest, SendMessageRequest, SubscribeRequest, TribePrivacy,
    VerifyEmailRequest,
};
use circle_proto::tribe::v1 as internal;
use futures::StreamExt;
use tokio::sync::mpsc;
use tonic::Code;
use tonic::transport::{Channel, Endpoint};
use tonic_types::StatusExt;

const MEMBERS: usize = 8;
const RACERS: usize = 50;
/// The edge allows 20 logins a minute per client address: people log in from several.
const LOGINS_PER_ADDRESS: usize = 15;

struct Options {
    seconds: u64,
    concurrency: usize,
    trials: usize,
    tribes: usize,
    searches: usize,
}

fn options() -> Options {
    let mut options = Options {
        seconds: 5,
        concurrency: 32,
        trials: 200,
        tribes: 100_000,
        searches: 300,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = || -> usize {
            pair.get(1)
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{} needs a number", pair[0]))
        };
        match pair[0].as_str() {
            "--seconds" => options.seconds = value() as u64,
            "--concurrency" => options.concurrency = value(),
            "--trials" => options.trials = value(),
            "--tribes" => options.tribes = value(),
            "--searches" => options.searches = value(),
            other => panic!("unknown option {other}"),
        }
    }
    assert!(options.concurrency > 0 && options.tribes >= 100 && options.searches > 0);
    options
}

/// A small deterministic generator (xorshift64*), so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn latency_line(what: &str, mut latencies: Vec<Duration>) -> String {
    latencies.sort();
    format!(
        "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
        ms(quantile(&latencies, 0.50)),
        ms(quantile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
        latencies.len()
    )
}

/// Signs `n` people up through the edge, logging them in from several loopback addresses.
async fn people(suite: &Suite, n: usize) -> Vec<SignedIn> {
    let edge = format!("http://{}", suite.addr("edge"));
    let sign_up = |i: usize| {
        let edge = edge.clone();
        async move {
            let email = format!("bench{i}@tribe.bench");
            let mut accounts = suite.edge();
            accounts
                .register(RegisterRequest {
                    email: email.clone(),
                    password: PASSWORD.into(),
                })
                .await
                .expect("registration");
            let code = suite
                .verification_code(&email, Duration::from_secs(30))
                .await;
            accounts
                .verify_email(VerifyEmailRequest {
                    email: email.clone(),
                    code,
                })
                .await
                .expect("verification");
            let source = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + (i / LOGINS_PER_ADDRESS) as u8));
            let channel = Endpoint::from_shared(edge)
                .expect("the edge's URL")
                .local_address(Some(source))
                .connect_lazy();
            let login = AccountServiceClient::new(channel)
                .login(LoginRequest {
                    email: email.clone(),
                    password: PASSWORD.into(),
                    device: "tribe-bench".into(),
                })
                .await
                .expect("login")
                .into_inner();
            let tokens = login.tokens.expect("tokens");
            let person = SignedIn {
                user_id: login.account.expect("an account").id,
                email,
                access_token: tokens.access_token,
                refresh_token: tokens.refresh_token,
            };
            (i, person)
        }
    };
    let mut signed_up: Vec<(usize, SignedIn)> = futures::stream::iter(0..n)
        .map(sign_up)
        .buffer_unordered(8)
        .collect()
        .await;
    signed_up.sort_by_key(|(i, _)| *i);
    signed_up.into_iter().map(|(_, person)| person).collect()
}

fn berlin() -> Option<GeoPoint> {
    Some(GeoPoint {
        latitude: 52.52,
        longitude: 13.405,
    })
}

async fn create_tribe(
    client: &mut TribeServiceClient<Channel>,
    creator: &SignedIn,
    name: &str,
    max_members: i32,
) -> String {
    client
        .create_tribe(creator.call(CreateTribeRequest {
            name: name.into(),
            privacy: TribePrivacy::Public.into(),
            max_members,
            location: berlin(),
            ..Default::default()
        }))
        .await
        .expect("a tribe")
        .into_inner()
        .tribe
        .expect("the tribe")
        .id
}

/// A delivery to one follower: which follower, the message's content, when it arrived.
type Delivery = (usize, String, Instant);

/// Sends the marker `content` and waits until every follower has it; the deliveries before it.
async fn until_marker(
    client: &mut TribeServiceClient<Channel>,
    sender: &SignedIn,
    tribe_id: &str,
    content: &str,
    deliveries: &mut mpsc::UnboundedReceiver<Delivery>,
) -> Vec<Delivery> {
    send(client, sender, tribe_id, content)
        .await
        .expect("the marker is sent");
    let mut got = Vec::new();
    let mut markers = 0;
    while markers < MEMBERS {
        let delivery = tokio::time::timeout(Duration::from_secs(30), deliveries.recv())
            .await
            .expect("every follower gets the marker within 30 s")
            .expect("the followers go on");
        if delivery.1 == content {
            markers += 1;
        } else {
            got.push(delivery);
        }
    }
    got
}

async fn send(
    client: &mut TribeServiceClient<Channel>,
    sender: &SignedIn,
    tribe_id: &str,
    content: &str,
) -> Result<(), tonic::Status> {
    client
        .send_message(sender.call(SendMessageRequest {
            tribe_id: tribe_id.into(),
            r#type: MessageType::Text.into(),
            content: content.into(),
        }))
        .await
        .map(|_| ())
}

/// Latencies of every (message, follower) delivery; counts those that never came.
fn delivery_latencies(sent: &HashMap<String, Instant>, got: &[Delivery]) -> (Vec<Duration>, usize) {
    let latencies: Vec<Duration> = got
        .iter()
        .filter_map(|(_, content, at)| sent.get(content).map(|start| at.duration_since(*start)))
        .collect();
    let missing = sent.len() * MEMBERS - latencies.len();
    (latencies, missing)
}

async fn chat(people: &[SignedIn], channels: &[Channel], options: &Options) {
    let members = &people[..MEMBERS];
    let mut client = TribeServiceClient::new(channels[0].clone());
    let tribe_id = create_tribe(&mut client, &members[0], "Bench chat", MEMBERS as i32).await;
    for member in &members[1..] {
        client
            .join_tribe(member.call(JoinTribeRequest {
                tribe_id: tribe_id.clone(),
            }))
            .await
            .expect("a member joins");
    }
    let (delivered, mut deliveries) = mpsc::unbounded_channel::<Delivery>();
    for (i, member) in members.iter().enumerate() {
        let mut stream = TribeServiceClient::new(channels[i % channels.len()].clone())
            .subscribe(member.call(SubscribeRequest {
                tribe_id: tribe_id.clone(),
            }))
            .await
            .expect("a follower subscribes")
            .into_inner();
        let delivered = delivered.clone();
        tokio::spawn(async move {
            while let Ok(Some(response)) = stream.message().await {
                let content = response.message.expect("a message").content;
                if delivered.send((i, content, Instant::now())).is_err() {
                    return;
                }
            }
        });
    }
    drop(delivered);
    until_marker(
        &mut client,
        &members[0],
        &tribe_id,
        "warm-up",
        &mut deliveries,
    )
    .await;

    // Throughput: `concurrency` senders, round robin over the members and the connections.
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let workers: Vec<_> = (0..options.concurrency)
        .map(|worker| {
            let mut client = TribeServiceClient::new(channels[worker % channels.len()].clone());
            let sender = members[worker % MEMBERS].clone();
            let tribe_id = tribe_id.clone();
            tokio::spawn(async move {
                let mut sent = Vec::new();
                let mut errors = 0;
                let mut n = 0;
                while Instant::now() < deadline {
                    let content = format!("load {worker}-{n}");
                    let start = Instant::now();
                    match send(&mut client, &sender, &tribe_id, &content).await {
                        Ok(()) => sent.push((content, start, start.elapsed())),
                        Err(_) => errors += 1,
                    }
                    n += 1;
                }
                (sent, errors)
            })
        })
        .collect();
    let mut sent = HashMap::new();
    let mut call_latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (own, own_errors) = worker.await.expect("a sender");
        errors += own_errors;
        for (content, start, took) in own {
            sent.insert(content, start);
            call_latencies.push(took);
        }
    }
    let elapsed = started.elapsed();
    let got = until_marker(
        &mut client,
        &members[0],
        &tribe_id,
        "end of load",
        &mut deliveries,
    )
    .await;
    let (latencies, missing) = delivery_latencies(&sent, &got);
    println!(
        "SendMessage throughput: {:.0} messages/s ({} sent in {:.1} s, {} errors), {} concurrent senders over {} connections, one tribe of {MEMBERS} members all subscribed",
        sent.len() as f64 / elapsed.as_secs_f64(),
        sent.len(),
        elapsed.as_secs_f64(),
        errors,
        options.concurrency,
        channels.len()
    );
    println!("  {}", latency_line("SendMessage call", call_latencies));
    println!(
        "  {}; {missing} deliveries missing",
        latency_line(
            "delivery to each of the 8 followers under that load",
            latencies
        )
    );

    // Steady: 50 messages/s from one sender.
    let mut sent = HashMap::new();
    let mut ticks = tokio::time::interval(Duration::from_millis(20));
    for n in 0..250 {
        ticks.tick().await;
        let content = format!("steady {n}");
        let start = Instant::now();
        send(&mut client, &members[n % MEMBERS], &tribe_id, &content)
            .await
            .expect("a steady message");
        sent.insert(content, start);
    }
    let got = until_marker(
        &mut client,
        &members[0],
        &tribe_id,
        "end of steady",
        &mut deliveries,
    )
    .await;
    let (latencies, missing) = delivery_latencies(&sent, &got);
    println!(
        "  {}; {missing} deliveries missing",
        latency_line(
            "delivery to each of the 8 followers at 50 messages/s",
            latencies
        )
    );
}

async fn racing_joins(suite: &Suite, people: &[SignedIn], channels: &[Channel], options: &Options) {
    let creator = &people[RACERS];
    let racers = &people[..RACERS];
    let admin = suite.db.admin_client().await;
    let mut client = TribeServiceClient::new(channels[0].clone());
    let (mut admitted, mut refused, mut other, mut overfilled, mut exact) = (0, 0, 0, 0, 0);
    let mut first_other = None;
    let started = Instant::now();
    for trial in 0..options.trials {
        let tribe_id = create_tribe(&mut client, creator, &format!("Race {trial}"), 4).await;
        let joins: Vec<_> = racers
            .iter()
            .enumerate()
            .map(|(i, racer)| {
                let mut client = TribeServiceClient::new(channels[i % channels.len()].clone());
                let request = racer.call(JoinTribeRequest {
                    tribe_id: tribe_id.clone(),
                });
                tokio::spawn(async move { client.join_tribe(request).await })
            })
            .collect();
        let mut seats_taken = 0;
        for join in joins {
            match join.await.expect("a join") {
                Ok(_) => seats_taken += 1,
                Err(status)
                    if status.code() == Code::FailedPrecondition
                        && status
                            .get_details_error_info()
                            .is_some_and(|info| info.reason == "TRIBE_FULL") =>
                {
                    refused += 1
                }
                Err(status) => {
                    other += 1;
                    first_other.get_or_insert(status);
                }
            }
        }
        admitted += seats_taken;
        exact += usize::from(seats_taken == 3);
        let id: uuid::Uuid = tribe_id.parse().expect("a tribe id");
        let row = admin
            .query_one(
                "SELECT t.member_count::int8, t.max_members::int8, \
                 (SELECT count(*) FROM tribes.tribe_members m \
                  WHERE m.tribe_id = t.id AND m.status = 'ACTIVE') \
                 FROM tribes.tribes t WHERE t.id = $1",
                &[&id],
            )
            .await
            .expect("the tribe's counts");
        let (count, max, active): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        if active > max || count != active {
            overfilled += 1;
        }
    }
    println!(
        "Racing joins: {} trials of {RACERS} concurrent joins on a tribe with 3 free seats (max 4, creator in), through the edge, in {:.1} s",
        options.trials,
        started.elapsed().as_secs_f64()
    );
    println!(
        "  overfilled tribes: {overfilled}; seats taken: {admitted} (trials with exactly 3: {exact}/{}); refused TRIBE_FULL: {refused}; other errors: {other}",
        options.trials
    );
    if let Some(status) = first_other {
        println!("  first other error: {status:?}");
    }
    assert_eq!(overfilled, 0, "a tribe was overfilled");
}

/// 100k tribes around 18 cities, weighted by size, spread around each centre, 8 categories.
const SEED: &str = r#"
CREATE TEMP TABLE seed AS
SELECT gen_random_uuid() AS id, city, k, k2, with_second,
       (ARRAY['Sunday', 'Weekend', 'Early Bird', 'Night Owl', 'Friendly', 'Urban', 'Lakeside',
              'Riverside', 'Downtown', 'Northside', 'Chill', 'Curious'])[1 + floor(r1 * 12)::int]
         || ' ' || (ARRAY[
           ['Hikers', 'Trail Runners', 'Climbers', 'Kayakers'],
           ['Painters', 'Theatre Lovers', 'Gallery Hoppers', 'Jazz Fans'],
           ['Foodies', 'Supper Club', 'Coffee Crawlers', 'Street Food Hunters'],
           ['Runners', 'Cyclists', 'Volleyball Crew', 'Swimmers'],
           ['Board Gamers', 'Quiz Team', 'Film Club', 'Chess Circle'],
           ['Book Club', 'Language Exchange', 'History Buffs', 'Philosophy Circle'],
           ['Hackers', 'Rustaceans', 'Makers', 'AI Tinkerers'],
           ['Yoga Circle', 'Meditation Group', 'Mindful Walkers', 'Breathwork Crew']
         ])[k][1 + floor(r2 * 4)::int]
         || CASE WHEN r3 < 0.3 THEN ' of ' || city ELSE '' END AS name,
       lat + (r4 + r5 + r6 - 1.5) * 0.25 AS latitude,
       lng + (r7 + r8 + r9 - 1.5) * 0.25 / cos(radians(lat)) AS longitude,
       max_members,
       least(max_members, 1 + floor(r10 * max_members)::int) AS member_count,
       r11
FROM (
  SELECT c.city, c.lat, c.lng, 1 + floor(random() * 8)::int AS k,
         1 + floor(random() * 8)::int AS k2, random() < 0.4 AS with_second,
         4 + floor(random() * 5)::int AS max_members,
         random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
         random() AS r6, random() AS r7, random() AS r8, random() AS r9, random() AS r10,
         random() AS r11
  FROM (VALUES
    ('Berlin', 52.52, 13.405, 12), ('Hamburg', 53.55, 9.99, 6), ('Munich', 48.137, 11.575, 6),
    ('Cologne', 50.94, 6.96, 4), ('Frankfurt', 50.11, 8.68, 4), ('Stuttgart', 48.78, 9.18, 3),
    ('Leipzig', 51.34, 12.37, 2), ('Vienna', 48.21, 16.37, 5), ('Zurich', 47.37, 8.54, 3),
    ('Amsterdam', 52.37, 4.90, 5), ('Paris', 48.857, 2.352, 12), ('London', 51.507, -0.128, 14),
    ('Madrid', 40.417, -3.704, 7), ('Lisbon', 38.72, -9.14, 3), ('Rome', 41.9, 12.5, 6),
    ('Prague', 50.08, 14.44, 3), ('Copenhagen', 55.68, 12.57, 2), ('Warsaw', 52.23, 21.01, 3)
  ) AS c(city, lat, lng, weight),
  generate_series(1, c.weight * $PER_WEIGHT)
) s;

INSERT INTO tribes.tribes (id, name, description, status, privacy, max_members, creator_id,
  created_at, updated_at, location_name, latitude, longitude, member_count, last_activity_at)
SELECT id, name,
       CASE WHEN r11 < 0.5
         THEN 'We meet every week in ' || city || ' for ' || lower(name) || ' things and good company.'
         ELSE 'Newcomers welcome: a small group in ' || city || ', relaxed pace, all levels.' END,
       CASE WHEN r11 < 0.03 THEN 'DISSOLVED' WHEN r11 < 0.08 THEN 'AT_RISK'
            WHEN member_count >= 4 THEN 'ACTIVE' ELSE 'FORMING' END,
       CASE WHEN r11 > 0.9 THEN 'PRIVATE' ELSE 'PUBLIC' END,
       max_members, gen_random_uuid(),
       now() - r11 * interval '365 days', now(), city, latitude, longitude,
       CASE WHEN r11 < 0.03 THEN 0 ELSE member_count END, now()
FROM seed;

INSERT INTO tribes.tribe_interests (tribe_id, category, name, is_primary)
SELECT id, (ARRAY['OUTDOOR_ADVENTURES', 'ARTS_CULTURE', 'FOOD_DINING', 'SPORTS_FITNESS',
  'GAMES_ENTERTAINMENT', 'LEARNING_EDUCATION', 'TECHNOLOGY', 'WELLNESS_MINDFULNESS'])[k],
  'main interest', true
FROM seed;

INSERT INTO tribes.tribe_interests (tribe_id, category, name, is_primary)
SELECT id, (ARRAY['OUTDOOR_ADVENTURES', 'ARTS_CULTURE', 'FOOD_DINING', 'SPORTS_FITNESS',
  'GAMES_ENTERTAINMENT', 'LEARNING_EDUCATION', 'TECHNOLOGY', 'WELLNESS_MINDFULNESS'])[k2],
  'also', false
FROM seed WHERE with_second AND k2 <> k;

ANALYZE tribes.tribes;
ANALYZE tribes.tribe_interests;
"#;

const CITIES: [(f64, f64); 6] = [
    (52.52, 13.405),
    (48.857, 2.352),
    (51.507, -0.128),
    (48.137, 11.575),
    (40.417, -3.704),
    (52.37, 4.90),
];
const WORDS: [&str; 8] = [
    "hikers",
    "board gamers",
    "yoga",
    "rustaceans",
    "supper club",
    "cyclsts",
    "jazz",
    "book clb",
];

/// The three kinds of search measured: `kind` 0 near only, 1 with a category and free seats,
/// 2 with words.
fn search_request(kind: usize, rng: &mut Rng) -> SearchTribesRequest {
    let (lat, lng) = CITIES[rng.below(CITIES.len())];
    let near = Some(GeoPoint {
        latitude: lat + (rng.unit() - 0.5) * 0.2,
        longitude: lng + (rng.unit() - 0.5) * 0.3,
    });
    let mut request = SearchTribesRequest {
        near,
        radius_km: Some(25.0),
        page_size: 20,
        ..Default::default()
    };
    match kind {
        0 => {}
        1 => {
            request.categories = vec![
                InterestCategory::try_from(1 + rng.below(8) as i32)
                    .expect("a category")
                    .into(),
            ];
            request.with_free_seats = true;
        }
        _ => request.query = WORDS[rng.below(WORDS.len())].into(),
    }
    request
}

const KINDS: [&str; 3] = [
    "near a point, 25 km, nearest first",
    "+ one category, with free seats",
    "+ fuzzy words, best match first",
];

async fn discovery(suite: &Suite, people: &[SignedIn], channels: &[Channel], options: &Options) {
    let per_weight = (options.tribes / 100).max(1);
    let started = Instant::now();
    suite
        .db
        .admin_client()
        .await
        .batch_execute(&SEED.replace("$PER_WEIGHT", &per_weight.to_string()))
        .await
        .expect("seeding tribes");
    let seeded = suite
        .db
        .count("SELECT count(*) FROM tribes.tribes", &[])
        .await;
    println!(
        "Discovery over {seeded} tribes (seeded with SQL in {:.1} s; 90% public, 3% dissolved, 18 cities), SearchTribes through the edge, page of 20, 4 concurrent searchers:",
        started.elapsed().as_secs_f64()
    );
    for (kind, name) in KINDS.iter().enumerate() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 + kind as u64);
        let requests: Vec<SearchTribesRequest> = (0..options.searches)
            .map(|_| search_request(kind, &mut rng))
            .collect();
        let results: Vec<(Duration, usize)> =
            futures::stream::iter(requests.into_iter().enumerate())
                .map(|(i, request)| {
                    let mut client = TribeServiceClient::new(channels[i % channels.len()].clone());
                    let request = people[i % people.len()].call(request);
                    async move {
                        let start = Instant::now();
                        let found = client.search_tribes(request).await.expect("a search");
                        (start.elapsed(), found.into_inner().tribes.len())
                    }
                })
                .buffer_unordered(4)
                .collect()
                .await;
        let found: usize = results.iter().map(|(_, n)| n).sum();
        let latencies = results.into_iter().map(|(took, _)| took).collect();
        println!(
            "  {}; {:.1} tribes per page",
            latency_line(name, latencies),
            found as f64 / options.searches as f64
        );
    }
    let pool = circle_core::db::pool(&suite.db.config("tribe")).expect("a pool");
    for (kind, name) in KINDS.iter().enumerate() {
        let mut request = search_request(kind, &mut Rng(7 + kind as u64));
        request.near = berlin();
        let internal = internal::SearchTribesRequest {
            near: request.near,
            radius_km: request.radius_km,
            categories: request.categories,
            with_free_seats: request.with_free_seats,
            query: request.query.clone(),
            page_size: request.page_size,
            page_token: String::new(),
        };
        let plan = tribe_service::explain_search(&pool, internal)
            .await
            .expect("the plan");
        println!(
            "EXPLAIN (ANALYZE, BUFFERS) of discovery, {name}, around Berlin{}:",
            if request.query.is_empty() {
                String::new()
            } else {
                format!(", query {:?}", request.query)
            }
        );
        for line in plan {
            println!("    {line}");
        }
    }
}

#[tokio::main]
async fn main() {
    let options = options();
    let started = Instant::now();
    let suite = Suite::start().await;
    let people = people(&suite, RACERS + 1).await;
    let channels: Vec<Channel> = (0..4).map(|_| suite.channel("edge")).collect();
    println!(
        "tribe-bench: suite in-process, every call through the edge; {} people signed up in {:.1} s",
        people.len(),
        started.elapsed().as_secs_f64()
    );
    chat(&people, &channels, &options).await;
    racing_joins(&suite, &people, &channels, &options).await;
    discovery(&suite, &people, &channels, &options).await;
    println!(
        "tribe-bench done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
