-- Discovery: public tribes near a point (a GiST index on their points, read with a bounding
-- box), and by words in their name and description (a trigram index; pg_trgm lives in public,
-- created by the database setup).

CREATE INDEX tribes_discovery_geo ON tribes USING gist (point(longitude, latitude))
    WHERE privacy = 'PUBLIC' AND status <> 'DISSOLVED' AND latitude IS NOT NULL;

CREATE INDEX tribes_discovery_text ON tribes USING gin ((name || ' ' || description) gin_trgm_ops)
    WHERE privacy = 'PUBLIC' AND status <> 'DISSOLVED' AND latitude IS NOT NULL;
