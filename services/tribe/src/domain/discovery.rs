//! Discovery: public tribes near a point, optionally about some interest categories, with free
//! seats, or matching words fuzzily (pg_trgm); the best match first, then the nearest. Without a
//! point a person searches around their profile's position; without a radius, within their max
//! travel distance, else `DEFAULT_RADIUS_KM`.
//!
//! The search reads the GiST index on the tribes' points with a bounding box around the
//! circle, then keeps what lies within the great-circle radius; a text query reads the trigram
//! index. Pages continue after the last (score, distance, id) seen.

use circle_core::auth::Principal;
use circle_core::text::{InvalidValue, Lines, check_text};
use diesel::QueryableByName;
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, Double, Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use super::profiles::Profiles;
use super::{GeoPoint, InterestCategory, Tribe, TribeDetails, UserId};
use crate::error::Error;
use crate::query::interests;

/// Mean earth radius in kilometres (IUGG).
const EARTH_RADIUS_KM: f64 = 6371.0088;
/// Kilometres per degree of latitude.
const KM_PER_DEGREE: f64 = 111.195;
/// How similar a text must be to the query, as pg_trgm's word similarity (0 to 1).
const WORD_SIMILARITY_THRESHOLD: f64 = 0.3;

/// How far to look when neither the search nor the seeker's profile says.
pub const DEFAULT_RADIUS_KM: f64 = 25.0;

/// How far to look: more than nothing, at most 500 km.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RadiusKm(f64);

impl RadiusKm {
    pub const MAX: f64 = 500.0;

    pub fn new(km: f64) -> Result<Self, InvalidValue> {
        if km > 0.0 && km <= Self::MAX {
            Ok(Self(km))
        } else {
            Err(InvalidValue(format!(
                "must be more than 0 and at most {} km",
                Self::MAX
            )))
        }
    }
}

/// Words to look for: trimmed, at most 100 characters; empty means any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let text = raw.trim();
        check_text(text, Self::MAX_CHARS, Lines::Single)?;
        Ok(Self(text.to_owned()))
    }
}

/// What someone looks for, validated; where and how far may be left to the seeker's profile.
#[derive(Clone, Debug)]
pub struct Search {
    pub near: Option<GeoPoint>,
    pub radius: Option<RadiusKm>,
    pub categories: Vec<InterestCategory>,
    pub with_free_seats: bool,
    pub text: SearchText,
}

/// Where a search looks: around this point, this far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub near: GeoPoint,
    pub radius: RadiusKm,
}

/// Where `search` looks: where it says, else where the seeker's profile says (a person's only).
pub async fn search_area(
    profiles: &Profiles,
    seeker: &Principal,
    search: &Search,
) -> Result<Area, Error> {
    if let (Some(near), Some(radius)) = (search.near, search.radius) {
        return Ok(Area { near, radius });
    }
    let Principal::User { id, .. } = seeker else {
        let field = if search.near.is_none() {
            "near"
        } else {
            "radius_km"
        };
        return Err(Error::Invalid {
            field,
            message: "is required when a service searches".to_owned(),
        });
    };
    let profile = profiles.whereabouts(UserId(*id)).await?;
    let near = search
        .near
        .or(profile.position)
        .ok_or_else(|| Error::Invalid {
            field: "near",
            message: "is required: your profile has no position".to_owned(),
        })?;
    let radius = search
        .radius
        .or(profile.max_travel)
        .unwrap_or(RadiusKm(DEFAULT_RADIUS_KM));
    Ok(Area { near, radius })
}

/// Where the next page starts: after this (score, distance, id).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SearchCursor {
    pub score: f64,
    pub distance_km: f64,
    pub id: uuid::Uuid,
}

impl SearchCursor {
    pub fn encode(&self) -> String {
        hex::encode(format!(
            "{:016x}|{:016x}|{}",
            self.score.to_bits(),
            self.distance_km.to_bits(),
            self.id
        ))
    }

    pub fn decode(token: &str) -> Option<Self> {
        let raw = String::from_utf8(hex::decode(token).ok()?).ok()?;
        let mut parts = raw.split('|');
        let score = f64::from_bits(u64::from_str_radix(parts.next()?, 16).ok()?);
        let distance_km = f64::from_bits(u64::from_str_radix(parts.next()?, 16).ok()?);
        let id = parts.next()?.parse().ok()?;
        if parts.next().is_some() || !score.is_finite() || !distance_km.is_finite() {
            return None;
        }
        Some(Self {
            score,
            distance_km,
            id,
        })
    }
}

/// A tribe found, how far away, and how well it matches the text (0 without one).
#[derive(Clone, Debug)]
pub struct Found {
    pub tribe: TribeDetails,
    pub distance_km: f64,
    pub score: f64,
}

#[derive(QueryableByName)]
struct FoundRow {
    #[diesel(embed)]
    tribe: Tribe,
    #[diesel(sql_type = Double)]
    distance_km: f64,
    #[diesel(sql_type = Double)]
    score: f64,
}

/// The latitude and longitude box around the circle; the whole longitude range where the
/// circle reaches a pole or crosses the antimeridian.
fn bounding_box(Area { near, radius }: Area) -> (f64, f64, f64, f64) {
    let dlat = radius.0 / KM_PER_DEGREE;
    let (lat_min, lat_max) = (
        (near.latitude - dlat).max(-90.0),
        (near.latitude + dlat).min(90.0),
    );
    let widest = near.latitude.abs() + dlat;
    let (lng_min, lng_max) = if widest >= 89.0 {
        (-180.0, 180.0)
    } else {
        let dlng = radius.0 / (KM_PER_DEGREE * widest.to_radians().cos());
        let (min, max) = (near.longitude - dlng, near.longitude + dlng);
        if min < -180.0 || max > 180.0 {
            (-180.0, 180.0)
        } else {
            (min, max)
        }
    };
    (lat_min, lat_max, lng_min, lng_max)
}

/// The search's SQL: only the clauses it needs, so every plan can use the indexes.
/// Binds: $1 lat, $2 lng, $3 radius, $4..$7 the box, then the text, the categories and the
/// cursor as present.
fn search_sql(search: &Search, after: Option<&SearchCursor>, limit: i64) -> String {
    let mut next = 8;
    let mut bind = || {
        let n = next;
        next += 1;
        format!("${n}")
    };
    let text = (!search.text.0.is_empty()).then(&mut bind);
    let score = match &text {
        Some(q) => format!("word_similarity({q}, t.name || ' ' || t.description)::float8"),
        None => "0::float8".to_owned(),
    };
    let mut filters = vec![
        "t.privacy = 'PUBLIC'".to_owned(),
        "t.status <> 'DISSOLVED'".to_owned(),
        "t.latitude IS NOT NULL".to_owned(),
        "point(t.longitude, t.latitude) <@ box(point($6, $4), point($7, $5))".to_owned(),
    ];
    if search.with_free_seats {
        filters.push("t.member_count < t.max_members".to_owned());
    }
    if !search.categories.is_empty() {
        let categories = bind();
        filters.push(format!(
            "EXISTS (SELECT 1 FROM tribe_interests i WHERE i.tribe_id = t.id \
             AND i.category = ANY({categories}))"
        ));
    }
    if let Some(q) = &text {
        filters.push(format!("{q} <% (t.name || ' ' || t.description)"));
    }
    let page_filter = after.map(|_| {
        let (score, distance, id) = (bind(), bind(), bind());
        format!(
            " AND (score < {score} OR (score = {score} AND distance_km > {distance}) \
             OR (score = {score} AND distance_km = {distance} AND id > {id}))"
        )
    });
    format!(
        "SELECT * FROM (SELECT t.id, t.name, t.description, t.status, t.privacy, \
         t.max_members, t.creator_id, t.created_at, t.location_name, t.latitude, t.longitude, \
         t.member_count, {score} AS score, \
         {EARTH_RADIUS_KM} * 2 * asin(sqrt(power(sin(radians(t.latitude - $1) / 2), 2) \
         + cos(radians($1)) * cos(radians(t.latitude)) \
         * power(sin(radians(t.longitude - $2) / 2), 2))) AS distance_km \
         FROM tribes t WHERE {filters}) found \
         WHERE distance_km <= $3{page} \
         ORDER BY score DESC, distance_km, id LIMIT {limit}",
        filters = filters.join(" AND "),
        page = page_filter.unwrap_or_default(),
    )
}

/// The search's query with its values bound; `prefix` goes before it (e.g. EXPLAIN).
fn bound_query(
    prefix: &str,
    search: &Search,
    area: Area,
    after: Option<SearchCursor>,
    limit: i64,
) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
    let sql = format!("{prefix}{}", search_sql(search, after.as_ref(), limit));
    let (lat_min, lat_max, lng_min, lng_max) = bounding_box(area);
    let mut query = diesel::sql_query(sql)
        .into_boxed()
        .bind::<Double, _>(area.near.latitude)
        .bind::<Double, _>(area.near.longitude)
        .bind::<Double, _>(area.radius.0)
        .bind::<Double, _>(lat_min)
        .bind::<Double, _>(lat_max)
        .bind::<Double, _>(lng_min)
        .bind::<Double, _>(lng_max);
    if !search.text.0.is_empty() {
        query = query.bind::<Text, _>(search.text.0.clone());
    }
    if !search.categories.is_empty() {
        let words: Vec<String> = search
            .categories
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        query = query.bind::<Array<Text>, _>(words);
    }
    if let Some(cursor) = after {
        query = query
            .bind::<Double, _>(cursor.score)
            .bind::<Double, _>(cursor.distance_km)
            .bind::<SqlUuid, _>(cursor.id);
    }
    query
}

/// The rows of `query`, run with the search's pg_trgm threshold.
async fn load<R>(
    conn: &mut AsyncPgConnection,
    query: BoxedSqlQuery<'static, Pg, SqlQuery>,
) -> Result<Vec<R>, Error>
where
    R: QueryableByName<Pg> + Send + 'static,
{
    conn.transaction::<_, Error, _>(async |conn| {
        // Fuzzier than pg_trgm's default (0.6): a misspelt word still finds its tribe.
        conn.batch_execute(&format!(
            "SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY_THRESHOLD}"
        ))
        .await?;
        Ok(query.load(conn).await?)
    })
    .await
}

/// A page of tribes found, the best match first, then the nearest; and where the next starts.
pub async fn search_tribes(
    conn: &mut AsyncPgConnection,
    search: &Search,
    area: Area,
    after: Option<SearchCursor>,
    limit: i64,
) -> Result<(Vec<Found>, Option<SearchCursor>), Error> {
    let query = bound_query("", search, area, after, limit + 1);
    let mut rows: Vec<FoundRow> = load(conn, query).await?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next = (rows.len() > limit).then(|| {
        rows.truncate(limit);
        let last = rows.last().expect("a full page has a last row");
        SearchCursor {
            score: last.score,
            distance_km: last.distance_km,
            id: last.tribe.id.0,
        }
    });
    let ids: Vec<_> = rows.iter().map(|row| row.tribe.id).collect();
    let mut interests = interests::of_many(conn, &ids).await?;
    let found = rows
        .into_iter()
        .map(|row| Found {
            tribe: TribeDetails {
                interests: interests.remove(&row.tribe.id).unwrap_or_default(),
                tribe: row.tribe,
            },
            distance_km: row.distance_km,
            score: row.score,
        })
        .collect();
    Ok((found, next))
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// How Postgres runs the first page of `search` (EXPLAIN ANALYZE), line by line.
pub async fn explain_search(
    conn: &mut AsyncPgConnection,
    search: &Search,
    area: Area,
    limit: i64,
) -> Result<Vec<String>, Error> {
    let query = bound_query("EXPLAIN (ANALYZE, BUFFERS) ", search, area, None, limit + 1);
    let lines: Vec<PlanLine> = load(conn, query).await?;
    Ok(lines.into_iter().map(|plan| plan.line).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radius_is_bounded() {
        assert!(RadiusKm::new(0.0).is_err());
        assert!(RadiusKm::new(-1.0).is_err());
        assert!(RadiusKm::new(f64::NAN).is_err());
        assert!(RadiusKm::new(500.1).is_err());
        assert!(RadiusKm::new(25.0).is_ok());
    }

    #[test]
    fn the_box_holds_the_circle() {
        let berlin = GeoPoint::new(52.52, 13.405).unwrap();
        let (lat_min, lat_max, lng_min, lng_max) = bounding_box(Area {
            near: berlin,
            radius: RadiusKm(10.0),
        });
        assert!(lat_min < 52.431 && lat_max > 52.609, "{lat_min} {lat_max}");
        assert!(lng_min < 13.26 && lng_max > 13.55, "{lng_min} {lng_max}");
        let near_pole = GeoPoint::new(89.5, 0.0).unwrap();
        let area = |near, km| Area {
            near,
            radius: RadiusKm(km),
        };
        assert_eq!(bounding_box(area(near_pole, 100.0)).2, -180.0);
        let fiji = GeoPoint::new(-17.7, 179.9).unwrap();
        assert_eq!(bounding_box(area(fiji, 50.0)).3, 180.0);
    }

    #[test]
    fn cursors_round_trip_exactly() {
        let cursor = SearchCursor {
            score: 0.1 + 0.2,
            distance_km: 12.345_678_9,
            id: uuid::Uuid::new_v4(),
        };
        assert_eq!(SearchCursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(SearchCursor::decode("zz"), None);
        assert_eq!(SearchCursor::decode(""), None);
    }
}
