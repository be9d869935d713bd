//! GetProfile through the edge against the edge's bare Echo: starts the suite in-process, signs
//! people up and fills their profiles, then drives each call with concurrent clients for a
//! fixed time and prints throughput, p50 and p99, and the ratio of the two throughputs.
//!
//!     cargo run --release -p circle-e2e --bin profile-bench -- [--seconds 10] [--concurrency 64] [--connections 4] [--people 16] [--db-connections 16]
//!
//! `--db-connections` sizes the user service's pool (DB_MAX_CONNECTIONS; its default unless
//! given), where the test suite's pools are small.

use std::future::Future;
use std::time::{Duration, Instant};

use circle_core::db::DbConfig;
use circle_e2e::{SignedIn, Suite};
use circle_proto::common::v1::GeoPoint;
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::diagnostics_service_client::DiagnosticsServiceClient;
use circle_proto::edge::v1::profile_service_client::ProfileServiceClient;
use tonic::transport::Channel;

struct Options {
    seconds: u64,
    concurrency: usize,
    connections: usize,
    people: usize,
    db_connections: usize,
}

fn options() -> Options {
    let mut options = Options {
        seconds: 10,
        concurrency: 64,
        connections: 4,
        people: 16,
        db_connections: DbConfig::DEFAULT_MAX_CONNECTIONS,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = || -> u64 {
            pair.get(1)
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{} needs a number", pair[0]))
        };
        match pair[0].as_str() {
            "--seconds" => options.seconds = value(),
            "--concurrency" => options.concurrency = value() as usize,
            "--connections" => options.connections = value() as usize,
            "--people" => options.people = value() as usize,
            "--db-connections" => options.db_connections = value() as usize,
            other => panic!("unknown option {other}"),
        }
    }
    assert!(options.concurrency > 0 && options.connections > 0 && options.people > 1);
    assert!(options.db_connections > 0);
    options
}

async fn fill(channel: Channel, person: &SignedIn, n: usize) {
    let mut client = ProfileServiceClient::new(channel);
    let mask = |paths: &[&str]| {
        Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| path.to_string()).collect(),
        })
    };
    client
        .update_social_profile(person.call(edge::UpdateSocialProfileRequest {
            user_id: person.user_id.clone(),
            social_profile: Some(edge::SocialProfile {
                first_name: format!("Person {n}"),
                bio: "Likes long walks and short benchmarks.".into(),
                occupation: "Tester".into(),
                location_name: "Berlin".into(),
                ..Default::default()
            }),
            update_mask: mask(&["first_name", "bio", "occupation", "location_name"]),
        }))
        .await
        .expect("social profile");
    client
        .update_personal_details(person.call(edge::UpdatePersonalDetailsRequest {
            user_id: person.user_id.clone(),
            personal_details: Some(edge::PersonalDetails {
                birth_date: "1990-01-01".into(),
                ..Default::default()
            }),
            update_mask: mask(&["birth_date"]),
        }))
        .await
        .expect("personal details");
    client
        .update_matching_profile(person.call(edge::UpdateMatchingProfileRequest {
            user_id: person.user_id.clone(),
            matching_profile: Some(edge::MatchingProfile {
                communication_style: edge::CommunicationStyle::Direct as i32,
                position: Some(GeoPoint {
                    latitude: 52.5,
                    longitude: 13.4,
                }),
                max_travel_km: 20,
                opted_in: true,
                update_time: None,
            }),
            update_mask: mask(&[
                "communication_style",
                "position",
                "max_travel_km",
                "opted_in",
            ]),
        }))
        .await
        .expect("matching profile");
    client
        .create_profile_photo(person.call(edge::CreateProfilePhotoRequest {
            user_id: person.user_id.clone(),
            request_id: uuid::Uuid::new_v4().to_string(),
            image_url: format!("https://cdn.example.org/{n}.jpg"),
            taken_in_app: true,
        }))
        .await
        .expect("photo");
}

struct Figures {
    calls: usize,
    errors: usize,
    rps: f64,
    p50: Duration,
    p99: Duration,
}

/// Runs `call(worker, iteration)` from `concurrency` workers for `duration`.
async fn drive<F, Fut>(concurrency: usize, duration: Duration, call: F) -> Figures
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                let mut iteration = 0;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    if !call(worker, iteration).await {
                        errors += 1;
                    }
                    latencies.push(sent.elapsed());
                    iteration += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (mut own, own_errors) = worker.await.expect("a worker");
        latencies.append(&mut own);
        errors += own_errors;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |quantile: f64| latencies[((latencies.len() - 1) as f64 * quantile) as usize];
    Figures {
        calls: latencies.len(),
        errors,
        rps: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn print(name: &str, figures: &Figures) {
    println!(
        "{name:<11} {:>9} calls {:>6} errors {:>10.0} rps   p50 {:>8.2} ms   p99 {:>8.2} ms",
        figures.calls,
        figures.errors,
        figures.rps,
        figures.p50.as_secs_f64() * 1e3,
        figures.p99.as_secs_f64() * 1e3,
    );
}

#[tokio::main]
async fn main() {
    let options = options();
    let suite = Suite::start_with(|user| user.db.max_connections = options.db_connections).await;
    let mut people = Vec::new();
    for n in 0..options.people {
        let person = suite.sign_up(&format!("bench{n}@example.org")).await;
        fill(suite.channel("edge"), &person, n).await;
        people.push(person);
    }
    let channels: Vec<Channel> = (0..options.connections)
        .map(|_| suite.channel("edge"))
        .collect();
    let duration = Duration::from_secs(options.seconds);
    println!(
        "{} s per call, {} clients over {} connections, {} people, {} user database connections",
        options.seconds,
        options.concurrency,
        options.connections,
        options.people,
        options.db_connections
    );

    // Each worker reads other people's profiles as one of the people (the public view, with
    // the block check).
    let profiles = {
        let channels = channels.clone();
        let people = people.clone();
        move |worker: usize, iteration: usize| {
            let mut client = ProfileServiceClient::new(channels[worker % channels.len()].clone());
            let reader = &people[worker % people.len()];
            let target = &people[(worker + 1 + iteration % (people.len() - 1)) % people.len()];
            let request = reader.call(edge::GetProfileRequest {
                user_id: target.user_id.clone(),
            });
            async move { client.get_profile(request).await.is_ok() }
        }
    };
    let echo = {
        let channels = channels.clone();
        move |worker: usize, _iteration: usize| {
            let mut client =
                DiagnosticsServiceClient::new(channels[worker % channels.len()].clone());
            async move {
                client
                    .echo(edge::EchoRequest {
                        message: "ping".into(),
                    })
                    .await
                    .is_ok()
            }
        }
    };

    // A short warm-up fills the connection pools and caches.
    drive(
        options.concurrency,
        Duration::from_secs(1),
        profiles.clone(),
    )
    .await;
    let get_profile = drive(options.concurrency, duration, profiles).await;
    drive(options.concurrency, Duration::from_secs(1), echo.clone()).await;
    let bare_echo = drive(options.concurrency, duration, echo).await;

    print("GetProfile", &get_profile);
    print("Echo", &bare_echo);
    println!(
        "GetProfile/Echo throughput ratio: {:.3}",
        get_profile.rps / bare_echo.rps
    );
    assert_eq!(get_profile.errors + bare_echo.errors, 0, "calls failed");
}
