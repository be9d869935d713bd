//! How the services' domain value types are stored: ids as `uuid`, enums as `text` restricted by
//! a CHECK constraint that lists the same words.
//!
//! The macros expand in the service crates; they name diesel and uuid through [`__private`], so
//! the expansion does not depend on what the calling crate imports. (Diesel's derives also need
//! `diesel` as a dependency of the calling crate, which every service with a schema has.)

#[doc(hidden)]
pub mod __private {
    pub use diesel;
    pub use uuid;
}

/// A newtype id stored as `uuid`: the tuple struct as declared, with `Clone, Copy, Debug,
/// PartialEq, Eq, Hash`, `Display` (the UUID) and Diesel's mapping to `uuid` columns.
///
/// ```
/// circle_core::uuid_id! {
///     /// Identifies a tribe.
///     pub struct TribeId(pub Uuid);
/// }
/// let id = TribeId(uuid::Uuid::nil());
/// assert_eq!(id.to_string(), "00000000-0000-0000-0000-000000000000");
/// ```
#[macro_export]
macro_rules! uuid_id {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident($field_vis:vis Uuid);
    ) => {
        $(#[$meta])*
        #[derive(
            Clone,
            Copy,
            Debug,
            PartialEq,
            Eq,
            Hash,
            $crate::sql::__private::diesel::expression::AsExpression,
            $crate::sql::__private::diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = $crate::sql::__private::diesel::sql_types::Uuid)]
        $vis struct $name($field_vis $crate::sql::__private::uuid::Uuid);

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl
            $crate::sql::__private::diesel::serialize::ToSql<
                $crate::sql::__private::diesel::sql_types::Uuid,
                $crate::sql::__private::diesel::pg::Pg,
            > for $name
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut $crate::sql::__private::diesel::serialize::Output<
                    'b,
                    '_,
                    $crate::sql::__private::diesel::pg::Pg,
                >,
            ) -> $crate::sql::__private::diesel::serialize::Result {
                <$crate::sql::__private::uuid::Uuid as $crate::sql::__private::diesel::serialize::ToSql<
                    $crate::sql::__private::diesel::sql_types::Uuid,
                    $crate::sql::__private::diesel::pg::Pg,
                >>::to_sql(&self.0, out)
            }
        }

        impl
            $crate::sql::__private::diesel::deserialize::FromSql<
                $crate::sql::__private::diesel::sql_types::Uuid,
                $crate::sql::__private::diesel::pg::Pg,
            > for $name
        {
            fn from_sql(
                value: $crate::sql::__private::diesel::pg::PgValue<'_>,
            ) -> $crate::sql::__private::diesel::deserialize::Result<Self> {
                <$crate::sql::__private::uuid::Uuid as $crate::sql::__private::diesel::deserialize::FromSql<
                    $crate::sql::__private::diesel::sql_types::Uuid,
                    $crate::sql::__private::diesel::pg::Pg,
                >>::from_sql(value)
                .map(Self)
            }
        }
    };
}

/// An enum stored as `text`, each variant as the word given for it: the enum as declared, with
/// `Clone, Copy, Debug, PartialEq, Eq`, `as_str` and `parse` between variants and words, and
/// Diesel's mapping to `text` columns (reading an unknown word is an error).
///
/// ```
/// circle_core::text_enum! {
///     /// Who may see a tribe.
///     pub enum TribePrivacy {
///         Public = "PUBLIC",
///         Private = "PRIVATE",
///     }
/// }
/// assert_eq!(TribePrivacy::Private.as_str(), "PRIVATE");
/// assert_eq!(TribePrivacy::parse("PUBLIC"), Some(TribePrivacy::Public));
/// assert_eq!(TribePrivacy::parse("public"), None);
/// ```
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone,
            Copy,
            Debug,
            PartialEq,
            Eq,
            $crate::sql::__private::diesel::expression::AsExpression,
            $crate::sql::__private::diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = $crate::sql::__private::diesel::sql_types::Text)]
        $vis enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            /// The word stored in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            /// The variant stored as `word`, if any.
            pub fn parse(word: &str) -> ::std::option::Option<Self> {
                match word {
                    $($text => ::std::option::Option::Some(Self::$variant),)+
                    _ => ::std::option::Option::None,
                }
            }
        }

        impl
            $crate::sql::__private::diesel::serialize::ToSql<
                $crate::sql::__private::diesel::sql_types::Text,
                $crate::sql::__private::diesel::pg::Pg,
            > for $name
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut $crate::sql::__private::diesel::serialize::Output<
                    'b,
                    '_,
                    $crate::sql::__private::diesel::pg::Pg,
                >,
            ) -> $crate::sql::__private::diesel::serialize::Result {
                ::std::io::Write::write_all(out, self.as_str().as_bytes())?;
                ::std::result::Result::Ok($crate::sql::__private::diesel::serialize::IsNull::No)
            }
        }

        impl
            $crate::sql::__private::diesel::deserialize::FromSql<
                $crate::sql::__private::diesel::sql_types::Text,
                $crate::sql::__private::diesel::pg::Pg,
            > for $name
        {
            fn from_sql(
                value: $crate::sql::__private::diesel::pg::PgValue<'_>,
            ) -> $crate::sql::__private::diesel::deserialize::Result<Self> {
                let word = value.as_bytes();
                ::std::str::from_utf8(word)
                    .ok()
                    .and_then(Self::parse)
                    .ok_or_else(|| {
                        ::std::format!(
                            "unknown {} {:?}",
                            ::std::stringify!($name),
                            ::std::string::String::from_utf8_lossy(word)
                        )
                        .into()
                    })
            }
        }
    };
}
