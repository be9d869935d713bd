DROP INDEX tribes_discovery_text;
DROP INDEX tribes_discovery_geo;
