//! `prepared` statements are parsed once per connection; diesel's `sql_query` every time.

use circle_core::prepared::prepared;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

#[derive(QueryableByName)]
struct Sum {
    #[diesel(sql_type = Integer)]
    n: i32,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

const SUM: &str = "SELECT $1::int4 + $2::int4 AS n /* prepared test */";

async fn times_prepared(conn: &mut AsyncPgConnection) -> i64 {
    diesel::sql_query("SELECT count(*) AS count FROM pg_prepared_statements WHERE statement = $1")
        .bind::<Text, _>(SUM)
        .get_result::<Count>(conn)
        .await
        .expect("pg_prepared_statements is readable")
        .count
}

#[tokio::test]
async fn a_prepared_query_is_parsed_once_and_reused() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL names a Postgres server");
    let mut conn = AsyncPgConnection::establish(&url).await.expect("connects");

    for (a, b) in [(1, 2), (40, 2), (-5, 5)] {
        let sum = prepared(SUM)
            .bind::<Integer, _>(a)
            .bind::<Integer, _>(b)
            .get_result::<Sum>(&mut conn)
            .await
            .expect("the query runs");
        assert_eq!(sum.n, a + b);
    }
    assert_eq!(times_prepared(&mut conn).await, 1);

    // The contrast: sql_query's statement is closed after each call, so nothing stays prepared.
    let mut other = AsyncPgConnection::establish(&url).await.expect("connects");
    for _ in 0..3 {
        diesel::sql_query(SUM)
            .bind::<Integer, _>(1)
            .bind::<Integer, _>(2)
            .get_result::<Sum>(&mut other)
            .await
            .expect("the query runs");
    }
    assert_eq!(times_prepared(&mut other).await, 0);
}
