INSERT INTO changefeed_lake.changes (event_id, event_name, sequence_number, approximate_creation_time, item_key, routes_old, routes_new, ttl_expired, old_image, new_image)
SELECT event_id, event_name, sequence_number, approximate_creation_time, item_key, routes_old, routes_new, ttl_expired, old_image, new_image
FROM (
  SELECT
    eventid AS event_id,
    arbitrary(eventname) AS event_name,
    arbitrary(lpad(sequencenumber, 40, '0')) AS sequence_number,
    arbitrary(CAST(from_iso8601_timestamp(approximatecreationdatetime) AS timestamp(6))) AS approximate_creation_time,
    arbitrary(keys) AS item_key,
    arbitrary(CAST(json_extract(routes, '$.old') AS array(varchar))) AS routes_old,
    arbitrary(CAST(json_extract(routes, '$.new') AS array(varchar))) AS routes_new,
    arbitrary(ttlexpired) AS ttl_expired,
    arbitrary(oldimage) AS old_image,
    arbitrary(newimage) AS new_image
  FROM changefeed_lake.changefeed_archive
  WHERE dt BETWEEN '2026-11-27' AND '2026-11-27'
    AND eventid IS NOT NULL
    AND CAST(from_iso8601_timestamp(approximatecreationdatetime) AS timestamp(6)) >= TIMESTAMP '2026-11-27 12:45:00.000'
    AND CAST(from_iso8601_timestamp(approximatecreationdatetime) AS timestamp(6)) < TIMESTAMP '2026-11-27 13:15:00.000'
  GROUP BY eventid
) AS archived
WHERE NOT EXISTS (
  SELECT 1
  FROM changefeed_lake.changes AS held
  WHERE held.event_id = archived.event_id
    AND held.approximate_creation_time >= TIMESTAMP '2026-11-27 12:45:00.000'
    AND held.approximate_creation_time < TIMESTAMP '2026-11-27 13:15:00.000'
);

MERGE INTO changefeed_lake.open_orders_current AS target
USING (
  SELECT
    item_key,
    max(sequence_number) AS sequence_number,
    max_by(item, sequence_number) AS item,
    max_by(leaves, sequence_number) AS leaves
  FROM (
    SELECT
      item_key,
      sequence_number,
      json_format(CAST(map_filter(CAST(json_parse(new_image) AS map(varchar, json)), (name, value) -> contains(map_keys(CAST(json_parse(item_key) AS map(varchar, json))), name) OR (contains(ARRAY['status', 'total'], name))) AS json)) AS item,
      (event_name = 'REMOVE' OR NOT coalesce(contains(routes_new, 'open-orders'), false)) AS leaves
    FROM changefeed_lake.changes
    WHERE approximate_creation_time >= TIMESTAMP '2026-11-27 12:45:00.000'
      AND (coalesce(contains(routes_old, 'open-orders'), false) OR coalesce(contains(routes_new, 'open-orders'), false))
      AND NOT ttl_expired
  ) AS touching
  GROUP BY item_key
) AS latest
ON target.item_key = latest.item_key
WHEN MATCHED AND latest.sequence_number > target.sequence_number AND latest.leaves THEN DELETE
WHEN MATCHED AND latest.sequence_number > target.sequence_number
  THEN UPDATE SET item = latest.item, sequence_number = latest.sequence_number
WHEN NOT MATCHED AND NOT latest.leaves
  THEN INSERT (item_key, item, sequence_number) VALUES (latest.item_key, latest.item, latest.sequence_number);

MERGE INTO changefeed_lake.everything_current AS target
USING (
  SELECT
    item_key,
    max(sequence_number) AS sequence_number,
    max_by(item, sequence_number) AS item,
    max_by(leaves, sequence_number) AS leaves
  FROM (
    SELECT
      item_key,
      sequence_number,
      json_format(CAST(map_filter(CAST(json_parse(new_image) AS map(varchar, json)), (name, value) -> contains(map_keys(CAST(json_parse(item_key) AS map(varchar, json))), name) OR (NOT contains(ARRAY['secret'], name))) AS json)) AS item,
      (event_name = 'REMOVE' OR NOT coalesce(contains(routes_new, 'everything'), false)) AS leaves
    FROM changefeed_lake.changes
    WHERE approximate_creation_time >= TIMESTAMP '2026-11-27 12:45:00.000'
      AND (coalesce(contains(routes_old, 'everything'), false) OR coalesce(contains(routes_new, 'everything'), false))
      AND NOT ttl_expired
  ) AS touching
  GROUP BY item_key
) AS latest
ON target.item_key = latest.item_key
WHEN MATCHED AND latest.sequence_number > target.sequence_number AND latest.leaves THEN DELETE
WHEN MATCHED AND latest.sequence_number > target.sequence_number
  THEN UPDATE SET item = latest.item, sequence_number = latest.sequence_number
WHEN NOT MATCHED AND NOT latest.leaves
  THEN INSERT (item_key, item, sequence_number) VALUES (latest.item_key, latest.item, latest.sequence_number);
