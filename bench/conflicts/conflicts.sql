-- All conflict patches of the harness's farmland parcels against the urban boundary (C1) and the ecological red line
-- (C3), as Metrocircle's ConflictDetector defines them: the polygonal intersection of each intersecting pair, cut by
-- every county it meets (or whole, without a county, when it meets none), measured in SRID 990001, kept from 100 m²
-- (the rules' minimum mapping unit). The pairs skip the overlay when the larger geometry covers the parcel, as
-- Metrocircle does; the county cut is a plain ST_Intersection (ST_CoveredBy there failed with a GEOS
-- TopologyException "side location conflict" on an overlap result). Output: rule, feature A, feature B, county, m².
WITH overlap AS MATERIALIZED (
  SELECT 'C1-urban-farmland'::text AS rule, u.id AS a, f.id AS b,
         CASE WHEN ST_CoveredBy(f.geom_m, u.geom_m) THEN f.geom_m
              ELSE ST_CollectionExtract(ST_Intersection(u.geom_m, f.geom_m), 3) END AS g
  FROM urban_boundary u JOIN farmland f ON ST_Intersects(u.geom_m, f.geom_m)
  UNION ALL
  SELECT 'C3-farmland-redline'::text, f.id, e.id,
         CASE WHEN ST_CoveredBy(f.geom_m, e.geom_m) THEN f.geom_m
              ELSE ST_CollectionExtract(ST_Intersection(f.geom_m, e.geom_m), 3) END
  FROM farmland f JOIN eco_redline e ON ST_Intersects(f.geom_m, e.geom_m)
), piece AS (
  SELECT o.rule, o.a, o.b, c.id AS county,
         ST_CollectionExtract(ST_Intersection(o.g, c.geom_m), 3) AS g
  FROM overlap o JOIN county c ON ST_Intersects(o.g, c.geom_m)
  WHERE NOT ST_IsEmpty(o.g)
  UNION ALL
  SELECT o.rule, o.a, o.b, NULL, o.g
  FROM overlap o
  WHERE NOT ST_IsEmpty(o.g) AND NOT EXISTS (SELECT 1 FROM county c WHERE ST_Intersects(o.g, c.geom_m))
)
SELECT rule, a, b, county, ST_Area(g) AS area_m2 FROM piece WHERE ST_Area(g) >= 100
