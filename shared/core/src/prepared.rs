//! Hand-written SQL that each connection prepares once and then reuses.
//!
//! Diesel never caches `sql_query` statements (it cannot know the text is fixed), so with
//! diesel-async every such call costs an extra round trip to prepare it and a fresh plan. A
//! [`PreparedSql`] takes only a `&'static str`, so the text is fixed and the connection's
//! statement cache may keep it, keyed by the text and the bind types.
//!
//! ```ignore
//! prepared("SELECT ... WHERE a.id = $1")
//!     .bind::<Uuid, _>(user)
//!     .get_result::<ProfileRow>(conn)
//!     .await
//! ```

use std::marker::PhantomData;

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};

/// Starts a query from fixed SQL; add its parameters in order with [`PreparedSql::bind`].
pub fn prepared(sql: &'static str) -> PreparedSql<()> {
    PreparedSql { sql, binds: () }
}

/// Fixed SQL and its parameters; loads rows through `QueryableByName`, like `sql_query`.
#[must_use = "a query does nothing until it is run"]
pub struct PreparedSql<B> {
    sql: &'static str,
    binds: B,
}

/// One parameter of SQL type `ST`.
pub struct Bound<ST, V> {
    value: V,
    sql_type: PhantomData<ST>,
}

impl<B> PreparedSql<B> {
    /// Binds the next parameter (`$1`, then `$2`, ...).
    pub fn bind<ST, V>(self, value: V) -> PreparedSql<(B, Bound<ST, V>)> {
        PreparedSql {
            sql: self.sql,
            binds: (
                self.binds,
                Bound {
                    value,
                    sql_type: PhantomData,
                },
            ),
        }
    }
}

/// The parameters bound so far, pushed first to last.
pub trait Binds {
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

impl Binds for () {
    fn push<'b>(&'b self, _out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        Ok(())
    }
}

impl<B, ST, V> Binds for (B, Bound<ST, V>)
where
    B: Binds,
    Pg: HasSqlType<ST>,
    V: ToSql<ST, Pg>,
{
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.push(out)?;
        out.push_bind_param_value_only::<ST, V>(&self.1.value)
    }
}

impl<B: Binds> QueryFragment<Pg> for PreparedSql<B> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(self.sql);
        self.binds.push(&mut out)
    }
}

impl<B> QueryId for PreparedSql<B> {
    type QueryId = ();
    // No static id: the statement cache keys these by their SQL text and bind types.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<B> Query for PreparedSql<B> {
    type SqlType = Untyped;
}
